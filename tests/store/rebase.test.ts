import { describe, expect, it } from 'vitest';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import type { Ledger } from '../../src/app/ledger';
import { cutsCleanly, truncateAfter } from '../../src/store/rebase';
import { deposit, open, transfer } from '../support/ledger';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

/** The positions every record of the log holds, read straight from the records. */
async function positions(ledger: Ledger): Promise<number[]> {
  return (await ledger.db.commits.toArray()).flatMap((record) => record.positions).sort((a, b) => a - b);
}

/** Six events: two openings (the first with its deposit), a transfer, a deposit. */
async function sixEvents(ledger: Ledger): Promise<void> {
  await ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
  await ledger.execute(open('bob', 'Bob Bemer', 'EUR'));
  await ledger.execute(transfer('ada', 'bob', '30.00'));
  await ledger.execute(deposit('bob', '1.00'));
}

describe('cutting the log for a sync’s rebase', () => {
  it('cuts a log of commands after any of its records, leaving exactly the events up to the cut; never inside a record', async () => {
    const ledger = await ledgers.open();
    await sixEvents(ledger);
    for (const position of [0, 2, 3, 4, 5, 6]) expect(await cutsCleanly(ledger.db, position)).toBe(true);
    // The opening and its first deposit are one record of the account.
    expect(await cutsCleanly(ledger.db, 1)).toBe(false);

    await ledger.db.transaction('rw', ledger.db.writeTables, async () => truncateAfter(ledger.db, 3));
    expect(await positions(ledger)).toEqual([1, 2, 3]);
    expect((await ledger.store.meta()).position).toBe(3);
  });

  it('refuses to cut inside an imported part, whose records hold events from all over the log, and changes nothing', async () => {
    const source = await ledgers.open();
    await sixEvents(source);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, await exportLedger(source.db));
    await ledger.execute(deposit('bob', '2.00'));

    expect(await cutsCleanly(ledger.db, 3)).toBe(false);
    expect(await cutsCleanly(ledger.db, 6)).toBe(true);
    expect(await cutsCleanly(ledger.db, 7)).toBe(true);
    await expect(ledger.db.transaction('rw', ledger.db.writeTables, async () => truncateAfter(ledger.db, 3))).rejects.toMatchObject({ code: 'SYNC_FAILED', message: expect.stringContaining('cannot be cut back to event 3') });
    expect(await positions(ledger)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await ledger.store.meta()).position).toBe(7);
  });
});
