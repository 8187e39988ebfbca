import { describe, expect, it, vi } from 'vitest';
import { EventLog, type Direction, type EventLogFilter, type EventLogRow } from '../../src/app/event-log';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { watch } from '../../src/app/watch';
import type { Ledger } from '../../src/app/ledger';
import { EVENT_TYPES } from '../../src/domain/events';
import { deposit, transfer, withdraw } from '../support/ledger';
import { runMixedHistory, useLedgers } from '../support/store';
import { LogFixture } from './hostile-fixtures';

const ledgers = useLedgers();

interface Logged {
  position: number;
  streamId: string;
  type: string;
  at: string;
  text: string;
}

/** Every event of the log with its stored text, read straight from the commit records: the oracle. */
async function wholeLog(ledger: Ledger): Promise<Logged[]> {
  const records = await ledger.db.commits.toArray();
  const log = records.flatMap((record) =>
    record.events.map((text) => {
      const { position, type, metadata } = JSON.parse(text) as { position: number; type: string; metadata: { at: string } };
      return { position, streamId: record.streamId, type, at: metadata.at, text };
    }),
  );
  return log.sort((a, b) => a.position - b.position);
}

/** What a page must hold, worked out from the whole log by hand. */
function expectedPage(log: Logged[], filter: EventLogFilter, at: number | undefined, direction: Direction, limit: number) {
  const matching = log.filter(
    (e) =>
      (!filter.accountId || e.streamId === filter.accountId) &&
      (!filter.type || e.type === filter.type) &&
      (!filter.since || e.at >= filter.since) &&
      (!filter.until || e.at <= filter.until),
  );
  const positions = matching.map((e) => e.position);
  if (direction === 'older') {
    const from = at ?? Infinity;
    const candidates = positions.filter((p) => p <= from).reverse();
    return { positions: candidates.slice(0, limit), hasOlder: candidates.length > limit, hasNewer: positions.some((p) => p > from) };
  }
  const from = at ?? -Infinity;
  const candidates = positions.filter((p) => p >= from);
  return { positions: candidates.slice(0, limit).reverse(), hasOlder: positions.some((p) => p < from), hasNewer: candidates.length > limit };
}

/** Every position (and none), both directions, pages of 3, for each filter: the answer matches the oracle. */
async function expectEveryPageMatches(ledger: Ledger): Promise<void> {
  const log = await wholeLog(ledger);
  const events = new EventLog(ledger.db);
  const middle = log[Math.floor(log.length / 2)]!.at;
  const filters: EventLogFilter[] = [
    {},
    { accountId: 'alice' },
    { accountId: 'carol' },
    { type: 'TransferReceived' },
    { type: 'AccountClosed' },
    { since: middle },
    { until: middle },
    { accountId: 'bob', type: 'MoneyWithdrawn', since: log[3]!.at, until: log[log.length - 4]!.at },
    { since: '2999-01-01T00:00:00.000Z' },
  ];
  for (const filter of filters) {
    for (const at of [undefined, ...log.map((e) => e.position), 0, log.length + 1]) {
      for (const direction of ['older', 'newer'] as const) {
        const page = await events.page({ ...filter, at, direction, limit: 3 });
        const { hasOlder, hasNewer } = page;
        expect({ positions: page.rows.map((row) => row.position), hasOlder, hasNewer }, `${JSON.stringify(filter)} ${direction} from ${at}`).toEqual(
          expectedPage(log, filter, at, direction, 3),
        );
      }
    }
  }
}

/** Six more commands after the mixed history, on Alice and Bob. */
async function moreHistory(ledger: Ledger, round: number): Promise<void> {
  for (let i = 1; i <= 2; i++) {
    await ledger.execute(deposit('alice', `${round}.0${i}`));
    await ledger.execute(transfer('alice', 'bob', '0.50'));
    await ledger.execute(withdraw('bob', '0.25'));
  }
}

