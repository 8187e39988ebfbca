import { liveQuery } from 'dexie';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LedgerQueries } from '../../src/app/queries';
import { verifyProjections } from '../../src/projections/verify';
import { LogMoved, writeDirect } from '../../src/store/direct-write';
import type { LedgerDb, LogMeta } from '../../src/store/db';
import { StorageError } from '../../src/domain/errors';
import { deposit, open, steppingClock, transfer } from '../support/ledger';
import { dumpDb, failWrite, useLedgers } from '../support/store';

const ledgers = useLedgers();

async function head(db: LedgerDb): Promise<LogMeta> {
  return (await db.meta.get('log'))!;
}

/** The values a live query gives, as they come; `next(n)` waits for the n-th (from 1). */
function watch<T>(query: () => Promise<T>) {
  const values: T[] = [];
  const waiting: [number, () => void][] = [];
  const subscription = liveQuery(query).subscribe({
    next: (value) => {
      values.push(value);
      for (const [n, resolve] of waiting) if (values.length >= n) resolve();
    },
    error: (error: unknown) => {
      throw error;
    },
  });
  return {
    values,
    next: (n: number) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`live query gave ${values.length} values, not ${n}`)), 2000);
        const done = () => {
          clearTimeout(timer);
          resolve(values[n - 1]!);
        };
        if (values.length >= n) done();
        else waiting.push([n, done]);
      }),
    stop: () => subscription.unsubscribe(),
  };
}

describe('a command written with IndexedDB’s own transaction', () => {
  it('is seen by live queries of this tab and of another connection, as a Dexie write is', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('alice', 'Alice', 'EUR', '10'));
    const other = await ledgers.connect(ledger);
    const queries = new LedgerQueries(ledger.db);
    const theirs = new LedgerQueries(other.db);
    const row = watch(() => queries.getAccount('alice'));
    const list = watch(() => queries.listAccounts());
    const history = watch(() => queries.transactions('alice'));
    const events = watch(() => theirs.streamEvents('alice'));
    const remote = watch(() => theirs.getAccount('alice'));
    await Promise.all([row.next(1), list.next(1), history.next(1), events.next(1), remote.next(1)]);

    // This tab wrote the log's last event, so the deposit takes the planned path.
    await ledger.execute(deposit('alice', '2.50'));

    expect((await row.next(2))?.balance).toBe('12.50');
    expect((await list.next(2)).rows[0]?.balance).toBe('12.50');
    expect((await history.next(2)).rows.map((r) => r.amount)).toEqual(['2.50', '10.00']);
    expect((await events.next(2)).rows.map((e) => e.type)).toEqual(['AccountOpened', 'MoneyDeposited', 'MoneyDeposited']);
    expect((await remote.next(2))?.balance).toBe('12.50');
    for (const query of [row, list, history, events, remote]) query.stop();
  });

  it('leaves the store as Dexie’s path does: same records, read models that verify', async () => {
    const commands = [open('alice', 'Alice', 'EUR', '100'), open('bob', 'Bob', 'EUR'), transfer('alice', 'bob', '30'), deposit('bob', '1.25')];
    const planned = await ledgers.open({ snapshotEvery: 2, newId: counter(), clock: steppingClock() });
    const throughDexie: string[] = [];
    const seen = (_key: unknown, record: { streamId: string }) => void throughDexie.push(record.streamId);
    planned.db.commits.hook('creating', seen);
    for (const command of commands) await planned.execute(command);
    planned.db.commits.hook('creating').unsubscribe(seen);
    // The opens are checked (a new account is not cached); the transfer and the deposit are planned, and skip Dexie.
    expect(throughDexie).toEqual(['alice', 'bob']);
    // A fresh connection before each command: none is cached, so every command takes the checked path in Dexie's transaction.
    const checkedName = `${planned.db.name}-checked`;
    const newId = counter();
    const clock = steppingClock();
    for (const command of commands) {
      const checked = await ledgers.open({ name: checkedName, snapshotEvery: 2, newId, clock });
      await checked.execute(command);
      checked.close();
    }
    const checked = await ledgers.open({ name: checkedName, snapshotEvery: 2 });

    const strip = (dump: Record<string, unknown[]>) => ({ ...dump, meta: (dump.meta as LogMeta[]).map(({ lastWrite: _, ...meta }) => meta) });
    expect(strip(await dumpDb(planned.db))).toEqual(strip(await dumpDb(checked.db)));
    expect(await verifyProjections(planned.db)).toEqual([]);
    expect((await planned.store.readAll()).map((e) => `${e.streamId}@${e.version}#${e.position}`)).toEqual([
      'alice@1#1',
      'alice@2#2',
      'bob@1#3',
      'alice@3#4',
      'bob@2#5',
      'bob@3#6',
    ]);
  });
});

