import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { eventText } from '../../src/store/event-text';
import { verifyProjections } from '../../src/projections/verify';
import { PROJECTION_VERSION } from '../../src/projections/projector';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { Ledger } from '../../src/app/ledger';
import { TimeTravel } from '../../src/app/temporal';
import { StorageError } from '../../src/domain/errors';
import { LedgerDb } from '../../src/store/db';
import { LedgerQueries } from '../../src/app/queries';
import { deposit, freshName, open } from '../support/ledger';
import { useLedgers } from '../support/store';
import { fromColumn } from '../../src/store/text-column';

const ledgers = useLedgers();

/** The first released schema, as version(1) declared it, with its stream heads and command index tables. */
const SCHEMA_1 = {
  commits: '[streamId+version], position',
  commands: 'commandId',
  commandBuckets: 'bucket',
  streams: 'streamId',
  meta: 'key',
  snapshots: '[streamId+version]',
  accounts: 'accountId, openedPosition',
  history: '[accountId+page]',
  ledgerCheckpoints: 'position, at',
  journal: 'start',
  checkpoints: 'name',
};

const AT = '2026-01-01T09:00:00.000Z';
const opened = { type: 'AccountOpened', schemaVersion: 2, data: { accountId: 'a', ownerName: 'Ada', currency: 'EUR' } } as const;
const deposited = { type: 'MoneyDeposited', schemaVersion: 2, data: { accountId: 'a', amount: '10.00', description: '' } } as const;

/** A ledger written by the first schema: account a opened (command c-1) and 10.00 deposited (command c-2). */
async function schemaOneLedger(name: string): Promise<void> {
  const db = new Dexie(name);
  db.version(1).stores(SCHEMA_1);
  const events = [
    { ...opened, position: 1, version: 1, metadata: { eventId: 'e-1', commandId: 'c-1', at: AT } },
    { ...deposited, position: 2, version: 2, metadata: { eventId: 'e-2', commandId: 'c-2', at: AT } },
  ];
  await db.table('commits').bulkAdd(
    events.map((e) => ({ streamId: 'a', version: e.version, lastVersion: e.version, position: e.position, positions: [e.position], events: [eventText('a', e)] })),
  );
  await db.table('commands').bulkAdd([
    { commandId: 'c-1', refs: [['a', 1, 1]] },
    { commandId: 'c-2', refs: [['a', 2, 2]] },
  ]);
  await db.table('streams').add({ streamId: 'a', version: 2, lastEventId: 'e-2' });
  await db.table('meta').add({ key: 'log', position: 2, lastAt: AT });
  db.close();
}

describe('a database from the first schema', () => {
  it('is upgraded in place: its commands stay idempotent, its read models are rebuilt, and it takes new commands', async () => {
    const name = freshName('schema-1');
    await schemaOneLedger(name);

    const ledger = await ledgers.open({ name });

    expect(ledger.db.tables.map((t) => t.name).sort()).not.toContain('commands');
    expect(ledger.db.tables.map((t) => t.name)).not.toContain('streams');
    const retried = await ledger.execute({ type: 'Deposit', commandId: 'c-2', data: { accountId: 'a', amount: '10.00' } });
    expect(retried).toMatchObject({ duplicate: true, events: [{ position: 2, metadata: { eventId: 'e-2' } }] });
    expect((await ledger.db.accounts.get('a'))?.balance).toBe('10.00');
    await ledger.execute({ type: 'Deposit', commandId: 'c-3', data: { accountId: 'a', amount: '5.00' } });
    expect((await ledger.db.accounts.get('a'))?.balance).toBe('15.00');
    expect((await ledger.store.readStream('a')).map((e) => e.metadata.commandId)).toEqual(['c-1', 'c-2', 'c-3']);
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });
});

/** The last unreleased layout (schema 8): fold columns on appended records, a journal, its marks, and a Bloom filter. */
const SCHEMA_8 = {
  commits: '[streamId+version], position, &commandId',
  commandBuckets: 'bucket',
  meta: 'key',
  snapshots: '[streamId+version]',
  accounts: 'accountId, openedPosition',
  history: '[accountId+page]',
  ledgerCheckpoints: 'position, at',
  journal: 'start',
  checkpoints: 'name',
  folds: 'start',
  commandFilters: 'mark',
};

