import { LogFixture, basic, broken, editDocument, editEvent, reorder, type HostileCase } from './hostile-fixtures';

/** Well-formed files whose log could never have happened: out of order, half transfers, broken rules. */

const orderCases: HostileCase[] = [
  {
    name: 'two events with the same id',
    text: editEvent(2, (e) => (e.metadata.eventId = 'fevt-1')),
    expected: { eventIndex: 2, field: 'metadata.eventId', message: /duplicate event id fevt-1/ },
  },
  {
    name: 'a gap in a stream’s versions',
    text: editEvent(1, (e) => (e.version = 3)),
    expected: { eventIndex: 1, field: 'version', message: /stream a expects version 2 next, found 3/ },
  },
  {
    name: 'a repeated stream version',
    text: editEvent(1, (e) => (e.version = 1)),
    expected: { eventIndex: 1, field: 'version', message: /stream a expects version 2 next, found 1/ },
  },
  {
    name: 'positions out of order',
    text: editDocument((doc) => ([doc.events[1]!.position, doc.events[2]!.position] = [3, 2])),
    expected: { eventIndex: 1, field: 'position', message: /expected position 2/ },
  },
  {
    name: 'a repeated position',
    text: editEvent(2, (e) => (e.position = 2)),
    expected: { eventIndex: 2, field: 'position', message: /expected position 3 .*found 2\./ },
  },
];

const ruleCases: HostileCase[] = [
  {
    name: 'a deposit before the account is opened',
    text: (layout) => new LogFixture().deposit('a', '5.00').open('a').text(layout),
    expected: { eventIndex: 0, field: 'data.accountId', message: /this deposit of 5\.00 is for account a, which is not opened before it in the file/ },
  },
  {
    name: 'a TransferSent with no TransferReceived at the end of the file',
    text: editDocument((doc) => reorder(doc, [0, 1, 2, 3])),
    expected: { eventIndex: 3, field: 'type', message: /this transfer has no TransferReceived after it: the file ends in the middle of it/ },
  },
  {
    name: 'a TransferSent followed by something other than its TransferReceived',
    text: (layout) => broken(basic().deposit('a', '1.00'), (doc) => reorder(doc, [0, 1, 2, 3, 5]), layout),
    expected: { eventIndex: 4, field: 'type', message: /expected the TransferReceived that completes the transfer at (line 5|event 4), found MoneyDeposited/ },
  },
  {
    name: 'a TransferReceived before its TransferSent',
    text: editDocument((doc) => reorder(doc, [0, 1, 2, 4, 3])),
    expected: { eventIndex: 3, field: 'type', message: /this TransferReceived has no TransferSent right before it/ },
  },
  {
    name: 'the two sides of a transfer disagreeing on the amount',
    text: editEvent(4, (e) => (e.data.amount = '31.00')),
    expected: { eventIndex: 4, field: 'data.amount', message: /this TransferReceived does not match the TransferSent before it \((line 5|event 4)\) in data\.amount/ },
  },
  {
    name: 'a withdrawal that overdraws on replay',
    text: (layout) => new LogFixture().open('a').deposit('a', '10.00').withdraw('a', '10.01').text(layout),
    expected: { eventIndex: 2, field: 'data.amount', message: /this withdrawal of 10\.01 EUR from .+ would overdraw the account, whose balance is 10\.00 EUR\./ },
  },
  {
    name: 'a transfer that overdraws on replay',
    text: (layout) => new LogFixture().open('a').open('b').transfer('a', 'b', '0.01').text(layout),
    expected: { eventIndex: 2, field: 'data.amount', message: /this transfer of 0\.01 EUR from .+ to .+ would overdraw the account, whose balance is 0\.00 EUR\./ },
  },
  {
    name: 'a deposit to a closed account',
    text: (layout) => new LogFixture().open('a').close('a', 'moved').deposit('a', '1.00').text(layout),
    expected: { eventIndex: 2, field: 'data.accountId', message: /this deposit of 1\.00 EUR into the account of .+ comes after the account of .+ was closed/ },
  },
  {
    name: 'closing an account that still holds money',
    text: (layout) => new LogFixture().open('a').deposit('a', '1.00').close('a').text(layout),
    expected: { eventIndex: 2, field: 'type', message: /this closes the account of .+ while it holds 1\.00 EUR; only an account with a zero balance can be closed/ },
  },
  {
    name: 'opening the same account twice',
    text: (layout) => new LogFixture().open('a').open('a').text(layout),
    expected: { eventIndex: 1, field: 'data.accountId', message: /this opens account a again: it was already opened for/ },
  },
  {
    name: 'a transfer across currencies',
    text: (layout) => new LogFixture().open('a').deposit('a', '5.00').open('u', 'Uma', 'USD').transfer('a', 'u', '1.00').text(layout),
    expected: { eventIndex: 3, field: 'data.toAccountId', message: /the two accounts hold different currencies/ },
  },
  {
    name: 'a transfer to the same account',
    text: (layout) => new LogFixture().open('a').deposit('a', '5.00').transfer('a', 'a', '1.00').text(layout),
    expected: { eventIndex: 2, field: 'data.toAccountId', message: /cannot transfer money to itself/ },
  },
];

export const RULE_CASES: HostileCase[] = [...orderCases, ...ruleCases];
