import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/app/ledger';
import { TimeTravel } from '../../src/app/temporal';
import { evolve, initialState, type AccountState } from '../../src/domain/account';
import type { RecordedEvent } from '../../src/domain/events';
import { deleteLedger, deposit, lastWholeCommit, openLedger } from '../support/ledger';
import { replayPrefix, runMixedHistory, stateView } from '../support/store';

/** The ledger after the first events of the log, folded by hand: every account seen so far, in first-seen order. */
function ledgerAfter(events: RecordedEvent[]) {
  const states = new Map<string, AccountState>();
  for (const event of events) states.set(event.streamId, evolve(states.get(event.streamId) ?? initialState, event));
  const accounts = [...states.values()].flatMap((s) =>
    s.status === 'none'
      ? []
      : [{ accountId: s.accountId, ownerName: s.ownerName, currency: s.currency, status: s.status, balance: s.balance.toFixed(2) }],
  );
  const last = events[events.length - 1];
  return { position: last?.position ?? 0, at: last?.metadata.at ?? null, accounts };
}

const shift = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

let ledger: Ledger;
let time: TimeTravel;
let log: RecordedEvent[];
let alice: RecordedEvent[];

beforeAll(async () => {
  // Snapshots every 3 versions, so time travel has to pick the right one, or none.
  ledger = await openLedger({ snapshotEvery: 3 });
  await runMixedHistory(ledger);
  for (let i = 1; i <= 4; i++) await ledger.execute(deposit('alice', `${i}.10`));
  time = new TimeTravel(ledger);
  log = await ledger.store.readAll();
  alice = await ledger.store.readStream('alice');
});
afterAll(() => deleteLedger(ledger));

describe('one account', () => {
  it('as of every version equals a replay of its first events', async () => {
    expect(alice).toHaveLength(10);
    expect(await ledger.db.snapshots.where('[streamId+version]').between(['alice', 0], ['alice', Infinity]).count()).toBe(3);

    for (let v = 0; v <= alice.length; v++) {
      const loaded = await time.accountAtVersion('alice', v);
      expect(loaded.version).toBe(v);
      expect(stateView(loaded.state)).toEqual(await replayPrefix(ledger, 'alice', v));
    }
  });

  it('does not exist before it was opened', async () => {
    const opened = alice[0]!.metadata.at;
    const bobOpened = log.find((e) => e.streamId === 'bob')!.metadata.at;

    expect(await time.accountAtTime('alice', shift(opened, -1))).toEqual({ state: { status: 'none' }, version: 0 });
    expect(await time.accountAtTime('bob', opened)).toEqual({ state: { status: 'none' }, version: 0 });
    expect((await time.accountAtTime('bob', bobOpened)).state).toMatchObject({ status: 'open' });
  });

  it('as of the time of each of its events, and halfway to the next, holds everything recorded by then', async () => {
    for (const event of alice) {
      const upTo = alice.filter((e) => e.metadata.at <= event.metadata.at);
      const expected = { state: await replayPrefix(ledger, 'alice', upTo.length), version: upTo.length };

      for (const at of [event.metadata.at, shift(event.metadata.at, 500)]) {
        const loaded = await time.accountAtTime('alice', at);
        expect({ state: stateView(loaded.state), version: loaded.version }).toEqual(expected);
      }
    }
  });

  it('as of a time after the last event is the current state, from a Date as well as a string', async () => {
    const current = stateView((await ledger.loadAccount('alice')).state);
    const later = shift(log[log.length - 1]!.metadata.at, 86_400_000);

    expect(stateView((await time.accountAtTime('alice', later)).state)).toEqual(current);
    expect(stateView((await time.accountAtTime('alice', new Date(later))).state)).toEqual(current);
    expect(current).toMatchObject({ balance: '68.07' });
  });

  it('refuses a time that is not a time', async () => {
    await expect(time.accountAtTime('alice', 'yesterday-ish')).rejects.toMatchObject({ name: 'ValidationError', code: 'TIME_INVALID', message: 'Not a valid date and time: yesterday-ish.' });
  });
});

describe('the whole ledger', () => {
  it('as of every position equals folding the log up to the last whole commit there', async () => {
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));

    for (let p = 0; p <= log.length; p++) {
      const whole = lastWholeCommit(log, p);
      expect(await time.ledgerAtPosition(p)).toEqual(ledgerAfter(log.slice(0, whole)));
    }
  });

  it('as of a position past the end is the current ledger', async () => {
    expect(await time.ledgerAtPosition(log.length + 10)).toEqual(ledgerAfter(log));
  });

  it('as of a time holds exactly the events recorded by then', async () => {
    expect(await time.ledgerAtTime(shift(log[0]!.metadata.at, -1))).toEqual({ position: 0, at: null, accounts: [] });
    for (const event of log) {
      const expected = ledgerAfter(log.filter((e) => e.metadata.at <= event.metadata.at));
      expect(await time.ledgerAtTime(event.metadata.at)).toEqual(expected);
      expect(await time.ledgerAtTime(shift(event.metadata.at, 999))).toEqual(expected);
    }
    expect(await time.ledgerAtTime(new Date(shift(log[log.length - 1]!.metadata.at, 1)))).toEqual(ledgerAfter(log));
  });
});
