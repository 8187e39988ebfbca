import { describe, expect, it } from 'vitest';
import { Money } from '../../src/domain/money';
import { ConcurrencyError } from '../../src/domain/errors';
import type { StreamAppend } from '../../src/store/event-store';
import { LedgerQueries } from '../../src/app/queries';
import { verifyProjections } from '../../src/projections/verify';
import { deposit, open, transfer, withdraw } from '../support/ledger';
import { dumpDb, useLedgers } from '../support/store';

const ledgers = useLedgers();

let eventNo = 0;
function depositAppend(streamId: string, expectedVersion: number, amount: string): StreamAppend {
  const id = `race-${++eventNo}`;
  return {
    streamId,
    expectedVersion,
    events: [
      {
        event: { type: 'MoneyDeposited', data: { accountId: streamId, amount, description: id } },
        metadata: { eventId: id, commandId: id },
      },
    ],
  };
}

describe('two connections racing on one stream', () => {
  it('lets exactly one of two appends with the same expected version win', async () => {
    const first = await ledgers.open();
    const second = await ledgers.connect(first);
    await first.execute(open('a'));
    const at = '2026-02-01T00:00:00.000Z';

    const outcomes = await Promise.allSettled([
      first.store.append([depositAppend('a', 1, '1.00')], at),
      second.store.append([depositAppend('a', 1, '2.00')], at),
    ]);

    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(ConcurrencyError);
    expect(lost[0]).toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: 'a', expectedVersion: 1, actualVersion: 2 });
    const stream = await first.store.readStream('a');
    expect(stream.map((e) => e.version)).toEqual([1, 2]);
    expect((await second.store.readAll()).map((e) => e.position)).toEqual([1, 2]);
    expect((await first.store.meta()).position).toBe(2);
  });

  it('keeps versions contiguous when many appends race, each retrying from the version it read', async () => {
    const first = await ledgers.open();
    const second = await ledgers.connect(first);
    await first.execute(open('a'));
    let conflicts = 0;
    const appendWithRetry = async (connection: typeof first, amount: string): Promise<void> => {
      for (;;) {
        const version = await connection.store.streamVersion('a');
        try {
          await connection.store.append([depositAppend('a', version, amount)], '2026-02-01T00:00:00.000Z');
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          conflicts++;
        }
      }
    };

    await Promise.all(Array.from({ length: 20 }, (_, i) => appendWithRetry(i % 2 ? first : second, '1.00')));

    // All twenty read the head before any of them wrote, so the race was real: most had to retry.
    expect(conflicts).toBeGreaterThan(0);
    const stream = await second.store.readStream('a');
    expect(stream.map((e) => e.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect((await first.store.readAll()).map((e) => e.position)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('refuses an append that would write one version twice, even past the version check, and writes nothing', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a'));
    const before = await dumpDb(ledger.db);

    // Both parts pass the head check (it runs before any write); only the unique key can stop the second.
    const twice = ledger.store.append([depositAppend('a', 1, '1.00'), depositAppend('a', 1, '2.00')], '2026-02-01T00:00:00.000Z');

    await expect(twice).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await dumpDb(ledger.db)).toEqual(before);
  });
});

describe('commands from two connections at once', () => {
  it('lands every concurrent deposit, with contiguous versions and the exact total', async () => {
    const first = await ledgers.open();
    const second = await ledgers.connect(first);
    await first.execute(open('a', 'Ada', 'EUR'));
    const amounts = Array.from({ length: 30 }, (_, i) => `${i + 1}.${String(i).padStart(2, '0')}`);

    const results = await Promise.allSettled(
      amounts.map((amount, i) => (i % 2 ? first : second).execute(deposit('a', amount))),
    );

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const stream = await first.store.readStream('a');
    expect(stream.map((e) => e.version)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect((await first.store.readAll()).map((e) => e.position)).toEqual(stream.map((e) => e.position));
    const total = amounts.reduce((sum, a) => sum.plus(a), new Money(0));
    expect((await new LedgerQueries(second.db).getAccount('a'))?.balance).toBe(total.toFixed(2));
    expect((await second.loadAccount('a')).state).toMatchObject({ status: 'open' });
    expect((await second.loadAccount('a')).version).toBe(31);
    expect(await verifyProjections(first.db)).toEqual([]);
  });

  it('opens an account once when two connections race to open it', async () => {
    const first = await ledgers.open();
    const second = await ledgers.connect(first);

    const outcomes = await Promise.allSettled([
      first.execute(open('a', 'From tab one')),
      second.execute(open('a', 'From tab two')),
    ]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refusal = outcomes.find((o) => o.status === 'rejected');
    expect(refusal?.status === 'rejected' && refusal.reason).toMatchObject({ code: 'ACCOUNT_ALREADY_EXISTS' });
    expect((await first.store.readAll()).map((e) => `${e.streamId}@${e.version}`)).toEqual(['a@1']);
  });

  it('keeps every write of a command in its transaction with several commands in flight in each of two tabs', async () => {
    // Dexie finds a transaction through a zone carried across awaits; with transactions interleaving in one tab it
    // can be lost, and a command's later writes then ran in transactions of their own (read models off the log).
    const first = await ledgers.open();
    const second = await ledgers.connect(first);
    await first.execute(open('a', 'Ada', 'EUR', '500.00'));
    await second.execute(open('b', 'Bob', 'EUR', '500.00'));
    const commands = Array.from({ length: 48 }, (_, i) =>
      i % 3 === 0 ? deposit(i % 2 ? 'a' : 'b', '7.00') : i % 3 === 1 ? withdraw(i % 2 ? 'b' : 'a', '3.00') : transfer(i % 2 ? 'a' : 'b', i % 2 ? 'b' : 'a', '5.00'),
    );

    for (let i = 0; i < commands.length; i += 4) {
      const batch = commands.slice(i, i + 4).map((command, j) => (j % 2 ? second : first).execute(command));
      expect((await Promise.allSettled(batch)).filter((r) => r.status === 'rejected')).toEqual([]);
    }

    expect(await verifyProjections(first.db)).toEqual([]);
    const queries = new LedgerQueries(second.db);
    expect([(await queries.getAccount('a'))?.balance, (await queries.getAccount('b'))?.balance]).toEqual(['532.00', '532.00']);
    expect((await first.store.readAll()).map((e) => e.position)).toEqual(Array.from({ length: 4 + 48 + 16 }, (_, i) => i + 1));
  });

  it("decides each tab's commands on what the other tab wrote to the same account", async () => {
    const first = await ledgers.open();
    const second = await ledgers.connect(first);
    await second.execute(open('a', 'Ada', 'EUR', '10.00'));
    await first.execute(deposit('a', '1.00'));

    await second.execute(deposit('a', '5.00'));
    await first.execute(withdraw('a', '16.00'));

    expect((await new LedgerQueries(first.db).getAccount('a'))?.balance).toBe('0.00');
    expect((await first.store.readStream('a')).map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(await verifyProjections(first.db)).toEqual([]);
    await expect(first.execute(deposit('nobody', '1.00'))).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
  });
});
