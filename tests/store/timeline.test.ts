import { describe, expect, it } from 'vitest';
import { fromColumn, toColumn } from '../../src/store/text-column';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import type { Ledger } from '../../src/app/ledger';
import { TimeTravel } from '../../src/app/temporal';
import { evolve, initialState, type AccountState } from '../../src/domain/account';
import type { RecordedEvent } from '../../src/domain/events';
import { Money } from '../../src/domain/money';
import { verifyProjections } from '../../src/projections/verify';
import { deposit, lastWholeCommit, transfer, withdraw } from '../support/ledger';
import { runMixedHistory, useLedgers } from '../support/store';

const ledgers = useLedgers();
// Checkpoints every 4 positions, so a short log crosses many of them, from appends, from import and from rebuild.
const EVERY = 4;

/** Every account's state after the first events, folded by hand. */
function foldPrefix(events: RecordedEvent[]) {
  const states = new Map<string, AccountState>();
  for (const event of events) states.set(event.streamId, evolve(states.get(event.streamId) ?? initialState, event));
  return [...states.values()].flatMap((s) =>
    s.status === 'none' ? [] : [{ accountId: s.accountId, status: s.status, balance: s.balance.toFixed(2) }],
  );
}

const view = (accounts: { accountId: string; status: string; balance: string }[]) =>
  accounts.map(({ accountId, status, balance }) => ({ accountId, status, balance })).sort((a, b) => a.accountId.localeCompare(b.accountId));

/** Whether the log can be shown after its first `p` events: no commit is cut in two there. */
const endsACommit = (log: RecordedEvent[], p: number) => lastWholeCommit(log, p) === p;

/** Deposits less withdrawals of the first `p` events, per currency: what the balances must add up to. */
function moneyIn(log: RecordedEvent[], p: number): Map<string, string> {
  const currencies = new Map<string, string>();
  const totals = new Map<string, Money>();
  for (const event of log.slice(0, p)) {
    if (event.type === 'AccountOpened') currencies.set(event.streamId, event.data.currency);
    const currency = currencies.get(event.streamId)!;
    const total = totals.get(currency) ?? new Money(0);
    if (event.type === 'MoneyDeposited') totals.set(currency, total.plus(event.data.amount));
    if (event.type === 'MoneyWithdrawn') totals.set(currency, total.minus(event.data.amount));
  }
  return new Map([...totals].map(([currency, total]) => [currency, total.toFixed(2)]));
}

async function expectEveryPositionMatches(ledger: Ledger): Promise<void> {
  const log = await ledger.store.readAll();
  const time = new TimeTravel(ledger);
  for (let p = 0; p <= log.length; p++) {
    const point = await time.ledgerAtPosition(p);
    const expected = lastWholeCommit(log, p);
    expect(point.position, `position ${p}`).toBe(expected);
    expect(view(point.accounts), `accounts at position ${p}`).toEqual(view(foldPrefix(log.slice(0, expected))));
    const later = await time.ledgerAtPosition(p, 'later');
    expect(endsACommit(log, later.position) && later.position >= p && later.position - p <= 1, `later from ${p}`).toBe(true);
    // Money is conserved at every point that can be shown: balances add up to deposits less withdrawals.
    const balances = new Map<string, Money>();
    for (const account of point.accounts) balances.set(account.currency, (balances.get(account.currency) ?? new Money(0)).plus(account.balance));
    for (const [currency, total] of moneyIn(log, expected)) expect(balances.get(currency)?.toFixed(2), `${currency} at position ${p}`).toBe(total);
    // The same point found by its time: the last event at that instant (a transfer's two sides share one).
    if (p > 0) {
      const byTime = await time.ledgerAtTime(log[p - 1]!.metadata.at);
      const last = log.findLastIndex((e) => e.metadata.at <= log[p - 1]!.metadata.at) + 1;
      expect(byTime.position, `time of position ${p}`).toBe(last);
      expect(view(byTime.accounts)).toEqual(view(foldPrefix(log.slice(0, last))));
    }
  }
}

