import Dexie from 'dexie';
import { Ledger, type LedgerOptions } from '../../src/app/ledger';
import { LedgerDb } from '../../src/store/db';
import type { LedgerCommand } from '../../src/domain/commands';

let counter = 0;

/** A fresh, uniquely named database, so tests never see each other's data (in Node and in Chromium). */
export function freshName(prefix = 'test'): string {
  return `${prefix}-${Date.now()}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A deterministic clock: each call is one second after the previous one. */
export function steppingClock(start = '2026-01-01T09:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

export async function openLedger(options: LedgerOptions & { name?: string } = {}): Promise<Ledger> {
  const { name = freshName(), ...rest } = options;
  return Ledger.open(name, { clock: steppingClock(), ...rest });
}

export async function deleteLedger(ledger: Ledger): Promise<void> {
  ledger.close();
  await Dexie.delete(ledger.db.name);
}

let commandCounter = 0;
export const cmdId = (): string => `cmd-${++commandCounter}-${Math.random().toString(36).slice(2, 8)}`;

export const open = (accountId: string, ownerName = 'Ada Lovelace', currency = 'EUR', initialDeposit?: string): LedgerCommand => ({
  type: 'OpenAccount',
  commandId: cmdId(),
  data: { accountId, ownerName, currency, ...(initialDeposit ? { initialDeposit } : {}) },
});
export const deposit = (accountId: string, amount: string, description?: string): LedgerCommand => ({
  type: 'Deposit',
  commandId: cmdId(),
  data: { accountId, amount, ...(description ? { description } : {}) },
});
export const withdraw = (accountId: string, amount: string): LedgerCommand => ({
  type: 'Withdraw',
  commandId: cmdId(),
  data: { accountId, amount },
});
export const transfer = (fromAccountId: string, toAccountId: string, amount: string): LedgerCommand => ({
  type: 'Transfer',
  commandId: cmdId(),
  data: { fromAccountId, toAccountId, amount },
});
export const close = (accountId: string, reason = 'No longer needed'): LedgerCommand => ({
  type: 'CloseAccount',
  commandId: cmdId(),
  data: { accountId, reason },
});

export { LedgerDb };

/**
 * The last position at or before `p` that ends a commit: time travel never shows the log inside one (between
 * a transfer's two halves, or an opening and its first deposit).
 */
export function lastWholeCommit(log: readonly { metadata: { commandId: string } }[], p: number): number {
  let whole = p;
  while (whole > 0 && whole < log.length && log[whole]!.metadata.commandId === log[whole - 1]!.metadata.commandId) whole--;
  return whole;
}
