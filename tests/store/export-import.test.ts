import { describe, expect, it, vi } from 'vitest';
import { exportLedger, exportLedgerBlob } from '../../src/app/export';
import type { ToImporter } from '../../src/app/import-protocol';
import { importHere } from '../../src/app/import-here';
import { LedgerDb } from '../../src/store/db';
import { checkImportFile, importLedger, type CheckPlace, type ImportProgress } from '../../src/app/import';
import type { Ledger } from '../../src/app/ledger';
import { LedgerQueries } from '../../src/app/queries';
import { ImportError } from '../../src/domain/errors';
import { verifyProjections } from '../../src/projections/verify';
import { deposit, open } from '../support/ledger';
import { dumpDb, failWrite, failWriteLater, runMixedHistory, useLedgers } from '../support/store';

const ledgers = useLedgers();
const AT = new Date('2030-01-01T00:00:00.000Z');

async function mixedLedger(): Promise<Ledger> {
  const ledger = await ledgers.open({ snapshotEvery: 3 });
  await runMixedHistory(ledger);
  return ledger;
}

/** A ledger with a history of its own, unrelated to the mixed one. */
async function otherLedger(): Promise<Ledger> {
  const ledger = await ledgers.open({ snapshotEvery: 3 });
  await ledger.execute(open('zed', 'Zed', 'CHF', '9'));
  for (let i = 0; i < 3; i++) await ledger.execute(deposit('zed', '1'));
  return ledger;
}

/** A valid export of one account with `count` deposits of 0.01, written without running a ledger. */
function depositsExport(count: number): string {
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const event = (i: number, type: string, data: object) => ({
    position: i + 1,
    streamId: 'big',
    version: i + 1,
    type,
    schemaVersion: 2,
    data: { accountId: 'big', ...data },
    metadata: { eventId: `e${i}`, commandId: `c${i}`, at: at(i) },
  });
  const events = [event(0, 'AccountOpened', { ownerName: 'Big', currency: 'EUR' })];
  for (let i = 1; i <= count; i++) events.push(event(i, 'MoneyDeposited', { amount: '0.01', description: '' }));
  return JSON.stringify({ format: 'ledger-events', version: 1, exportedAt: AT.toISOString(), eventCount: events.length, events });
}

/** What the read side shows: every account row and every account's full transaction history. */
async function readSide(ledger: Ledger) {
  const queries = new LedgerQueries(ledger.db);
  const { rows } = await queries.listAccounts({ limit: 1000 });
  const histories = await Promise.all(rows.map(async (r) => (await queries.transactions(r.accountId, { limit: 1000 })).rows));
  return { rows, histories };
}