async function moreHistory(ledger: Ledger): Promise<void> {
  for (let i = 1; i <= 6; i++) {
    await ledger.execute(deposit('alice', `${i}.00`));
    await ledger.execute(transfer('alice', 'bob', '0.50'));
    await ledger.execute(withdraw('bob', '0.25'));
  }
}

describe('the ledger timeline', () => {
  it('answers every position and time from checkpoints written while appending', async () => {
    const ledger = await ledgers.open({ timelineEvery: EVERY });
    await runMixedHistory(ledger);
    await moreHistory(ledger);

    expect(await ledger.db.ledgerCheckpoints.count()).toBeGreaterThan(3);
    await expectEveryPositionMatches(ledger);
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  /** A ledger imported from the mixed history, with `timelineEvery` EVERY. */
  async function imported(): Promise<Ledger> {
    const source = await ledgers.open({ timelineEvery: EVERY });
    await runMixedHistory(source);
    await moreHistory(source);
    const copy = await ledgers.open({ timelineEvery: EVERY });
    await importLedger(copy.db, await exportLedger(source.db));
    return copy;
  }

  it('answers every position from the fold segments an import writes, and from appends made after it', async () => {
    const copy = await imported();

    expect(await copy.db.folds.count()).toBeGreaterThan(0);
    await expectEveryPositionMatches(copy);
    await moreHistory(copy);
    await expectEveryPositionMatches(copy);
    expect(await verifyProjections(copy.db)).toEqual([]);
  });

  it('answers every position after a rebuild of an imported log, which adds fold segments only for what follows the import', async () => {
    const copy = await imported();
    const importedEvents = (await copy.store.meta()).position;
    const importedSegments = await copy.db.folds.toArray();
    await moreHistory(copy);
    await copy.projector.rebuild();

    const segments = await copy.db.folds.toArray();
    expect(segments.slice(0, importedSegments.length)).toEqual(importedSegments);
    expect(segments[importedSegments.length]?.start).toBe(importedEvents + 1);
    await expectEveryPositionMatches(copy);
    expect(await verifyProjections(copy.db)).toEqual([]);
  });

  it.each<[string, (copy: Ledger) => Promise<unknown>]>([
    ['of a format this code does not know', (copy) => copy.db.folds.toCollection().modify((segment) => void (segment.version = 99))],
    ['missing, so that positions have a gap', async (copy) => copy.db.folds.delete((await copy.db.folds.toCollection().primaryKeys())[0]!)],
  ])('refuses, in a person’s words, to replay fold segments %s', async (_case, spoil) => {
    const copy = await imported();
    await spoil(copy);

    await expect(new TimeTravel(copy).ledgerAtPosition(3)).rejects.toMatchObject({ code: 'TIMELINE_UNREADABLE', message: expect.stringContaining('Reload the page') });
  });

  it('has the verifier catch a fold segment that no longer matches the log', async () => {
    const copy = await imported();
    const [segment] = await copy.db.folds.toArray();
    await copy.db.folds.put({ ...segment!, balances: toColumn(fromColumn(segment!.balances).map(() => '1.00')) });

    const differences = await verifyProjections(copy.db);

    expect(differences.length).toBeGreaterThan(0);
    expect(new Set(differences.map((d) => d.projection))).toEqual(new Set(['folds']));
  });

  it('answers every position after a rebuild, and the verifier catches a tampered checkpoint or fold segment', async () => {
    const ledger = await ledgers.open({ timelineEvery: EVERY });
    await runMixedHistory(ledger);
    await moreHistory(ledger);
    await ledger.projector.rebuild();
    await expectEveryPositionMatches(ledger);

    const [checkpoint] = await ledger.db.ledgerCheckpoints.toArray();
    await ledger.db.ledgerCheckpoints.put({ ...checkpoint!, accounts: checkpoint!.accounts.map((a) => [a[0], a[1], a[2], a[3], '999.00', a[5]]) });
    const [segment] = await ledger.db.folds.toArray();
    await ledger.db.folds.put({ ...segment!, balances: toColumn(fromColumn(segment!.balances).map(() => '1.00')) });
    const differences = await verifyProjections(ledger.db);
    expect([...new Set(differences.map((d) => d.projection))].sort()).toEqual(['folds', 'timeline']);
  });
});