/**
 * A ledger schema 8 wrote: an import of accounts a (opened by c-1, 10.00 deposited by c-2) and b (opened by
 * c-5), with their command ids in a bucket; then, appended, 5.00 deposited to a (c-3) and 2.00 transferred
 * from a to b (c-4, whose first record names it and whose other does not); and read models that no longer
 * match the log.
 */
async function schemaEightLedger(name: string): Promise<void> {
  const db = new Dexie(name);
  db.version(8).stores(SCHEMA_8);
  const event = (streamId: string, position: number, version: number, body: object, commandId: string) =>
    eventText(streamId, { ...(body as typeof opened), position, version, metadata: { eventId: `e-${position}`, commandId, at: AT } });
  const record = (streamId: string, version: number, positions: number[], events: string[], extra: object = {}) => ({
    streamId,
    version,
    lastVersion: version + events.length - 1,
    position: positions[0],
    positions,
    events,
    ...extra,
  });
  const transfer = { transferId: 'c-4', amount: '2.00', description: '' };
  await db.table('commits').bulkAdd([
    record('a', 1, [1, 2], [event('a', 1, 1, opened, 'c-1'), event('a', 2, 2, deposited, 'c-2')]),
    record('b', 1, [3], [event('b', 3, 1, { ...opened, data: { accountId: 'b', ownerName: 'Bob', currency: 'EUR' } }, 'c-5')]),
    record('a', 3, [4], [event('a', 4, 3, { ...deposited, data: { ...deposited.data, amount: '5.00' } }, 'c-3')], {
      commandId: 'c-3',
      commandRefs: [['a', 3, 3]],
      fold: { version: 1, kinds: 'D', ats: [AT], balances: ['15.00'] },
    }),
    record('a', 4, [5], [event('a', 5, 4, { type: 'TransferSent', schemaVersion: 1, data: { ...transfer, accountId: 'a', toAccountId: 'b' } }, 'c-4')], {
      commandId: 'c-4',
      commandRefs: [['a', 4, 4], ['b', 2, 2]],
    }),
    record('b', 2, [6], [event('b', 6, 2, { type: 'TransferReceived', schemaVersion: 1, data: { ...transfer, accountId: 'b', fromAccountId: 'a' } }, 'c-4')]),
  ]);
  await db.table('commandBuckets').add({ bucket: 0, span: 1024, ids: 'c-1\nc-2\nc-5\n', streams: 'a\na\nb\n', firstVersions: [1, 2, 1], lastVersions: [1, 2, 1] });
  await db.table('journal').add({ start: 4, accountIds: 'a\n', balances: '15.00\n', ats: `${AT}\n`, opened: [], closed: [] });
  await db.table('checkpoints').bulkAdd([
    { name: 'journal', position: 6, version: 4 },
    { name: 'folds', position: 3, version: 4 },
  ]);
  await db.table('commandFilters').add({ mark: '#import-1', hashes: 7, bits: new Uint8Array(1024) });
  await db.table('accounts').add({ accountId: 'a', ownerName: 'Ada', currency: 'EUR', status: 'open', balance: '99.00', openedAt: AT, openedPosition: 1, lastActivityAt: AT, transactionCount: 2, version: 3 });
  await db.table('meta').add({ key: 'log', position: 6, lastAt: AT, lastWrite: 'e-6', imported: true, importMark: '#import-1', projections: { position: 6, version: 4 } });
  db.close();
}