describe('an export', () => {
  it('is one JSON document: format, version, count, and every event in global order with string amounts', async () => {
    const source = await mixedLedger();

    const doc = JSON.parse(await exportLedger(source.db, AT)) as { events: { position: number; data: Record<string, unknown> }[] };

    expect(doc).toMatchObject({ format: 'ledger-events', version: 1, exportedAt: AT.toISOString(), eventCount: 14 });
    expect(doc.events.map((e) => e.position)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    const amounts = doc.events.flatMap((e) => ('amount' in e.data ? [e.data.amount] : []));
    expect(amounts).toHaveLength(10);
    for (const amount of amounts) expect(amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('as a file for a person records in the log\'s head when it was made and how far the log reached, which later commands keep', async () => {
    const source = await mixedLedger();
    const text = await exportLedger(source.db, AT);
    expect((await source.store.meta()).exported).toBeUndefined();

    const blob = await exportLedgerBlob(source.db, AT);
    await source.execute(deposit('alice', '1'));

    expect(await blob.text()).toBe(text);
    expect((await source.store.meta()).exported).toEqual({ at: AT.toISOString(), position: 14 });
    expect((await source.store.meta()).position).toBe(15);
  });
});

describe('importing an export into an empty ledger', () => {
  it('reproduces the log, the export text, the read models and every account', async () => {
    const source = await mixedLedger();
    const text = await exportLedger(source.db, AT);
    const copy = await ledgers.open({ snapshotEvery: 3 });

    await expect(importLedger(copy.db, text, { snapshotEvery: 3 })).resolves.toEqual({ events: 14, accounts: 3 });

    expect(await copy.store.readAllStored()).toEqual(await source.store.readAllStored());
    const { position, lastAt, projections } = await source.store.meta();
    // An import writes fold segments for every event it holds: they reach its end.
    expect(await copy.store.meta()).toMatchObject({ position, lastAt, projections: { ...projections, segmentsThrough: position } });
    const later = new Date('2031-06-01T12:00:00.000Z');
    expect((await exportLedger(copy.db, later)).replace(later.toISOString(), AT.toISOString())).toBe(text);
    expect(await readSide(copy)).toEqual(await readSide(source));
    expect(await verifyProjections(copy.db)).toEqual([]);
    for (const id of ['alice', 'bob', 'carol']) expect(await copy.loadAccount(id)).toEqual(await source.loadAccount(id));
  });

  it('keeps the ledger usable: versions continue and earlier command ids are still recognised', async () => {
    const source = await mixedLedger();
    const copy = await ledgers.open();
    await importLedger(copy.db, await exportLedger(source.db, AT));
    const [firstEvent] = await source.store.readAll(1, 1);

    const { events } = await copy.execute(deposit('alice', '1'));
    const retried = await copy.execute({ ...deposit('alice', '1'), commandId: firstEvent!.metadata.commandId });

    expect(events.map((e) => [e.version, e.position])).toEqual([[7, 15]]);
    expect(retried.duplicate).toBe(true);
    expect(retried.events).toEqual(await source.store.eventsOfCommand(firstEvent!.metadata.commandId));
  });

  it('accepts the export of an empty ledger', async () => {
    const empty = await ledgers.open();
    const copy = await ledgers.open();

    await expect(importLedger(copy.db, await exportLedger(empty.db, AT))).resolves.toEqual({ events: 0, accounts: 0 });
    expect(await exportLedger(copy.db, AT)).toBe(await exportLedger(empty.db, AT));
  });

  it('reports progress that only moves forward and ends once, with every event done', async () => {
    const source = await mixedLedger();
    const copy = await ledgers.open();
    const reports: ImportProgress[] = [];

    await importLedger(copy.db, await exportLedger(source.db, AT), { onProgress: (p) => reports.push({ ...p }) });

    expect(reports.map((r) => r.phase)).toContain('writing');
    expect(reports.filter((r) => r.phase === 'done')).toEqual([{ phase: 'done', done: 14, total: 14 }]);
    expect(reports[reports.length - 1]?.phase).toBe('done');
    reports.forEach((r, i) => expect(r.done).toBeGreaterThanOrEqual(reports[i - 1]?.done ?? 0));
  });
});

describe('where an import is checked', () => {
  // A browser imports the file in a Worker by default; Node has no Worker, so there only the thread is compared.
  const places: CheckPlace[] = typeof Worker === 'function' ? ['worker', 'thread'] : ['thread'];

  it.each(places)('writes the same ledger when the file is checked in the %s, over many slices', async (checkIn) => {
    const reference = await ledgers.open({ snapshotEvery: 3 });
    await importLedger(reference.db, depositsExport(5_000), { snapshotEvery: 3, checkIn: 'thread' });
    // An export has one event per line: the layout that is checked a slice at a time.
    const text = await exportLedger(reference.db, AT);
    const copy = await ledgers.open({ snapshotEvery: 3 });

    await expect(importLedger(copy.db, text, { snapshotEvery: 3, checkIn })).resolves.toEqual({ events: 5_001, accounts: 1 });

    // Only the import's mark, fresh on every import, may differ.
    const withoutMark = async (ledger: Ledger) => {
      const dump = await dumpDb(ledger.db);
      return { ...dump, meta: dump.meta!.map((row) => ({ ...(row as object), importMark: undefined })) };
    };
    expect(await withoutMark(copy)).toEqual(await withoutMark(reference));
    expect(await exportLedger(copy.db, AT)).toBe(text);
    expect(await verifyProjections(copy.db)).toEqual([]);
  });

  type StubbedWorker = { onmessage: ((e: { data: unknown }) => void) | null; onerror: ((e: Partial<ErrorEvent>) => void) | null; terminated: boolean };
  /** Stand-ins for the import's Worker made so far, newest last. */
  const stubs: StubbedWorker[] = [];
  /** A stand-in for the import's Worker: `behave` says what it does once asked to start. */
  function stubWorker(behave: (worker: StubbedWorker, start: Extract<ToImporter, { kind: 'start' }>) => void) {
    return class {
      onmessage: ((e: { data: unknown }) => void) | null = null;
      onerror: ((e: Partial<ErrorEvent>) => void) | null = null;
      onmessageerror: (() => void) | null = null;
      terminated = false;
      constructor() {
        stubs.push(this);
      }
      postMessage(message: ToImporter): void {
        if (message.kind === 'start') setTimeout(() => behave(this, message));
      }
      terminate(): void {
        this.terminated = true;
      }
    };
  }
  const fails = (message: string) => ({ message, preventDefault: () => undefined });

  async function importWith(worker: unknown, run: (copy: Ledger, text: string) => Promise<unknown>) {
    const source = await mixedLedger();
    const text = await exportLedger(source.db, AT);
    const copy = await ledgers.open();
    vi.stubGlobal('Worker', worker);
    try {
      return { copy, text, outcome: await run(copy, text).then((value) => ({ value }), (error: unknown) => ({ error })) };
    } finally {
      vi.unstubAllGlobals();
    }
  }

  it('checks on the page\'s thread when the Worker cannot start, and imports the file all the same', async () => {
    // A script that never loads, as when a cache or a policy keeps it out: an error before the checker ever ran.
    const unloadable = stubWorker((worker) => worker.onerror?.(fails('the script could not be loaded')));

    const { copy, text, outcome } = await importWith(unloadable, (ledger, file) => importLedger(ledger.db, file, { checkIn: 'worker' }));

    expect(outcome).toEqual({ value: { events: 14, accounts: 3 } });
    expect(await exportLedger(copy.db, AT)).toBe(text);
    expect(await verifyProjections(copy.db)).toEqual([]);
  });

  it('fails with a clear error, and writes nothing, when the import\'s Worker stops after it started', async () => {
    const crashing = stubWorker((worker) => {
      worker.onmessage?.({ data: { kind: 'ready' } });
      worker.onerror?.(fails('out of memory'));
    });

    const { copy, outcome } = await importWith(crashing, (ledger, file) => importLedger(ledger.db, file, { checkIn: 'worker' }));

    expect((outcome as { error: unknown }).error).toMatchObject({ code: 'IMPORT_STOPPED', message: expect.stringContaining('(out of memory); nothing of it was kept') });
    expect(await copy.store.meta()).toMatchObject({ position: 0 });
  });

  it('is cancelled while its Worker runs, ending the Worker, and writes nothing', async () => {
    const silent = stubWorker((worker) => worker.onmessage?.({ data: { kind: 'ready' } }));
    const cancel = new AbortController();

    const { copy, outcome } = await importWith(silent, (ledger, file) => {
      setTimeout(() => cancel.abort(), 50);
      return importLedger(ledger.db, file, { checkIn: 'worker', signal: cancel.signal });
    });

    expect((outcome as { error: unknown }).error).toMatchObject({ code: 'IMPORT_CANCELLED' });
    expect(stubs.at(-1)!.terminated).toBe(true);
    expect(await copy.store.meta()).toMatchObject({ position: 0 });
  });

  it('reports the import, not a cancel, when the cancel comes after the Worker\'s import committed', async () => {
    const cancel = new AbortController();
    // The import commits, then the person cancels before its answer reaches the page.
    const committed = stubWorker((worker, { database, source, options }) => {
      worker.onmessage?.({ data: { kind: 'ready' } });
      // Its own connection, as the Worker's would be, closed once the import is done.
      const db = new LedgerDb(database.name, { timelineEvery: database.timelineEvery });
      void importHere(db, source, options).then(() => {
        db.close();
        cancel.abort();
      });
    });

    const { copy, text, outcome } = await importWith(committed, (ledger, file) => importLedger(ledger.db, file, { checkIn: 'worker', signal: cancel.signal }));

    expect(outcome).toEqual({ value: { events: 14, accounts: 3 } });
    expect(await exportLedger(copy.db, AT)).toBe(text);
  });

  it.each(places)('refuses a bad event with the same error when checked in the %s', async (checkIn) => {
    const text = depositsExport(4_500).replace('"eventId":"e4321"', '"eventId":"e4320"');
    const copy = await ledgers.open();

    const refused = importLedger(copy.db, text, { checkIn });

    await expect(refused).rejects.toBeInstanceOf(ImportError);
    await expect(refused).rejects.toMatchObject({ eventIndex: 4321, field: 'metadata.eventId', message: 'Event 4322: duplicate event id e4320.' });
    expect(await copy.store.meta()).toMatchObject({ position: 0 });
  });

  it.each(places)('checks a file without writing anything, in the %s, and says what it holds', async (checkIn) => {
    const copy = await ledgers.open();
    const before = await dumpDb(copy.db);
    const progress: ImportProgress[] = [];

    const summary = await checkImportFile(depositsExport(4_500), { checkIn, onProgress: (p) => progress.push(p) });

    expect(summary).toEqual({ events: 4_501, accounts: 1, firstAt: '2026-01-01T00:00:00.000Z', lastAt: '2026-01-01T01:15:00.000Z' });
    expect(progress.at(-1)).toMatchObject({ done: 4_501, total: 4_501 });
    expect(await dumpDb(copy.db)).toEqual(before);
  });

  it.each(places)('refuses a bad file at the check, in the %s, with the error the import would give', async (checkIn) => {
    const text = depositsExport(4_500).replace('"eventId":"e4321"', '"eventId":"e4320"');
    await expect(checkImportFile(text, { checkIn })).rejects.toMatchObject({ code: 'IMPORT_INVALID', message: 'Event 4322: duplicate event id e4320.' });
  });
});

describe('importing into a ledger that has events', () => {
  it('is refused with IMPORT_NOT_EMPTY and changes nothing', async () => {
    const source = await mixedLedger();
    const target = await otherLedger();
    const before = await dumpDb(target.db);

    const refused = importLedger(target.db, await exportLedger(source.db, AT));

    await expect(refused).rejects.toBeInstanceOf(ImportError);
    await expect(refused).rejects.toMatchObject({ code: 'IMPORT_NOT_EMPTY' });
    expect(await dumpDb(target.db)).toEqual(before);
  });

  it("replaces the whole ledger in 'replace' mode: log, snapshots, read models and command ids", async () => {
    const source = await mixedLedger();
    const target = await otherLedger();
    const [zedCommand] = await target.store.readAll(1, 1);
    const text = await exportLedger(source.db, AT);

    await importLedger(target.db, text, { mode: 'replace' });

    expect(await exportLedger(target.db, AT)).toBe(text);
    expect(await target.store.readAllStored()).toEqual(await source.store.readAllStored());
    expect(await readSide(target)).toEqual(await readSide(source));
    expect(await target.db.snapshots.where('streamId').equals('zed').count()).toBe(0);
    expect(await target.store.eventsOfCommand(zedCommand!.metadata.commandId)).toEqual([]);
    expect(await verifyProjections(target.db)).toEqual([]);
  });
});

describe('an import the browser fails to store', () => {
  // An import writes every table of the ledger (records, fold segments, snapshot packs, command buckets, the
  // head, the read models): whichever of them IndexedDB refuses, as a request refused when made or as an error
  // that arrives later, none of the import may land.
  const tables = ['folds', 'commits', 'snapshots', 'commandBuckets', 'meta', 'accounts', 'history'];
  const failures: Record<string, (table: string) => () => void> = { 'when it is made': (table) => failWrite(table, () => true), later: failWriteLater };
  it.each(tables.flatMap((table) => Object.keys(failures).map((when) => [table, when] as const)))(
    'leaves a ledger it would have replaced exactly as it was when a write to %s fails %s',
    async (table, when) => {
      const source = await mixedLedger();
      const text = await exportLedger(source.db, AT);
      const target = await otherLedger();
      const before = await dumpDb(target.db);
      // Only the import's own writes fail: its transaction is the only one writing while it runs.
      const disarm = failures[when]!(table);
      const failed = importHere(target.db, text, { mode: 'replace', snapshotEvery: 3 });
      await expect(failed).rejects.toThrow();
      disarm();

      expect(await dumpDb(target.db)).toEqual(before);
      expect(await verifyProjections(target.db)).toEqual([]);
    },
  );
});

describe('a cancelled import', () => {
  it('is refused with IMPORT_CANCELLED when the signal is already aborted, and writes nothing', async () => {
    const source = await mixedLedger();
    const copy = await ledgers.open();
    const before = await dumpDb(copy.db);
    const controller = new AbortController();
    controller.abort();

    const cancelled = importLedger(copy.db, await exportLedger(source.db, AT), { signal: controller.signal });

    await expect(cancelled).rejects.toBeInstanceOf(ImportError);
    await expect(cancelled).rejects.toMatchObject({ code: 'IMPORT_CANCELLED' });
    expect(await dumpDb(copy.db)).toEqual(before);
  });

  it('stops once aborted while it writes, and leaves a ledger it would have replaced untouched', async () => {
    const target = await otherLedger();
    const before = await exportLedger(target.db, AT);
    const controller = new AbortController();
    const reportsAfterAbort: ImportProgress[] = [];

    const cancelled = importLedger(target.db, depositsExport(6_000), {
      mode: 'replace',
      signal: controller.signal,
      // Aborted once the first slice is written: the old ledger is cleared by then, in the import's transaction.
      onProgress: (progress) => (controller.signal.aborted ? reportsAfterAbort.push(progress) : progress.done > 0 && controller.abort()),
    });

    await expect(cancelled).rejects.toMatchObject({ code: 'IMPORT_CANCELLED' });
    expect(reportsAfterAbort).toEqual([]);
    expect(await exportLedger(target.db, AT)).toBe(before);
    expect(await verifyProjections(target.db)).toEqual([]);
  });
});
