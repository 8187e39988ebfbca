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
    expected: { eventIndex: 0, field: 'data.accountId', message: /Account a does not exist/ },
  },
  {
    name: 'a TransferSent with no TransferReceived at the end of the file',
    text: editDocument((doc) => reorder(doc, [0, 1, 2, 3])),
    expected: { eventIndex: 3, field: 'type', message: /TransferSent has no matching TransferReceived/ },
  },
  {
    name: 'a TransferSent followed by something other than its TransferReceived',
    text: (layout) => broken(basic().deposit('a', '1.00'), (doc) => reorder(doc, [0, 1, 2, 3, 5]), layout),
    expected: { eventIndex: 4, field: 'type', message: /expected the TransferReceived that completes the transfer at events\[3\]/ },
  },
  {
    name: 'a TransferReceived before its TransferSent',
    text: editDocument((doc) => reorder(doc, [0, 1, 2, 4, 3])),
    expected: { eventIndex: 3, field: 'type', message: /TransferReceived without the TransferSent right before it/ },
  },
  {
    name: 'the two sides of a transfer disagreeing on the amount',
    text: editEvent(4, (e) => (e.data.amount = '31.00')),
    expected: { eventIndex: 4, field: 'data.amount', message: /does not match the TransferSent at events\[3\]/ },
  },
  {
    name: 'a withdrawal that overdraws on replay',
    text: (layout) => new LogFixture().open('a').deposit('a', '10.00').withdraw('a', '10.01').text(layout),
    expected: { eventIndex: 2, field: 'data.amount', message: /Insufficient funds: the balance is 10.00 EUR, 10.01 EUR was requested/ },
  },
  {
    name: 'a transfer that overdraws on replay',
    text: (layout) => new LogFixture().open('a').open('b').transfer('a', 'b', '0.01').text(layout),
    expected: { eventIndex: 2, field: 'data.amount', message: /Insufficient funds/ },
  },
  {
    name: 'a deposit to a closed account',
    text: (layout) => new LogFixture().open('a').close('a', 'moved').deposit('a', '1.00').text(layout),
    expected: { eventIndex: 2, field: 'data.accountId', message: /Account a is closed/ },
  },
  {
    name: 'closing an account that still holds money',
    text: (layout) => new LogFixture().open('a').deposit('a', '1.00').close('a').text(layout),
    expected: { eventIndex: 2, field: 'type', message: /zero balance can be closed; this one holds 1.00 EUR/ },
  },
  {
    name: 'opening the same account twice',
    text: (layout) => new LogFixture().open('a').open('a').text(layout),
    expected: { eventIndex: 1, field: 'data.accountId', message: /Account a already exists/ },
  },
  {
    name: 'a transfer across currencies',
    text: (layout) => new LogFixture().open('a').deposit('a', '5.00').open('u', 'Uma', 'USD').transfer('a', 'u', '1.00').text(layout),
    expected: { eventIndex: 3, field: 'data.toAccountId', message: /Cannot transfer EUR to an account held in USD/ },
  },
  {
    name: 'a transfer to the same account',
    text: (layout) => new LogFixture().open('a').deposit('a', '5.00').transfer('a', 'a', '1.00').text(layout),
    expected: { eventIndex: 2, field: 'data.toAccountId', message: /cannot transfer money to itself/ },
  },
];

export const RULE_CASES: HostileCase[] = [...orderCases, ...ruleCases];
