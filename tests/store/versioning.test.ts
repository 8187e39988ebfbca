import Dexie from 'dexie';
import { eventText, parseEventText } from '../../src/store/event-text';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { Ledger } from '../../src/app/ledger';
import { LedgerQueries } from '../../src/app/queries';
import { EventSchemaError } from '../../src/domain/errors';
import { SCHEMA_VERSIONS } from '../../src/domain/events';
import { verifyProjections } from '../../src/projections/verify';
import type { CommitRecord, StoredEvent } from '../../src/store/db';
import { deposit, freshName, open } from '../support/ledger';
import { dumpDb, stateView, useLedgers } from '../support/store';

const ledgers = useLedgers();

const at = (second: number) => `2025-06-01T10:00:${String(second).padStart(2, '0')}.000Z`;

function stored(position: number, version: number, type: string, schemaVersion: number, data: object): StoredEvent {
  const commandId = `legacy-${position}`;
  return { position, version, type, schemaVersion, data, metadata: { eventId: `e-${position}`, commandId, at: at(position) } } as StoredEvent;
}

const legacyEvents = [
  stored(1, 1, 'AccountOpened', 1, { accountId: 'old', owner: 'Olga', currency: 'EUR' }),
  stored(2, 2, 'MoneyDeposited', 1, { accountId: 'old', amount: '12.50' }),
  stored(3, 3, 'MoneyWithdrawn', 1, { accountId: 'old', amount: '2.50' }),
];

/**
 * A log of schema-version-1 events, written straight into the commit table
 * and the log's meta row (no read models), then opened by today's ledger.
 */
async function legacyLedger(): Promise<Ledger> {
  const name = freshName('legacy');
  const db = ledgers.raw(name);
  const record: CommitRecord = {
    streamId: 'old',
    version: 1,
    lastVersion: 3,
    position: 1,
    positions: legacyEvents.map((e) => e.position),
    events: legacyEvents.map((e) => eventText('old', e)),
  };
  await db.commits.add(record);
  await db.meta.put({ key: 'log', position: 3, lastAt: at(3) });
  db.close();
  return ledgers.open({ name });
}

describe('events written with an older schema', () => {
  it('read back in the current shape', async () => {
    const ledger = await legacyLedger();

    const events = await ledger.store.readStream('old');

    expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
      { type: 'AccountOpened', data: { accountId: 'old', ownerName: 'Olga', currency: 'EUR' } },
      { type: 'MoneyDeposited', data: { accountId: 'old', amount: '12.50', description: '' } },
      { type: 'MoneyWithdrawn', data: { accountId: 'old', amount: '2.50', description: '' } },
    ]);
    expect(await ledger.store.readAll()).toEqual(events);
  });

  it('stay stored as written: upcasting happens on read only', async () => {
    const ledger = await legacyLedger();
    await ledger.loadAccount('old');

    expect((await ledger.store.readAllStored()).map((e) => e.stored)).toEqual(legacyEvents);
  });

  it('load into the account state', async () => {
    const ledger = await legacyLedger();

    const { state, version } = await ledger.loadAccount('old');

    expect(version).toBe(3);
    expect(stateView(state)).toEqual({ status: 'open', accountId: 'old', ownerName: 'Olga', currency: 'EUR', balance: '10' });
  });

  it('are projected when the ledger opens, and again by an explicit rebuild', async () => {
    const ledger = await legacyLedger();
    const queries = new LedgerQueries(ledger.db);
    expect(await queries.getAccount('old')).toMatchObject({ ownerName: 'Olga', balance: '10.00', transactionCount: 2 });
    await ledger.db.accounts.clear();
    await ledger.db.history.clear();

    await expect(ledger.projector.rebuild()).resolves.toEqual({ events: 3 });

    expect(await queries.getAccount('old')).toMatchObject({ ownerName: 'Olga', balance: '10.00', version: 3 });
    expect((await queries.transactions('old')).rows.map((r) => [r.kind, r.amount, r.description, r.balanceAfter])).toEqual([
      ['withdrawal', '-2.50', '', '10.00'],
      ['deposit', '12.50', '', '12.50'],
    ]);
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  it('export as written, import back unchanged, and take current-schema events after them', async () => {
    const ledger = await legacyLedger();
    const exportedAt = new Date('2026-01-01T00:00:00.000Z');
    const text = await exportLedger(ledger.db, exportedAt);
    const copy = await ledgers.open();

    await importLedger(copy.db, text);
    expect(text).toContain('"owner":"Olga"');
    expect(await exportLedger(copy.db, exportedAt)).toBe(text);

    await copy.execute(deposit('old', '5', 'today'));

    expect((await copy.store.readAllStored()).map((e) => e.stored)).toEqual([
      ...legacyEvents,
      expect.objectContaining({ version: 4, schemaVersion: SCHEMA_VERSIONS.MoneyDeposited }),
    ]);
    expect(stateView((await copy.loadAccount('old')).state)).toMatchObject({ ownerName: 'Olga', balance: '15' });
  });
});

