import { describe, expect, it, onTestFinished } from 'vitest';
import { importLedger } from '../../src/app/import';
import type { Ledger } from '../../src/app/ledger';
import type { LedgerDb } from '../../src/store/db';
import { generateLog } from '../bench/generate';
import { deposit, open } from '../support/ledger';
import { replayPrefix, stateView, useLedgers } from '../support/store';

const ledgers = useLedgers();

interface SeenTransaction {
  stores: string[];
  mode: IDBTransactionMode;
}

/**
 * Watches the IndexedDB transactions of every connection opened from now on (Dexie keeps the
 * `transaction` method it found when it opened, so the watch starts before any ledger opens).
 * `on(db)` lists those made on db's database from then on; with `abortFirst`, the first of them is
 * aborted once its requests are made, as a connection closing under it would.
 */
function watchTransactions() {
  const proto = IDBDatabase.prototype;
  const original = proto.transaction;
  const watches: { name: string; seen: SeenTransaction[]; completed: boolean[]; abortFirst: boolean }[] = [];
  proto.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
    const tx = original.call(this, stores, mode, options);
    for (const watch of watches.filter((w) => w.name === this.name)) {
      const n = watch.seen.push({ stores: [...(typeof stores === 'string' ? [stores] : stores)].sort(), mode: mode ?? 'readonly' });
      watch.completed.push(false);
      tx.addEventListener('complete', () => (watch.completed[n - 1] = true));
      if (watch.abortFirst && n === 1) queueMicrotask(() => tx.abort());
    }
    return tx;
  } as IDBDatabase['transaction'];
  onTestFinished(() => {
    proto.transaction = original;
  });
  return {
    on(db: LedgerDb, { abortFirst = false } = {}): SeenTransaction[] {
      const seen: SeenTransaction[] = [];
      watches.push({ name: db.name, seen, completed: [], abortFirst });
      return seen;
    },
    /** Whether each transaction `on(db)` listed has completed by now. */
    completed(db: LedgerDb): boolean[] {
      return watches.find((w) => w.name === db.name)?.completed ?? [];
    },
  };
}

/** Account a, opened and given `deposits` deposits of 1 to 9 cents, one command (one record) each. */
async function accountWithDeposits(ledger: Ledger, deposits: number): Promise<void> {
  await ledger.execute(open('a', 'Ada', 'EUR'));
  for (let i = 1; i <= deposits; i++) await ledger.execute(deposit('a', `0.0${1 + (i % 9)}`));
}

/** Loads `accountId` at each version, and checks each state against a replay of the whole stream. */
async function expectEveryVersion(ledger: Ledger, accountId: string, versions: Iterable<number>): Promise<void> {
  for (const version of versions) {
    const loaded = await ledger.loadAccount(accountId, version);
    expect(loaded.version).toBe(version);
    expect(stateView(loaded.state)).toEqual(await replayPrefix(ledger, accountId, version));
  }
}

describe('loading an account outside a transaction', () => {
  it('reads an imported stream in one read-only transaction, at any version', async () => {
    const watch = watchTransactions();
    const ledger = await ledgers.open();
    // One stream of 1,200 events: an import writes it as a few records of hundreds of events each.
    await importLedger(ledger.db, generateLog(1_200, 1).text, { snapshotEvery: 100 });
    const records = await ledger.db.commits.count();
    expect(records).toBeGreaterThan(1);
    expect(records).toBeLessThan(6);
    const versions = [1, 2, 99, 100, 101, 555, 1_000, 1_199, 1_200];

    const seen = watch.on(ledger.db);
    for (const version of versions) await ledger.loadAccount('acc-0', version);
    await ledger.loadAccount('acc-0');

    expect(seen).toEqual(Array(versions.length + 1).fill({ stores: ['commits', 'snapshots'], mode: 'readonly' }));
    await expectEveryVersion(ledger, 'acc-0', versions);
    expect((await ledger.loadAccount('acc-0')).version).toBe(1_200);
  });

  it('reads a tail of many one-event records after the snapshot in a second round of the same transaction', async () => {
    const watch = watchTransactions();
    const ledger = await ledgers.open({ snapshotEvery: 50 });
    // Snapshots at 50 and 100; 30 records after the newest.
    await accountWithDeposits(ledger, 129);

    const seen = watch.on(ledger.db);
    const loaded = await ledger.loadAccount('a');

    expect(seen).toEqual([{ stores: ['commits', 'snapshots'], mode: 'readonly' }]);
    // A load answers as soon as its reads have: the transaction completes after that.
    expect(watch.completed(ledger.db)).toEqual([false]);
    expect(loaded.version).toBe(130);
    expect(stateView(loaded.state)).toEqual(await replayPrefix(ledger, 'a', 130));
    await expectEveryVersion(ledger, 'a', [1, 2, 49, 50, 51, 99, 100, 101, 129, 130]);
  });

  it('reads the whole stream when there is no snapshot and more records than the keys it reads first', async () => {
    const watch = watchTransactions();
    const ledger = await ledgers.open({ snapshotEvery: 0 });
    await accountWithDeposits(ledger, 149);

    const seen = watch.on(ledger.db);
    const loaded = await ledger.loadAccount('a');

    expect(seen).toHaveLength(1);
    expect(loaded.version).toBe(150);
    expect(stateView(loaded.state)).toEqual(await replayPrefix(ledger, 'a', 150));
    await expectEveryVersion(ledger, 'a', [1, 49, 50, 51, 100, 149, 150]);
  });

  it('answers version 0 and the initial state for an account that does not exist, in one transaction', async () => {
    const watch = watchTransactions();
    const ledger = await ledgers.open();
    await accountWithDeposits(ledger, 3);

    const seen = watch.on(ledger.db);
    const loaded = await ledger.loadAccount('nobody');

    expect(seen).toHaveLength(1);
    expect(loaded).toMatchObject({ version: 0, state: { status: 'none' } });
  });

  it('reads again through Dexie, with the same answer, when its transaction aborts', async () => {
    const watch = watchTransactions();
    const ledger = await ledgers.open({ snapshotEvery: 10 });
    await accountWithDeposits(ledger, 24);

    const seen = watch.on(ledger.db, { abortFirst: true });
    const loaded = await ledger.loadAccount('a');

    expect(seen.length).toBeGreaterThan(1);
    expect(loaded.version).toBe(25);
    expect(stateView(loaded.state)).toEqual(await replayPrefix(ledger, 'a', 25));
  });
});

describe('readying an account for its commands', () => {
  it('reads its aggregate, row and the log\'s head in one transaction, settled before it answers; the next deposit is one write', async () => {
    const watch = watchTransactions();
    const writer = await ledgers.open({ snapshotEvery: 10 });
    await accountWithDeposits(writer, 24);
    // Another tab, which has never seen the account.
    const tab = await ledgers.connect(writer);

    const seen = watch.on(tab.db);
    await tab.prefetch('a');
    expect(seen).toEqual([{ stores: ['accounts', 'commits', 'meta', 'snapshots'], mode: 'readonly' }]);
    // Settled before it answers: a write transaction on those tables would otherwise wait for it to complete.
    expect(watch.completed(tab.db)).toEqual([true]);
    await tab.execute(deposit('a', '1'));

    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ mode: 'readwrite' });
    const loaded = await tab.loadAccount('a');
    expect(loaded.version).toBe(26);
    expect(stateView(loaded.state)).toEqual(await replayPrefix(tab, 'a', 26));
  });
});
