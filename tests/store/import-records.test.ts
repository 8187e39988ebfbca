import { describe, expect, it } from 'vitest';
import { IMPORT_RECORD_BYTES, RECORDS_PER_REQUEST, importLedger } from '../../src/app/import';
import type { CommitRecord, LedgerDb } from '../../src/store/db';
import { verifyProjections } from '../../src/projections/verify';
import { generateLog } from '../bench/generate';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

/** Events of generateLog's single account whose stored text first reaches `size` (default IMPORT_RECORD_BYTES). */
function eventsToFillARecord(size = IMPORT_RECORD_BYTES): number {
  const lines = generateLog(4_000, 1).text.split('\n').slice(1, -2).map((line) => line.replace(/,$/, ''));
  let bytes = 0;
  return lines.findIndex((line) => (bytes += line.length) >= size) + 1;
}

/** How many records each `commits.bulkAdd` an import makes through `db` carries, in order. */
function recordWrites(db: LedgerDb): number[] {
  const writes: number[] = [];
  const bound = db.bound.bind(db);
  db.bound = (tx) => {
    const view = bound(tx);
    const commits = view.commits;
    const bulkAdd = (records: readonly CommitRecord[]) => {
      writes.push(records.length);
      return commits.bulkAdd(records);
    };
    const watched = Object.create(view) as LedgerDb;
    Object.defineProperty(watched, 'commits', { value: new Proxy(commits, { get: (table, key) => (key === 'bulkAdd' ? bulkAdd : Reflect.get(table, key)) }) });
    return watched;
  };
  return writes;
}

describe('commit records an import writes', () => {
  it('close at IMPORT_RECORD_BYTES; what follows is the stream\'s last record', async () => {
    const full = eventsToFillARecord();
    const total = full + 150;
    const { text, events } = generateLog(total, 1);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text, { snapshotEvery: 100 });

    const records = await ledger.db.commits.where('[streamId+version]').between(['acc-0', 0], ['acc-0', Infinity]).toArray();

    expect(records.map((r) => [r.version, r.lastVersion])).toEqual([
      [1, full],
      [full + 1, total],
    ]);
    expect((await ledger.store.readStream('acc-0')).map((e) => e.metadata.eventId)).toEqual(events.map((e) => e.stored.metadata.eventId));
    expect((await ledger.store.readStream('acc-0', full - 1, full + 2)).map((e) => e.version)).toEqual([full - 1, full, full + 1, full + 2]);
    expect(await ledger.store.streamVersion('acc-0')).toBe(total);
    expect((await ledger.loadAccount('acc-0')).version).toBe(total);
    expect((await ledger.loadAccount('acc-0', full + 10)).version).toBe(full + 10);
  });

  it('are written early and short, once the streams together hold more text than the writer may keep', async () => {
    const { text } = generateLog(6_000, 50);
    const ledger = await ledgers.open();
    // 50 streams of ~30 KB each, none reaching IMPORT_RECORD_BYTES, in slices of ~0.5 MB: the second slice
    // takes the writer over the 768 KiB it may hold, so the largest records are written short, down to three
    // quarters of that, and those streams go on in a second record. Closing all of them would make 100.
    await importLedger(ledger.db, text, { heldBytes: 768 * 1024 });

    const records = await ledger.db.commits.toArray();

    expect(records.length).toBeGreaterThan(50);
    expect(records.length).toBeLessThan(100);
    for (let a = 0; a < 50; a++) {
      const own = records.filter((r) => r.streamId === `acc-${a}`).sort((x, y) => x.version - y.version);
      expect(own.map((r) => r.version)).toEqual([1, ...own.slice(0, -1).map((r) => r.lastVersion + 1)]);
    }
    const source = await ledgers.open();
    await importLedger(source.db, text);
    for (let a = 0; a < 50; a++) expect(await ledger.store.readStream(`acc-${a}`)).toEqual(await source.store.readStream(`acc-${a}`));
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  it('are written at most RECORDS_PER_REQUEST to a request', async () => {
    // 200 short streams: each one record, all written at the end.
    const { text } = generateLog(2_000, 200);
    const ledger = await ledgers.open();
    const writes = recordWrites(ledger.db);
    // On this thread: the writes are watched through this page's connection.
    await importLedger(ledger.db, text, { checkIn: 'thread' });

    expect(writes.reduce((sum, n) => sum + n, 0)).toBe(200);
    expect(Math.max(...writes)).toBe(RECORDS_PER_REQUEST);
    expect(await ledger.db.commits.count()).toBe(200);
  });
});