describe('a stored event the app does not understand', () => {
  /**
   * A healthy ledger (a, b) whose last event on stream a is then rewritten into
   * something this app cannot read, as a newer app version might have written it.
   * Returned as a second connection that holds nothing in memory, as another tab would.
   */
  async function withForeignEvent(spoil: (event: StoredEvent) => void): Promise<Ledger> {
    const ledger = await ledgers.open();
    await ledger.execute(open('a', 'Ada', 'EUR', '10'));
    await ledger.execute(open('b', 'Bob', 'EUR'));
    await ledger.execute(deposit('a', '1'));
    await ledger.db.commits.where('[streamId+version]').equals(['a', 3]).modify((record) => {
      const event = parseEventText(record.events[0]!);
      spoil(event);
      record.events[0] = JSON.stringify(event);
    });
    return new Ledger(ledgers.raw(ledger.db.name));
  }
  const teleported = (event: StoredEvent) => Object.assign(event, { type: 'MoneyTeleported' });

  it('is an EventSchemaError naming the unknown type on every read path, not a crash', async () => {
    const ledger = await withForeignEvent(teleported);

    for (const read of [() => ledger.store.readStream('a'), () => ledger.store.readAll(), () => ledger.loadAccount('a')]) {
      const reading = read();
      await expect(reading).rejects.toBeInstanceOf(EventSchemaError);
      await expect(reading).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', message: expect.stringContaining('MoneyTeleported') });
    }
  });

  it('refuses commands on its stream without writing, while other streams keep working', async () => {
    const ledger = await withForeignEvent(teleported);
    const before = await dumpDb(ledger.db);

    await expect(ledger.execute(deposit('a', '1'))).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });

    expect(await dumpDb(ledger.db)).toEqual(before);
    await expect(ledger.execute(deposit('b', '1'))).resolves.toMatchObject({ duplicate: false });
    expect((await ledger.store.readStream('b')).map((e) => e.type)).toEqual(['AccountOpened', 'MoneyDeposited']);
  });

  it('is an UNSUPPORTED_SCHEMA_VERSION error when its schema is newer than the app', async () => {
    const ledger = await withForeignEvent((event) => (event.schemaVersion += 1));

    await expect(ledger.store.readStream('a')).rejects.toMatchObject({ code: 'UNSUPPORTED_SCHEMA_VERSION' });
  });

  it('makes opening a ledger that must rebuild its read models fail with that clear error, closing what it opened', async () => {
    const ledger = await withForeignEvent(teleported);
    await ledger.db.meta.toCollection().modify((meta) => void delete meta.projections);
    ledger.close();
    const closing = vi.spyOn(Dexie.prototype, 'close');
    onTestFinished(() => closing.mockRestore());

    await expect(Ledger.open(ledger.db.name)).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });

    expect(closing.mock.contexts.map((db) => (db as Dexie).name)).toEqual([ledger.db.name]);
  });
});
