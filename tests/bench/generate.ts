import { FORMAT_NAME, FORMAT_VERSION, exportedEvent } from '../../src/app/export-format';
import type { StoredEvent } from '../../src/store/db';

/** A small deterministic PRNG, so every run benchmarks the same ledger. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cents = (value: bigint): string => `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;

export interface GeneratedLog {
  text: string;
  /** The same events as (streamId, stored) pairs, for the raw IndexedDB ceiling. */
  events: { streamId: string; stored: StoredEvent }[];
}

/**
 * A valid export of `total` events over `accounts` EUR accounts: everyone opens,
 * then deposits, withdrawals and transfers that the rules accept. Money is kept
 * in BigInt cents here, never in a float.
 */
export function generateLog(total: number, accounts: number, seed = 42): GeneratedLog {
  const random = prng(seed);
  const balances: bigint[] = new Array(accounts).fill(0n);
  const versions: number[] = new Array(accounts).fill(0);
  const events: { streamId: string; stored: StoredEvent }[] = [];
  const start = Date.parse('2020-01-01T00:00:00.000Z');
  let position = 0;
  const push = (account: number, type: StoredEvent['type'], data: Record<string, unknown>, commandId: string) => {
    position++;
    const streamId = `acc-${account}`;
    events.push({
      streamId,
      stored: {
        position,
        version: ++versions[account]!,
        type,
        schemaVersion: type === 'AccountOpened' || type === 'MoneyDeposited' || type === 'MoneyWithdrawn' ? 2 : 1,
        data: { accountId: streamId, ...data },
        metadata: { eventId: `e-${position}`, commandId, at: new Date(start + position * 1000).toISOString() },
      },
    });
  };
  for (let a = 0; a < accounts && position < total; a++) {
    push(a, 'AccountOpened', { ownerName: `Owner ${a}`, currency: 'EUR' }, `c-${position + 1}`);
  }
  while (position < total) {
    const a = Math.floor(random() * accounts);
    const roll = random();
    const amount = BigInt(1 + Math.floor(random() * 50_000));
    const commandId = `c-${position + 1}`;
    if (roll < 0.2 && position + 2 <= total && accounts > 1 && balances[a]! >= amount) {
      const b = (a + 1 + Math.floor(random() * (accounts - 1))) % accounts;
      balances[a]! -= amount;
      balances[b]! += amount;
      const common = { transferId: commandId, amount: cents(amount), description: 'Rent' };
      push(a, 'TransferSent', { transferId: common.transferId, toAccountId: `acc-${b}`, amount: common.amount, description: common.description }, commandId);
      push(b, 'TransferReceived', { transferId: common.transferId, fromAccountId: `acc-${a}`, amount: common.amount, description: common.description }, commandId);
      // Both sides of a transfer carry the same time: they are one commit.
      events[events.length - 1]!.stored.metadata.at = events[events.length - 2]!.stored.metadata.at;
    } else if (roll < 0.4 && balances[a]! >= amount) {
      balances[a]! -= amount;
      push(a, 'MoneyWithdrawn', { amount: cents(amount), description: 'Card payment' }, commandId);
    } else {
      balances[a]! += amount;
      push(a, 'MoneyDeposited', { amount: cents(amount), description: 'Salary' }, commandId);
    }
  }
  const header = JSON.stringify({ format: FORMAT_NAME, version: FORMAT_VERSION, exportedAt: new Date(start).toISOString(), eventCount: events.length });
  const lines = events.map((e) => JSON.stringify(exportedEvent(e.streamId, e.stored)));
  const text = `${header.slice(0, -1)},"events":[\n${lines.join(',\n')}\n]}\n`;
  return { text, events };
}
