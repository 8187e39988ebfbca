import { describe, expect, it } from 'vitest';
import { toAmountString } from '../../../src/domain/money';
import { LedgerCheck } from '../../../src/domain/ledger-check';
import { deposited, opened, received, sent, withdrawn } from './fixtures';
import { checkLog, expectRefused, RawLog } from './raw-log';

/** Two euro accounts; a pays b 20.00 at events[4] and [5]; b spends it all and closes at [7]. */
const validLog = (): RawLog =>
  new RawLog().open('a').open('b').deposit('a', '100.00').withdraw('a', '10.50').transfer('a', 'b', '20.00').withdraw('b', '20.00').close('b');

function balances(check: LedgerCheck): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [id, state] of check.accountStates()) {
    if (state.status !== 'none') result[id] = `${state.status} ${toAmountString(state.balance, state.currency)}`;
  }
  return result;
}

describe('LedgerCheck: a valid log', () => {
  it('accepts every event and replays the accounts it describes', () => {
    const { recorded, check } = checkLog(validLog().events);
    expect(recorded.map((e) => `${e.position} ${e.streamId}@${e.version} ${e.type}`)).toEqual([
      '1 a@1 AccountOpened',
      '2 b@1 AccountOpened',
      '3 a@2 MoneyDeposited',
      '4 a@3 MoneyWithdrawn',
      '5 a@4 TransferSent',
      '6 b@2 TransferReceived',
      '7 b@3 MoneyWithdrawn',
      '8 b@4 AccountClosed',
    ]);
    expect(check.eventCount).toBe(8);
    expect(balances(check)).toEqual({ a: 'open 69.50', b: 'closed 0.00' });
  });

  it('keeps amounts as the strings the file holds', () => {
    const { recorded } = checkLog(validLog().events);
    expect(recorded[4]).toMatchObject({ type: 'TransferSent', data: { amount: '20.00', toAccountId: 'b' } });
    expect(recorded[4]!.metadata).toEqual({ eventId: 'evt-5', commandId: 'cmd-5', at: '2026-01-01T09:00:05.000Z' });
  });

  it('accepts yen and dinar accounts at their own decimals', () => {
    const log = new RawLog().open('y', 'JPY').deposit('y', '500').open('k', 'KWD').deposit('k', '1.250').withdraw('k', '0.001');
    expect(balances(checkLog(log.events).check)).toEqual({ y: 'open 500', k: 'open 1.249' });
  });

  it('lifts events written in older schema versions and keeps their version number', () => {
    const log = new RawLog().open('a').deposit('a', '3.00');
    log.at(0).schemaVersion = 1;
    log.at(0).data = { accountId: 'a', owner: 'Ada', currency: 'EUR' };
    log.at(1).schemaVersion = 1;
    delete log.at(1).data.description;
    const { recorded } = checkLog(log.events);
    expect(recorded[0]).toMatchObject({ schemaVersion: 1, data: { accountId: 'a', ownerName: 'Ada', currency: 'EUR' } });
    expect(recorded[1]).toMatchObject({ schemaVersion: 1, data: { amount: '3.00', description: '' } });
  });

  it('accepts an empty log', () => {
    expect(checkLog([]).check.eventCount).toBe(0);
  });
});

describe('LedgerCheck: the account rules on replay', () => {
  it('refuses an event before its account was opened', () => {
    const log = new RawLog().deposit('a', '10.00');
    expectRefused(log.events, { eventIndex: 0, field: 'data.accountId', message: 'this deposit of 10.00 is for account a, which is not opened before it in the file.' });
  });

  it('refuses opening an account twice', () => {
    const log = new RawLog().open('a').open('a');
    expectRefused(log.events, { eventIndex: 1, field: 'data.accountId', message: 'this opens account a again: it was already opened for' });
  });

  it('refuses an overdraft on replay', () => {
    const log = new RawLog().open('a').deposit('a', '10.00').withdraw('a', '10.01');
    expectRefused(log.events, { eventIndex: 2, field: 'data.amount', message: /this withdrawal of 10\.01 EUR from .* would overdraw the account, whose balance is 10\.00 EUR\.$/ });
  });

  it('accepts withdrawing exactly the balance', () => {
    const log = new RawLog().open('a').deposit('a', '10.00').withdraw('a', '10.00');
    expect(balances(checkLog(log.events).check)).toEqual({ a: 'open 0.00' });
  });

  it('refuses a deposit to a closed account', () => {
    const log = new RawLog().open('a').close('a').deposit('a', '1.00');
    expectRefused(log.events, { eventIndex: 2, field: 'data.accountId', message: /this deposit of 1\.00 EUR into the account of .* comes after the account of .* was closed/ });
  });

  it('refuses closing an account that holds money', () => {
    const log = new RawLog().open('a').deposit('a', '10.00').close('a');
    expectRefused(log.events, { eventIndex: 2, field: 'type', message: /this closes the account of .* while it holds 10\.00 EUR; only an account with a zero balance can be closed/ });
  });
});

