import { describe, expect, it } from 'vitest';
import { IMPORT_RECORD_BYTES, importLedger } from '../../src/app/import';
import { generateLog } from '../bench/generate';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

describe('commit records an import writes', () => {
  it('close at IMPORT_RECORD_BYTES, with a stream\'s events after its last snapshot in a short record of their own', async () => {
    const { text, events } = generateLog(1_250, 1);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text, { snapshotEvery: 100 });

    const records = await ledger.db.commits.where('[streamId+version]').between(['acc-0', 0], ['acc-0', Infinity]).toArray();
    // Versions tile the stream: each record starts right after the one before it.
    expect(records.map((r) => r.version)).toEqual([1, ...records.slice(0, -1).map((r) => r.lastVersion + 1)]);
    expect(records.at(-1)).toMatchObject({ version: 1_201, lastVersion: 1_250 });
    const sizes = records.map((r) => r.events.reduce((sum, e) => sum + e.length, 0));
    expect(sizes[0]).toBeGreaterThanOrEqual(IMPORT_RECORD_BYTES);
    expect(records.length).toBe(3);
    expect((await ledger.store.readStream('acc-0')).map((e) => e.metadata.eventId)).toEqual(events.map((e) => e.stored.metadata.eventId));
    expect(await ledger.store.head('acc-0')).toMatchObject({ version: 1_250 });
  });

  it('keep at least the last event apart when the stream ends on a snapshot', async () => {
    const { text } = generateLog(1_200, 1);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text, { snapshotEvery: 100 });

    const last = await ledger.db.commits.where('[streamId+version]').between(['acc-0', 0], ['acc-0', Infinity]).last();

    expect(last).toMatchObject({ version: 1_200, lastVersion: 1_200 });
    expect((await ledger.loadAccount('acc-0')).version).toBe(1_200);
  });

  it('split the last record of a stream even when it closed at IMPORT_RECORD_BYTES on the stream\'s last event', async () => {
    // The version at which one account's events first reach IMPORT_RECORD_BYTES of text.
    const lines = generateLog(2_000, 1).text.split('\n').slice(1, -2).map((line) => line.replace(/,$/, ''));
    let bytes = 0;
    const full = lines.findIndex((line) => (bytes += line.length) >= IMPORT_RECORD_BYTES) + 1;
    const ledger = await ledgers.open();
    await importLedger(ledger.db, generateLog(full, 1).text, { snapshotEvery: 100 });

    const records = await ledger.db.commits.toArray();

    const tailStart = Math.min(Math.floor(full / 100) * 100 + 1, full);
    expect(records.map((r) => [r.version, r.lastVersion])).toEqual([
      [1, tailStart - 1],
      [tailStart, full],
    ]);
  });

  it('put only the last event apart when the whole last record follows the last snapshot', async () => {
    const { text } = generateLog(2_500, 1);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text, { snapshotEvery: 10_000 });

    const records = await ledger.db.commits.toArray();

    expect(records.at(-1)).toMatchObject({ version: 2_500, lastVersion: 2_500 });
    expect(records.at(-2)!.lastVersion).toBe(2_499);
    expect((await ledger.loadAccount('acc-0')).version).toBe(2_500);
  });
});
