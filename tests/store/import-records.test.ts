import { describe, expect, it } from 'vitest';
import { IMPORT_RECORD_BYTES, importLedger, importTaskBytes } from '../../src/app/import';
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

/** The text of each `commits.bulkAdd` an import makes through `db`, in order. */
function recordWrites(db: LedgerDb): number[][] {
  const writes: number[][] = [];
  const bound = db.bound.bind(db);
  db.bound = (tx) => {
    const view = bound(tx);
    const commits = view.commits;
    const bulkAdd = (records: readonly CommitRecord[]) => {
      writes.push(records.map((record) => record.events.reduce((sum, text) => sum + text.length, 0)));
      return commits.bulkAdd(records);
    };
    const watched = Object.create(view) as LedgerDb;
    Object.defineProperty(watched, 'commits', { value: new Proxy(commits, { get: (table, key) => (key === 'bulkAdd' ? bulkAdd : Reflect.get(table, key)) }) });
    return watched;
  };
  return writes;
}

describe('commit records an import writes', () => {
  it('close at IMPORT_RECORD_BYTES, and keep a last record apart once it is large enough to be stored as a file', async () => {
    const full = eventsToFillARecord();
    // The last record grows past 72 KiB, so it stands alone next to the full one.
    const total = full + eventsToFillARecord(84 * 1024);
    const { text, events } = generateLog(total, 1);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text, { snapshotEvery: 100 });

    const records = await ledger.db.commits.where('[streamId+version]').between(['acc-0', 0], ['acc-0', Infinity]).toArray();

    expect(records.map((r) => [r.version, r.lastVersion])).toEqual([
      [1, full],
      [full + 1, total],
    ]);
    expect((await ledger.store.readStream('acc-0')).map((e) => e.metadata.eventId)).toEqual(events.map((e) => e.stored.metadata.eventId));
    expect(await ledger.store.streamVersion('acc-0')).toBe(total);
  });

  it('join a short last record to the full one before it, so that no record under 64 KiB is written for the stream', async () => {
    const full = eventsToFillARecord();
    const total = full + 150;
    const { text, events } = generateLog(total, 1);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text, { snapshotEvery: 100 });

    const records = await ledger.db.commits.toArray();

    expect(records.map((r) => [r.version, r.lastVersion])).toEqual([[1, total]]);
    expect((await ledger.store.readStream('acc-0')).map((e) => e.metadata.eventId)).toEqual(events.map((e) => e.stored.metadata.eventId));
    expect((await ledger.store.readStream('acc-0', full - 1, full + 2)).map((e) => e.version)).toEqual([full - 1, full, full + 1, full + 2]);
    expect((await ledger.loadAccount('acc-0')).version).toBe(total);
    expect((await ledger.loadAccount('acc-0', full + 10)).version).toBe(full + 10);
  });

  it('write records that close together a task\'s worth at a time, not all in one write', async () => {
    // 20 streams growing evenly close their records within a slice or two: ~2 MB at once, over the backlog
    // a 4 MiB hold allows (1/6 of it), and far over what one write may carry (1/48 of it).
    const heldBytes = 4 * 2 ** 20;
    const { text } = generateLog(12_000, 20);
    const ledger = await ledgers.open();
    const writes = recordWrites(ledger.db);
    // On this thread: the writes are watched through this page's connection.
    await importLedger(ledger.db, text, { heldBytes, checkIn: 'thread' });

    expect(writes.flat().filter((bytes) => bytes >= IMPORT_RECORD_BYTES).length).toBeGreaterThanOrEqual(20);
    for (const write of writes) {
      if (write.length > 1) expect(write.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(importTaskBytes(heldBytes));
    }
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  it('are written early, smaller, once the streams together hold more text than the writer may keep', async () => {
    const { text } = generateLog(6_000, 50);
    const ledger = await ledgers.open();
    // 50 streams of ~30 KB each: none reaches 72 KiB, so the largest growing ones are written as they are.
    await importLedger(ledger.db, text, { heldBytes: 256 * 1024 });
    const source = await ledgers.open();
    await importLedger(source.db, text);

    const records = await ledger.db.commits.toArray();

    expect(records.length).toBeGreaterThan(await source.db.commits.count());
    for (let a = 0; a < 50; a++) {
      const own = records.filter((r) => r.streamId === `acc-${a}`).sort((x, y) => x.version - y.version);
      expect(own.map((r) => r.version)).toEqual([1, ...own.slice(0, -1).map((r) => r.lastVersion + 1)]);
      expect(await ledger.store.readStream(`acc-${a}`)).toEqual(await source.store.readStream(`acc-${a}`));
    }
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });
});