describe('a command the browser has no room for', () => {
  it.each(['planned', 'checked'] as const)('is reported as the quota on the %s path, and writes nothing', async (path) => {
    const writer = await ledgers.open();
    await writer.execute(open('alice', 'Alice', 'EUR', '10'));
    // The tab that wrote last plans the deposit from its cache; a second connection checks it in Dexie's transaction.
    const ledger = path === 'planned' ? writer : await ledgers.connect(writer);
    const before = await dumpDb(ledger.db);
    onTestFinished(failWrite('commits', () => true, () => new DOMException('The quota has been exceeded.', 'QuotaExceededError')));

    const deposited = ledger.execute(deposit('alice', '1'));

    await expect(deposited).rejects.toBeInstanceOf(StorageError);
    await expect(deposited).rejects.toMatchObject({ code: 'STORAGE_QUOTA_EXCEEDED' });
    expect(await dumpDb(ledger.db)).toEqual(before);
  });
});

describe('writeDirect', () => {
  async function started() {
    const ledger = await ledgers.open();
    await ledger.execute(open('alice', 'Alice', 'EUR', '10'));
    const meta = await head(ledger.db);
    const row = (await ledger.db.accounts.get('alice'))!;
    return { db: ledger.db, meta, row, before: await dumpDb(ledger.db) };
  }

  it('writes nothing and reports LogMoved when the log’s head names another write', async () => {
    const { db, meta, row, before } = await started();

    const write = writeDirect(db, 'not-the-last-write', [{ table: 'accounts', values: [{ ...row, balance: '99.00' }] }], { ...meta, lastWrite: 'next' });

    await expect(write).rejects.toBeInstanceOf(LogMoved);
    expect(await dumpDb(db)).toEqual(before);
  });

  it('writes nothing and reports LogMoved when an add meets a key that is taken', async () => {
    const { db, meta, row, before } = await started();
    const [taken] = await db.commits.toArray();

    const write = writeDirect(
      db,
      meta.lastWrite!,
      [
        { table: 'accounts', values: [{ ...row, balance: '99.00' }] },
        { table: 'commits', values: [taken!], add: true },
      ],
      { ...meta, lastWrite: 'next' },
    );

    await expect(write).rejects.toBeInstanceOf(LogMoved);
    expect(await dumpDb(db)).toEqual(before);
  });

  it('writes nothing when a value cannot be stored, and reports IndexedDB’s own error', async () => {
    const { db, meta, row, before } = await started();

    const write = writeDirect(
      db,
      meta.lastWrite!,
      [{ table: 'accounts', values: [{ ...row, balance: '99.00' }, { ...row, accountId: 'bad', balance: () => 'not cloneable' }] }],
      { ...meta, lastWrite: 'next' },
    );

    await expect(write).rejects.toMatchObject({ name: 'DataCloneError' });
    expect(await dumpDb(db)).toEqual(before);
  });

  it('writes nothing and answers false on a closed connection, for Dexie’s path to report', async () => {
    const { db, meta, row } = await started();
    db.close();

    expect(await writeDirect(db, meta.lastWrite!, [{ table: 'accounts', values: [row] }], meta)).toBe(false);
  });
});

function counter(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}