describe('LedgerCheck: transfers on replay', () => {
  /** a holds 50.00; b and c are empty euro accounts; u is in dollars. */
  const accounts = (): RawLog => new RawLog().open('a').open('b').open('c').open('u', 'USD').deposit('a', '50.00');

  it('refuses a TransferSent followed by anything but its TransferReceived', () => {
    const log = accounts().record(sent('a', 'b', '10.00')).record(deposited('a', '1.00'));
    expectRefused(log.events, {
      eventIndex: 6,
      field: 'type',
      message: 'expected the TransferReceived that completes the transfer at event 6, found MoneyDeposited',
    });
  });

  it('refuses a log that ends between the two halves of a transfer, pointing at the TransferSent', () => {
    const log = accounts().record(sent('a', 'b', '10.00'));
    const check = new LedgerCheck();
    log.events.forEach((event, index) => check.accept(event, index));
    expect(() => check.finish()).toThrow('Event 6: this transfer has no TransferReceived after it: the file ends in the middle of it.');
    expectRefused(log.events, { eventIndex: 5, field: 'type' });
  });

  it('refuses a TransferReceived with no TransferSent before it', () => {
    const log = accounts().record(received('b', 'a', '10.00'));
    expectRefused(log.events, { eventIndex: 5, field: 'type', message: 'this TransferReceived has no TransferSent right before it' });
  });

  it.each([
    ['data.amount', received('b', 'a', '10.01')],
    ['data.transferId', received('b', 'a', '10.00', 'tx-other')],
    ['data.accountId', received('c', 'a', '10.00')],
    ['data.fromAccountId', received('b', 'c', '10.00')],
  ])('refuses a TransferReceived whose %s differs from its TransferSent', (field, receivedEvent) => {
    const log = accounts().record(sent('a', 'b', '10.00'), receivedEvent);
    expectRefused(log.events, { eventIndex: 6, field, message: 'does not match the TransferSent before it (event 6)' });
  });

  it.each(['metadata.commandId', 'metadata.at'])('refuses the halves of a transfer recorded with different %s', (path) => {
    const log = accounts().transfer('a', 'b', '10.00');
    const key = path.slice('metadata.'.length);
    log.at(6).metadata[key] = key === 'at' ? '2026-01-01T10:00:00.000Z' : 'cmd-other';
    expectRefused(log.events, { eventIndex: 6, field: path, message: 'does not match the TransferSent' });
  });

  it('refuses a transfer above the balance', () => {
    const log = accounts().transfer('a', 'b', '50.01');
    expectRefused(log.events, { eventIndex: 5, field: 'data.amount', message: /this transfer of 50\.01 EUR from .* to .* would overdraw the account, whose balance is 50\.00 EUR/ });
  });

  it.each([
    ['to itself', 'a', 'cannot transfer money to itself'],
    ['to an unknown account', 'nobody', 'goes to account nobody, which is not opened before it in the file'],
    ['across currencies', 'u', 'the two accounts hold different currencies, and a transfer cannot change currency'],
  ])('refuses a transfer %s', (_what, to, message) => {
    const log = accounts().record(sent('a', to, '1.00'), received(to, 'a', '1.00'));
    expectRefused(log.events, { eventIndex: 5, field: 'data.toAccountId', message });
  });

  it('refuses a transfer to a closed account', () => {
    const log = accounts().close('c').transfer('a', 'c', '1.00');
    expectRefused(log.events, { eventIndex: 6, field: 'data.toAccountId', message: /comes after the account of .* was closed/ });
  });

  it('refuses a transfer from a closed account', () => {
    const log = new RawLog().open('a').open('b').close('a').record(sent('a', 'b', '1.00'), received('b', 'a', '1.00'));
    expectRefused(log.events, { eventIndex: 3, field: 'data.accountId', message: /comes after the account of .* was closed/ });
  });

  it('checks the balance after every event, not only at the end', () => {
    const log = new RawLog().open('a').record(withdrawn('a', '5.00')).deposit('a', '10.00');
    expectRefused(log.events, { eventIndex: 1, field: 'data.amount', message: 'would overdraw the account, whose balance is 0.00 EUR' });
  });

  it('refuses a log whose first account is opened in an unknown currency', () => {
    const log = new RawLog().record(opened('a'));
    log.at(0).data.currency = 'XYZ';
    expectRefused(log.events, { eventIndex: 0, field: 'data.currency', message: 'Unknown currency "XYZ"' });
  });
});
