import { LogFixture, RAW_TEXT, basic, editDocument, editEvent, ownKey, withRaw, type FileEvent, type HostileCase } from './hostile-fixtures';

/** Files whose form is wrong: not a ledger export, malformed fields, hostile keys, absurd sizes. */

const amountCase = (name: string, amount: unknown, message: RegExp): HostileCase => ({
  name,
  text: editEvent(1, (e) => (e.data.amount = amount)),
  expected: { eventIndex: 1, field: 'data.amount', message },
});

const missingField = (field: keyof FileEvent & string): HostileCase => ({
  name: `an event without its "${field}" field`,
  text: editEvent(1, (e) => delete e[field]),
  expected: { eventIndex: 1, field, message: new RegExp(`${field}.*missing|missing.*${field}`) },
});

const documentCases: HostileCase[] = [
  { name: 'a file that is not JSON', text: () => 'account a: 100 EUR', layouts: RAW_TEXT, expected: { message: /not valid JSON/ } },
  { name: 'an empty file', text: () => '', layouts: RAW_TEXT, expected: { message: /not valid JSON/ } },
  { name: 'an empty object', text: () => '{}', layouts: RAW_TEXT, expected: { message: /"format" must be "ledger-events"/ } },
  { name: 'a JSON array at the top', text: () => '[]', layouts: RAW_TEXT, expected: { message: /expected a JSON object at the top/ } },
  { name: 'a file cut off in the middle of an event', text: (layout) => basic().text(layout).slice(0, 300), expected: { message: /not valid JSON/ } },
  {
    name: 'a file cut off after a whole event line',
    text: () => basic().text('line-per-event').split('\n').slice(0, 3).join('\n'),
    layouts: RAW_TEXT,
    expected: { message: /not valid JSON/ },
  },
  {
    name: 'another format name',
    text: editDocument((doc) => (doc.format = 'bank-statement')),
    expected: { message: /"format" must be "ledger-events"/ },
  },
  {
    name: 'a future format version',
    text: editDocument((doc) => (doc.version = 2)),
    expected: { message: /version 2 is not supported/ },
  },
  {
    name: 'events that are not an array',
    text: editDocument((doc) => ((doc as Record<string, unknown>).events = { 0: doc.events[0] })),
    expected: { message: /"events" must be an array/ },
  },
  {
    name: 'an eventCount that disagrees with the events',
    text: editDocument((doc) => (doc.eventCount = 7)),
    expected: { message: /"eventCount" says 7 but the file holds 5 events/ },
  },
  {
    name: 'an unknown top-level field',
    text: editDocument((doc) => (doc.signature = 'trust me')),
    expected: { message: /Unknown top-level field "signature"/ },
  },
  {
    name: 'a top-level "__proto__" key',
    text: editDocument((doc) => ownKey(doc, '__proto__', { polluted: true })),
    expected: { message: /Unknown top-level field "__proto__"/ },
  },
];

const amountCases: HostileCase[] = [
  {
    name: 'an amount of 1e400 as a JSON number',
    text: withRaw(1, (e, p) => (e.data.amount = p), '1e400'),
    expected: { eventIndex: 1, field: 'data.amount', message: /must be a decimal string/ },
  },
  amountCase('a 40-digit amount', '1234567890123456789012345678901234567890', /too large/),
  amountCase('an amount written as a JSON float', 10.5, /must be a decimal string such as "12.50", not the number 10.5/),
  amountCase('an amount with too many decimals', '10.001', /at most 2 decimal places/),
  amountCase('a negative amount', '-5.00', /greater than zero/),
  amountCase('a zero amount', '0.00', /greater than zero/),
  amountCase('the amount "NaN"', 'NaN', /"NaN" is not an amount/),
  amountCase('the amount "Infinity"', 'Infinity', /"Infinity" is not an amount/),
  amountCase('an amount in exponent notation', '1e3', /"1e3" is not an amount/),
  {
    name: 'decimals on a currency without a minor unit',
    text: (layout) => new LogFixture().open('y', 'Yoko', 'JPY').deposit('y', '5.5').text(layout),
    expected: { eventIndex: 1, field: 'data.amount', message: /JPY has no minor unit/ },
  },
];

