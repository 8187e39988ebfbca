import { describe, expect, it } from 'vitest';
import { IMPORT_RECORD_BYTES, importLedger } from '../../src/app/import';
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

  it('are written early, smaller, once the streams together hold more text than the writer may keep', async () => {
    const { text } = generateLog(6_000, 50);
    const ledger = await ledgers.open();
    // 50 streams of ~30 KB each: none reaches IMPORT_RECORD_BYTES, so the largest growing ones are written as they are.
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