describe('the event log', () => {
  it('lists every event newest first: position, time, owner, type with its schema version, signed amount and stored JSON', async () => {
    const ledger = await ledgers.open();
    await runMixedHistory(ledger);
    const log = await wholeLog(ledger);

    const page = await new EventLog(ledger.db).page();

    expect(page.head).toBe(log.length);
    expect(page.rows.map((row) => row.position)).toEqual(log.map((e) => e.position).reverse());
    expect(page.rows.map((row) => row.json)).toEqual(log.map((e) => e.text).reverse());
    const [newest] = page.rows;
    expect(newest).toEqual<EventLogRow>({
      position: log.length,
      at: log[log.length - 1]!.at,
      accountId: 'alice',
      ownerName: 'Alice',
      currency: 'EUR',
      type: 'MoneyDeposited',
      schemaVersion: 2,
      amount: '0.01',
      json: log[log.length - 1]!.text,
    });
    expect(page.rows.find((row) => row.type === 'MoneyWithdrawn' && row.accountId === 'carol')).toMatchObject({ ownerName: 'Carol', currency: 'USD', amount: '-50.25' });
    expect(page.rows.filter((row) => row.type === 'TransferSent').map((row) => row.amount)).toEqual(['-0.50', '-30.50']);
    expect(page.rows.find((row) => row.type === 'AccountClosed')).toMatchObject({ type: 'AccountClosed', schemaVersion: 1, amount: null, ownerName: 'Carol' });
    expect({ hasOlder: page.hasOlder, hasNewer: page.hasNewer }).toEqual({ hasOlder: false, hasNewer: false });
  });

  it('pages, jumps and filters by account, type and time over appended events', async () => {
    const ledger = await ledgers.open({ timelineEvery: 4 });
    await runMixedHistory(ledger);
    await moreHistory(ledger, 1);
    await expectEveryPageMatches(ledger);
  });

  it('does the same over an imported log, and over fold segments written by rebuilds with appended events after them', async () => {
    const source = await ledgers.open();
    await runMixedHistory(source);
    const copy = await ledgers.open({ timelineEvery: 4 });
    await importLedger(copy.db, await exportLedger(source.db));
    await expectEveryPageMatches(copy);

    for (let round = 1; round <= 4; round++) {
      await moreHistory(copy, round);
      await copy.projector.rebuild();
    }
    await moreHistory(copy, 5);
    // Five fold segments (the import's and one per rebuild), then the appended events.
    expect(await copy.db.folds.count()).toBe(5);
    expect((await copy.store.meta()).projections!.segmentsThrough).toBeLessThan((await copy.store.meta()).position);
    await expectEveryPageMatches(copy);
  });

  it('shows an event stored in an older shape with the schema version it was stored in, and its amount', async () => {
    const ledger = await ledgers.open();
    const fixture = new LogFixture().open('old', 'Old Timer').deposit('old', '3.00');
    const [opened, deposited] = fixture.events;
    Object.assign(opened!, { schemaVersion: 1, data: { accountId: 'old', owner: 'Old Timer', currency: 'EUR' } });
    Object.assign(deposited!, { schemaVersion: 1, data: { accountId: 'old', amount: '3.00' } });
    await importLedger(ledger.db, fixture.text());

    const { rows } = await new EventLog(ledger.db).page();

    expect(rows.map(({ type, schemaVersion, amount, ownerName }) => ({ type, schemaVersion, amount, ownerName }))).toEqual([
      { type: 'MoneyDeposited', schemaVersion: 1, amount: '3.00', ownerName: 'Old Timer' },
      { type: 'AccountOpened', schemaVersion: 1, amount: null, ownerName: 'Old Timer' },
    ]);
    expect(JSON.parse(rows[1]!.json)).toMatchObject({ schemaVersion: 1, data: { owner: 'Old Timer' } });
  });

  it('follows the log when watched, as the screen watches it: a new event of the account shows at once', async () => {
    const ledger = await ledgers.open();
    await runMixedHistory(ledger);
    const events = new EventLog(ledger.db);
    const newest: number[] = [];
    const failures: unknown[] = [];
    const stop = watch(() => events.page({ accountId: 'bob', since: '2000-01-01T00:00:00.000Z', limit: 2 }), {
      next: (page) => newest.push(page.rows[0]!.position),
      error: (error) => failures.push(error),
    });
    try {
      await vi.waitFor(() => expect(newest).toHaveLength(1));
      const [appended] = (await ledger.execute(deposit('bob', '1.00'))).events;
      await vi.waitFor(() => expect(newest.at(-1)).toBe(appended!.position));
      expect(failures).toEqual([]);
    } finally {
      stop();
    }
  });

  it('answers an empty ledger with no rows, and refuses an unknown type or a time that is not one', async () => {
    const ledger = await ledgers.open();
    const events = new EventLog(ledger.db);

    expect(await events.page()).toEqual({ rows: [], head: 0, hasOlder: false, hasNewer: false });
    expect(EVENT_TYPES).not.toContain('MoneyBurned');
    await expect(events.page({ type: 'MoneyBurned' as never })).rejects.toMatchObject({ code: 'UNKNOWN_EVENT_TYPE' });
    await expect(events.page({ since: 'yesterday-ish' })).rejects.toMatchObject({ code: 'TIME_INVALID' });
  });
});