const shapeCases: HostileCase[] = [
  {
    name: 'an event that is null',
    text: editDocument((doc) => (doc.events[0] = null as unknown as FileEvent)),
    expected: { eventIndex: 0, message: /an event must be a JSON object/ },
  },
  {
    name: 'a position of 1e400',
    text: withRaw(2, (e, p) => (e.position = p), '1e400'),
    expected: { eventIndex: 2, field: 'position', message: /expected position 3 .*found Infinity/ },
  },
  {
    name: 'a version written as a string',
    text: editEvent(1, (e) => (e.version = '2')),
    expected: { eventIndex: 1, field: 'version', message: /expects version 2 next, found "2"/ },
  },
  {
    name: 'data that is an array',
    text: editEvent(1, (e) => (e.data = ['a', '100.00'] as unknown as Record<string, unknown>)),
    expected: { eventIndex: 1, field: 'data', message: /data must be a JSON object/ },
  },
  ...(['position', 'streamId', 'version', 'type', 'schemaVersion', 'data', 'metadata'] as const).map(missingField),
  {
    name: 'an unknown field on an event',
    text: editEvent(2, (e) => (e.comment = 'hi')),
    expected: { eventIndex: 2, field: 'comment', message: /unknown field "comment"/ },
  },
  {
    name: 'an unknown field in event data',
    text: editEvent(1, (e) => (e.data.note = 'extra')),
    expected: { eventIndex: 1, field: 'data.note', message: /data.note is not a field of MoneyDeposited/ },
  },
  {
    name: 'an unknown field in event metadata',
    text: editEvent(1, (e) => (e.metadata.userAgent = 'x')),
    expected: { eventIndex: 1, field: 'metadata.userAgent', message: /unknown field "metadata.userAgent"/ },
  },
  {
    name: 'a stream id with spaces',
    text: editEvent(0, (e) => (e.streamId = 'a b')),
    expected: { eventIndex: 0, field: 'streamId', message: /letters, digits/ },
  },
  {
    name: 'a stream id that differs from data.accountId',
    text: editEvent(2, (e) => (e.data.accountId = 'c')),
    expected: { eventIndex: 2, field: 'data.accountId', message: /does not match streamId b/ },
  },
  {
    name: 'an unknown currency',
    text: editEvent(0, (e) => (e.data.currency = 'XYZ')),
    expected: { eventIndex: 0, field: 'data.currency', message: /Unknown currency "XYZ"/ },
  },
  {
    name: 'a NUL character in an owner name',
    text: editEvent(0, (e) => (e.data.ownerName = 'Ada\u0000Lovelace')),
    expected: { eventIndex: 0, field: 'data.ownerName', message: /owner’s name contains a NUL character \(U\+0000\), which cannot be stored/ },
  },
  {
    name: 'half of a character pair in a description',
    text: editEvent(1, (e) => (e.data.description = 'Rent \ud800')),
    expected: { eventIndex: 1, field: 'data.description', message: /contains a broken character \(U\+D800\), which cannot be stored/ },
  },
  {
    name: 'a time that is not a time',
    text: editEvent(1, (e) => (e.metadata.at = 'yesterday')),
    expected: { eventIndex: 1, field: 'metadata.at', message: /ISO-8601/ },
  },
  {
    name: 'a time earlier than the event before',
    text: editEvent(2, (e) => (e.metadata.at = '2020-01-01T00:00:00.000Z')),
    expected: { eventIndex: 2, field: 'metadata.at', message: /earlier than the event before/ },
  },
  {
    name: 'an unknown event type',
    text: editEvent(1, (e) => (e.type = 'MoneyPrinted')),
    expected: { eventIndex: 1, field: 'type', code: 'UNKNOWN_EVENT_TYPE', message: /Unknown event type "MoneyPrinted"/ },
  },
  {
    name: 'a future schema version',
    text: editEvent(1, (e) => (e.schemaVersion = 99)),
    expected: { eventIndex: 1, field: 'schemaVersion', message: /newer than this app understands/ },
  },
  {
    name: 'a schema version of zero',
    text: editEvent(1, (e) => (e.schemaVersion = 0)),
    expected: { eventIndex: 1, field: 'schemaVersion', message: /expected a whole number from 1 to 2/ },
  },
];

const hostileKeyCases: HostileCase[] = [
  {
    name: 'a "__proto__" key in event data',
    text: editEvent(1, (e) => ownKey(e.data, '__proto__', { polluted: true })),
    expected: { eventIndex: 1, field: 'data.__proto__', message: /data.__proto__ is not a field of MoneyDeposited/ },
  },
  {
    name: 'a "constructor" key in event data',
    text: editEvent(1, (e) => ownKey(e.data, 'constructor', { prototype: { polluted: true } })),
    expected: { eventIndex: 1, field: 'data.constructor', message: /data.constructor is not a field/ },
  },
  {
    name: 'a "__proto__" key on an event',
    text: editEvent(0, (e) => ownKey(e, '__proto__', { polluted: true })),
    expected: { eventIndex: 0, field: '__proto__', message: /unknown field "__proto__"/ },
  },
  {
    name: 'a "__proto__" key in event metadata',
    text: editEvent(2, (e) => ownKey(e.metadata, '__proto__', { polluted: true })),
    expected: { eventIndex: 2, field: 'metadata.__proto__', message: /unknown field "metadata.__proto__"/ },
  },
];

const LONG = 'x'.repeat(100_000);
const longCases: HostileCase[] = [
  {
    name: 'an owner name of 100,000 characters',
    text: editEvent(2, (e) => (e.data.ownerName = LONG)),
    expected: { eventIndex: 2, field: 'data.ownerName', message: /too long \(at most 120 characters\)/ },
  },
  {
    name: 'a description of 100,000 characters',
    text: editEvent(1, (e) => (e.data.description = LONG)),
    expected: { eventIndex: 1, field: 'data.description', message: /too long \(at most 500 characters\)/ },
  },
  {
    name: 'an event type of 100,000 characters',
    text: editEvent(1, (e) => (e.type = LONG)),
    expected: { eventIndex: 1, field: 'type', message: /Unknown event type "xxxx/ },
  },
  {
    name: 'a top-level field name of 100,000 characters',
    text: editDocument((doc) => (doc[LONG] = 1)),
    expected: { message: /Unknown top-level field "xxxx/ },
  },
  {
    name: 'a format version of 100,000 characters',
    text: editDocument((doc) => (doc.version = LONG)),
    expected: { message: /Export format version "xxxx.*is not supported/ },
  },
  {
    name: 'a currency of 100,000 characters',
    text: editEvent(0, (e) => (e.data.currency = LONG)),
    expected: { eventIndex: 0, field: 'data.currency', message: /Unknown currency "xxxx/ },
  },
];

export const SHAPE_CASES: HostileCase[] = [...documentCases, ...amountCases, ...shapeCases, ...hostileKeyCases, ...longCases];