describe('a database the last unreleased layout (schema 8) left', () => {
  it('keeps every event, rebuilds what is derived from them, and drops what the layout no longer has', async () => {
    const name = freshName('schema-8');
    await schemaEightLedger(name);

    const ledger = await ledgers.open({ name });

    expect(ledger.db.tables.map((t) => t.name).sort()).toEqual(['accounts', 'commandBuckets', 'commits', 'folds', 'history', 'ledgerCheckpoints', 'meta', 'snapshots']);
    expect((await ledger.store.readAll()).map((e) => [e.position, e.type, e.metadata.commandId])).toEqual([
      [1, 'AccountOpened', 'c-1'],
      [2, 'MoneyDeposited', 'c-2'],
      [3, 'AccountOpened', 'c-5'],
      [4, 'MoneyDeposited', 'c-3'],
      [5, 'TransferSent', 'c-4'],
      [6, 'TransferReceived', 'c-4'],
    ]);
    expect((await ledger.db.commits.toArray()).some((record) => 'fold' in record)).toBe(false);
    // Only the imported commands are in the buckets: the appended ones, a transfer's second record included, are on their commits.
    const buckets = await ledger.db.commandBuckets.toArray();
    expect(buckets.flatMap((bucket) => fromColumn(bucket.ids)).sort()).toEqual(['c-1', 'c-2', 'c-5']);
    expect(await ledger.store.meta()).toEqual({ key: 'log', position: 6, lastAt: AT, importMark: '#import-1', projections: { position: 6, version: PROJECTION_VERSION, segmentsThrough: 6 } });
    expect((await ledger.db.accounts.toArray()).map((row) => [row.accountId, row.balance])).toEqual([
      ['a', '13.00'],
      ['b', '2.00'],
    ]);
    expect(await verifyProjections(ledger.db)).toEqual([]);
    for (const commandId of ['c-1', 'c-2', 'c-3', 'c-4', 'c-5']) {
      const retried = await ledger.execute({ type: 'Deposit', commandId, data: { accountId: 'a', amount: '1.00' } });
      expect(retried.duplicate, commandId).toBe(true);
    }
    await ledger.execute(deposit('a', '5'));
    expect((await ledger.db.accounts.get('a'))?.balance).toBe('18.00');
    expect((await new TimeTravel(ledger).ledgerAtPosition(2)).accounts.map((a) => a.balance)).toEqual(['10.00']);
  });
});

/**
 * A ledger the next release wrote: this code's tables and data, stored under
 * a schema version one above this code's, with a table this code does not know.
 */
async function newerLedger(): Promise<{ name: string; stored: number }> {
  const writer = await ledgers.open();
  await writer.execute(open('a', 'Ada', 'EUR', '10'));
  const { name } = writer.db;
  const stored = writer.db.verno + 1;
  writer.close();
  const newer = new LedgerDb(name);
  newer.version(stored).stores({ future: 'id' });
  await newer.open();
  newer.close();
  return { name, stored };
}

describe('a database a newer release wrote', () => {
  it('is not opened by this code: a clear error, and nothing stored is read or changed', async () => {
    const { name } = await newerLedger();
    const before = await dumpRaw(name);

    const opening = Ledger.open(name);

    await expect(opening).rejects.toBeInstanceOf(StorageError);
    await expect(opening).rejects.toMatchObject({
      code: 'STORAGE_SCHEMA_NEWER',
      message: 'This ledger was saved by a newer version of Ledger than this page runs. Reload the page to get the newer version; nothing stored was read or changed.',
    });
    // Its connection is closed: the newer release can still open, upgrade or delete the database.
    expect(await dumpRaw(name)).toEqual(before);
  });

  // A browser imports in a Worker, which opens the database itself; Node has no Worker, so there the page's thread.
  it.each(typeof Worker === 'function' ? (['worker', 'thread'] as const) : (['thread'] as const))(
    'is not imported into from the %s, in replace mode too, and keeps what it holds',
    async (checkIn) => {
      const { name } = await newerLedger();
      const before = await dumpRaw(name);
      const db = ledgers.raw(name);

      const importing = importLedger(db, await emptyExport(), { mode: 'replace', checkIn });

      await expect(importing).rejects.toMatchObject({ name: 'StorageError', code: 'STORAGE_SCHEMA_NEWER' });
      expect(db.isOpen()).toBe(false);
      expect(await dumpRaw(name)).toEqual(before);
    },
  );
});

describe('a newer release that changes what this code declares', () => {
  // Dexie, opening a database that lacks something its code declares, upgrades it to add that ("patch" mode).
  it.each([
    ['drops a table', { folds: null }],
    ['changes an index', { accounts: 'accountId, &openedPosition' }],
  ] as const)('%s: this code refuses it again and again without upgrading or changing it', async (_change, schema) => {
    const writer = await ledgers.open();
    await writer.execute(open('a', 'Ada', 'EUR', '10'));
    const { name } = writer.db;
    writer.close();
    const newer = new LedgerDb(name);
    newer.version(newer.verno + 1).stores(schema);
    await newer.open();
    newer.close();
    const before = await dumpRaw(name);

    for (let i = 0; i < 3; i++) await expect(Ledger.open(name)).rejects.toMatchObject({ code: 'STORAGE_SCHEMA_NEWER' });

    expect(await dumpRaw(name)).toEqual(before);
  });
});

