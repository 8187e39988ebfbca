import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/app/ledger';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { LedgerQueries } from '../../src/app/queries';
import { ImportError } from '../../src/domain/errors';
import type { LedgerDb } from '../../src/store/db';
import { verifyProjections } from '../../src/projections/verify';
import { deleteLedger, deposit, open, openLedger, transfer, withdraw } from '../support/ledger';
import { SHAPE_CASES } from './hostile-cases';
import { RULE_CASES } from './hostile-rule-cases';
import { LAYOUTS, LogFixture, largeValidLog } from './hostile-fixtures';

// A fixed export time, so two exports of the same log are the same bytes.
const AT = new Date('2030-01-01T00:00:00.000Z');

let seeded: Ledger;
let logBefore: string;
let tablesBefore: string;

/** Every table, so "nothing written" covers snapshots, heads and read models as well as the log. */
async function everyTable(db: LedgerDb): Promise<string> {
  return JSON.stringify(await Promise.all(db.tables.map(async (t) => [t.name, await t.toArray()])));
}

/** Imports in 'replace' mode, so the only thing that can stop the file is the file itself. */
async function refusalOf(db: LedgerDb, text: string): Promise<ImportError> {
  try {
    await importLedger(db, text, { mode: 'replace' });
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('the import accepted the file');
}

function expectReadable(message: string): void {
  expect(message.length).toBeLessThan(300);
  expect(message).not.toMatch(/\[object |undefined/);
}

beforeAll(async () => {
  seeded = await openLedger();
  await seeded.execute(open('s1', 'Seed One', 'EUR', '250.00'));
  await seeded.execute(open('s2', 'Seed Two', 'EUR'));
  await seeded.execute(open('s3', 'Seed Three', 'USD', '9.99'));
  await seeded.execute(transfer('s1', 's2', '75.25'));
  await seeded.execute(withdraw('s2', '0.25'));
  await seeded.execute(deposit('s3', '0.01'));
  logBefore = await exportLedger(seeded.db, AT);
  tablesBefore = await everyTable(seeded.db);
});
afterAll(async () => {
  await deleteLedger(seeded);
});

describe('import of a hostile file', () => {
  it('starts from a seeded ledger whose read models match its log', async () => {
    expect(JSON.parse(logBefore).eventCount).toBe(9);
    expect(await verifyProjections(seeded.db)).toEqual([]);
  });

  const runs = [...SHAPE_CASES, ...RULE_CASES].flatMap((c) => (c.layouts ?? LAYOUTS).map((layout) => ({ ...c, layout })));
  it.each(runs)('refuses $name ($layout), says where, and changes nothing', async ({ text, layout, expected }) => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
    const error = await refusalOf(seeded.db, text(layout));
    expect(error.eventIndex).toBe(expected.eventIndex);
    expect(error.field || undefined).toBe(expected.field);
    if (expected.code) expect(error.code).toBe(expected.code);
    expect(error.message).toMatch(expected.message);
    if (expected.eventIndex !== undefined) {
      // Where, as a person counts: the file's own line when it has one event per line (the header is line 1).
      const place = layout === 'line-per-event' ? `Line ${expected.eventIndex + 2}: ` : `Event ${expected.eventIndex + 1}: `;
      expect(error.message.startsWith(place), error.message).toBe(true);
      expect(error.path).toBe(`events[${expected.eventIndex}]${expected.field ? `.${expected.field}` : ''}`);
    }
    expectReadable(error.message);
    expect(await exportLedger(seeded.db, AT)).toBe(logBefore);
    expect(await everyTable(seeded.db)).toBe(tablesBefore);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a 20 MB file whose very last event overdraws, after checking every event before it, and writes nothing', async () => {
    const fixture = largeValidLog(20_000_000).withdraw('acc-a', '99999999.00');
    const text = fixture.text('line-per-event');
    expect(text.length).toBeGreaterThan(20_000_000);
    const last = fixture.events.length - 1;
    const error = await refusalOf(seeded.db, text);
    expect(error.eventIndex).toBe(last);
    expect(error.path).toBe(`events[${last}].data.amount`);
    expect(error.message).toMatch(new RegExp(`^Line ${last + 2}: this withdrawal of 99999999\\.00 EUR from .* would overdraw the account`));
    expect(await exportLedger(seeded.db, AT)).toBe(logBefore);
    expect(await everyTable(seeded.db)).toBe(tablesBefore);
  }, 60_000);
});

describe('import of unusual but valid text', () => {
  it('stores HTML and script in owner names and descriptions verbatim, as text', async () => {
    const ledger = await openLedger();
    const owner = '<img src=x onerror="alert(1)"><script>alert(`owned`)</script> & Co';
    const description = '</script><b>bold</b> "quoted" \u2028 line';
    const fixture = new LogFixture().open('h', owner).deposit('h', '12.00', description);
    await importLedger(ledger.db, fixture.text());
    const row = await ledger.db.accounts.get('h');
    expect(row?.ownerName).toBe(owner);
    expect((await new LedgerQueries(ledger.db).transactions('h')).rows[0]?.description).toBe(description);
    expect(JSON.parse(await exportLedger(ledger.db, AT)).events).toEqual(fixture.events);
    await deleteLedger(ledger);
  });

  it('imports events of an older schema version and exports them exactly as they came', async () => {
    const ledger = await openLedger();
    const fixture = new LogFixture().open('old', 'Old Timer').deposit('old', '3.00');
    const [opened, deposited] = fixture.events;
    Object.assign(opened!, { schemaVersion: 1, data: { accountId: 'old', owner: 'Old Timer', currency: 'EUR' } });
    Object.assign(deposited!, { schemaVersion: 1, data: { accountId: 'old', amount: '3.00' } });
    await importLedger(ledger.db, fixture.text());
    expect(await ledger.db.accounts.get('old')).toMatchObject({ ownerName: 'Old Timer', balance: '3.00' });
    expect(JSON.parse(await exportLedger(ledger.db, AT)).events).toEqual(fixture.events);
    expect(await verifyProjections(ledger.db)).toEqual([]);
    await deleteLedger(ledger);
  });
});

describe('a valid import over a ledger that is open', () => {
  it('is seen by the next command, even when the file reuses the ids of the events it replaces', async () => {
    const ledger = await openLedger();
    await ledger.execute(open('a', 'Ada', 'EUR', '100.00'));
    await ledger.execute(withdraw('a', '10.00'));
    // The same events, ids and all, but with smaller amounts: a file edited by hand, valid on its own.
    const edited = JSON.parse(await exportLedger(ledger.db, AT)) as { events: { data: Record<string, unknown> }[] };
    edited.events[1]!.data.amount = '1.00';
    edited.events[2]!.data.amount = '1.00';
    await importLedger(ledger.db, JSON.stringify(edited), { mode: 'replace' });

    await expect(ledger.execute(withdraw('a', '50.00'))).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await ledger.execute(deposit('a', '5.00'));
    expect((await ledger.db.accounts.get('a'))?.balance).toBe('5.00');
    expect(await verifyProjections(ledger.db)).toEqual([]);
    await deleteLedger(ledger);
  });
});