describe('a database Dexie patched under this same schema', () => {
  // Dexie opens a database that lacks a table this code declares one native version up, and adds the table.
  it('opens again, explicitly and after a close that reopens, and takes commands', async () => {
    const name = freshName('patched');
    const { folds: _, ...short } = currentSchema();
    const stored = new Dexie(name);
    stored.version(ledgers.raw(name).verno).stores(short);
    await stored.open();
    stored.close();
    const first = await ledgers.open({ name });
    await first.execute(open('a', 'Ada', 'EUR', '10'));
    expect(first.db.backendDB().version).toBe(first.db.verno * 10 + 1);
    first.close();

    const again = await ledgers.open({ name });
    await again.execute(deposit('a', '5'));
    again.db.close({ disableAutoOpen: false });
    await again.execute(deposit('a', '5'));

    expect((await new LedgerQueries(again.db).getAccount('a'))?.balance).toBe('20.00');
  });
});

describe('a tab already open when a newer release upgrades the database', () => {
  // Dexie's own handlers close a connection and leave it to reopen on the next use: on another tab's upgrade
  // before the app's SchemaGuard is listening (or in the import Worker), when the page goes into the
  // back-forward cache, or when the browser closes the connection.
  it.each(['versionchange', 'close that reopens'] as const)(
    'after a %s, refuses its next command on the newer schema and writes nothing',
    async (how) => {
      const ledger = await ledgers.open();
      await ledger.execute(open('a', 'Ada', 'EUR', '10'));
      if (how === 'close that reopens') ledger.db.close({ disableAutoOpen: false });
      const newer = new LedgerDb(ledger.db.name);
      newer.version(newer.verno + 1).stores({ future: 'id' });
      await newer.open();
      newer.close();
      const before = await dumpRaw(ledger.db.name);

      const deposited = ledger.execute(deposit('a', '5'));

      await expect(deposited).rejects.toMatchObject({ code: 'STORAGE_SCHEMA_NEWER' });
      expect(await dumpRaw(ledger.db.name)).toEqual(before);
      await expect(new LedgerQueries(ledger.db).getAccount('a')).rejects.toMatchObject({ inner: { name: 'VersionError' } });
    },
  );
});

/** Every table of a database as stored, whatever its version, read with IndexedDB itself. */
async function dumpRaw(name: string): Promise<Record<string, unknown[]>> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const names = [...db.objectStoreNames];
    const tx = db.transaction(names, 'readonly');
    const rows = await Promise.all(
      names.map(
        (store) =>
          new Promise<unknown[]>((resolve, reject) => {
            const request = tx.objectStore(store).getAll();
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error);
          }),
      ),
    );
    return { version: [db.version], ...Object.fromEntries(names.map((store, i) => [store, rows[i]!])) };
  } finally {
    db.close();
  }
}

async function emptyExport(): Promise<string> {
  const empty = await ledgers.open();
  return exportLedger(empty.db, new Date(AT));
}

describe('a connection this tab closed', () => {
  it('is not reopened by an import on the page’s thread: the import fails as any use of it does, and writes nothing', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a', 'Ada', 'EUR', '10'));
    const text = await emptyExport();
    ledger.db.close();
    const before = await dumpRaw(ledger.db.name);

    await expect(importLedger(ledger.db, text, { checkIn: 'thread', mode: 'replace' })).rejects.toMatchObject({ name: 'DatabaseClosedError' });
    expect(ledger.db.isOpen()).toBe(false);
    expect(await dumpRaw(ledger.db.name)).toEqual(before);
  });
});

/** The tables and indexes this code declares, as Dexie's schema strings. */
function currentSchema(): Record<string, string> {
  const db = ledgers.raw(freshName('schema'));
  return Object.fromEntries(
    db.tables.map((table) => {
      const { primKey, indexes } = table.schema;
      const key = (src: string, unique?: boolean) => `${unique ? '&' : ''}${src}`;
      return [table.name, [key(primKey.src), ...indexes.map((index) => key(index.src, index.unique))].join(', ')];
    }),
  );
}
