import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/domain/errors';
import { checkLog, expectRefused, RawLog, type RawEvent } from './raw-log';

/** events[0] opens account a, events[1] and events[2] deposit into it. */
const smallLog = (): RawLog => new RawLog().open('a').deposit('a', '10.00').deposit('a', '5.00');

/** The object holding `path` ("version", "data.amount", "metadata.at") and the key within it. */
function locate(event: RawEvent, path: string): [Record<string, unknown>, string] {
  const [head, key] = path.split('.') as [string, string | undefined];
  if (key === undefined) return [event as unknown as Record<string, unknown>, head];
  return [event[head as 'data' | 'metadata'], key];
}

describe('LedgerCheck: the envelope of each event', () => {
  it('accepts the small log the other tests break', () => {
    expect(checkLog(smallLog().events).recorded).toHaveLength(3);
  });

  it('refuses a position out of order', () => {
    const log = smallLog();
    log.at(2).position = 4;
    expectRefused(log.events, { eventIndex: 2, field: 'position', message: /expected position 3.*found 4/ });
  });

  it('refuses a position written as a string', () => {
    const log = smallLog();
    log.at(1).position = '2';
    expectRefused(log.events, { eventIndex: 1, field: 'position' });
  });

  it('refuses a gap in a stream’s versions', () => {
    const log = smallLog();
    log.at(2).version = 4;
    expectRefused(log.events, { eventIndex: 2, field: 'version', message: 'stream a expects version 3 next, found 4' });
  });

  it('refuses a repeated version', () => {
    const log = smallLog();
    log.at(2).version = 2;
    expectRefused(log.events, { eventIndex: 2, field: 'version', message: 'expects version 3 next, found 2' });
  });

  it('refuses a stream id that is not an id', () => {
    const log = smallLog();
    log.at(1).streamId = 'a b';
    expectRefused(log.events, { eventIndex: 1, field: 'streamId', message: 'streamId must be 1-64 letters' });
  });

  it('refuses data that belongs to another stream', () => {
    const log = smallLog().open('b');
    log.at(2).data.accountId = 'b';
    expectRefused(log.events, { eventIndex: 2, field: 'data.accountId', message: 'does not match streamId a' });
  });

  it.each([null, [], 'event', 7])('refuses %j in place of an event', (notAnEvent) => {
    const events: unknown[] = smallLog().events;
    events[1] = notAnEvent;
    expectRefused(events, { eventIndex: 1, field: '', message: 'an event must be a JSON object' });
  });

  it.each([
    ['data', []],
    ['metadata', 'cmd-1'],
  ] as const)('refuses a %s that is not an object', (field, value) => {
    const log = smallLog();
    (log.at(1) as unknown as Record<string, unknown>)[field] = value;
    expectRefused(log.events, { eventIndex: 1, field, message: `${field} must be a JSON object` });
  });

  it.each([
    ['position', 'the field "position" is missing'],
    ['streamId', 'the field "streamId" is missing'],
    ['version', 'the field "version" is missing'],
    ['type', 'the field "type" is missing'],
    ['schemaVersion', 'the field "schemaVersion" is missing'],
    ['data', 'the field "data" is missing'],
    ['metadata', 'the field "metadata" is missing'],
    ['metadata.eventId', 'the field "metadata.eventId" is missing'],
    ['metadata.commandId', 'the field "metadata.commandId" is missing'],
    ['metadata.at', 'the field "metadata.at" is missing'],
    ['data.accountId', 'data.accountId must be 1-64 letters'],
    ['data.amount', 'The data.amount is missing'],
    ['data.description', 'data.description must be a string'],
  ])('refuses an event without %s, naming it', (path, message) => {
    const log = smallLog();
    const [holder, key] = locate(log.at(1), path);
    delete holder[key];
    expectRefused(log.events, { eventIndex: 1, field: path, message });
  });

  it.each([
    ['extra', 'at the top level'],
    ['data.note', 'in data'],
    ['metadata.user', 'in metadata'],
  ])('refuses the unknown field %s (%s)', (path) => {
    const log = smallLog();
    const [holder, key] = locate(log.at(2), path);
    holder[key] = 'x';
    expectRefused(log.events, { eventIndex: 2, field: path, message: path });
  });
});

describe('LedgerCheck: amounts in data', () => {
  it('refuses an amount written as a JSON number', () => {
    const log = smallLog();
    log.at(1).data.amount = 10;
    expectRefused(log.events, { eventIndex: 1, field: 'data.amount', message: 'must be a decimal string such as "12.50", not the number 10' });
  });

  it('refuses an amount with more decimals than the account’s currency', () => {
    const log = smallLog();
    log.at(2).data.amount = '5.001';
    expectRefused(log.events, { eventIndex: 2, field: 'data.amount', message: 'EUR amounts have at most 2 decimal places' });
  });

  it('refuses decimals on a yen account that a euro account would take', () => {
    const log = new RawLog().open('y', 'JPY').deposit('y', '500');
    log.at(1).data.amount = '500.00';
    expectRefused(log.events, { eventIndex: 1, field: 'data.amount', message: 'JPY has no minor unit' });
  });

  it.each(['-5.00', '0.00', '1e3', ''])('refuses the amount %j', (amount) => {
    const log = smallLog();
    log.at(2).data.amount = amount;
    expectRefused(log.events, { eventIndex: 2, field: 'data.amount', message: /amount/ });
  });

  it('refuses a description that is not text', () => {
    const log = smallLog();
    log.at(1).data.description = 42;
    expectRefused(log.events, { eventIndex: 1, field: 'data.description', message: 'must be a string' });
  });
});

describe('LedgerCheck: metadata', () => {
  it('refuses a duplicate event id', () => {
    const log = smallLog();
    log.at(2).metadata.eventId = log.at(1).metadata.eventId;
    expectRefused(log.events, { eventIndex: 2, field: 'metadata.eventId', message: 'duplicate event id evt-2' });
  });

  it('refuses a command id that is not an id', () => {
    const log = smallLog();
    log.at(1).metadata.commandId = 'cmd 1';
    expectRefused(log.events, { eventIndex: 1, field: 'metadata.commandId' });
  });

  it('refuses time going backwards', () => {
    const log = smallLog();
    log.at(2).metadata.at = '2026-01-01T08:59:59.999Z';
    expectRefused(log.events, { eventIndex: 2, field: 'metadata.at', message: /earlier than the event before it \(2026-01-01T09:00:02\.000Z\)/ });
  });

  it('compares times as instants, not as text, when the milliseconds are written differently', () => {
    const backwards = smallLog();
    backwards.at(1).metadata.at = '2026-01-01T09:00:05.900Z';
    backwards.at(2).metadata.at = '2026-01-01T09:00:05Z';
    expectRefused(backwards.events, { eventIndex: 2, field: 'metadata.at', message: 'earlier' });

    const forwards = smallLog();
    forwards.at(1).metadata.at = '2026-01-01T09:00:05Z';
    forwards.at(2).metadata.at = '2026-01-01T09:00:05.5Z';
    expect(checkLog(forwards.events).recorded).toHaveLength(3);
  });

  it('accepts two events at the same instant', () => {
    const log = smallLog();
    log.at(2).metadata.at = log.at(1).metadata.at;
    expect(checkLog(log.events).recorded).toHaveLength(3);
  });

  it.each([
    'yesterday',
    '2026-01-01 09:00:00',
    '2026-01-01T09:00:00',
    '2026-01-01T09:00:00+01:00',
    '2026-01-01T09:00:00.0001Z',
    '2026-02-30T09:00:00.000Z',
    '2026-13-01T09:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    1767258000000,
    null,
  ])('refuses the time %j', (at) => {
    const log = smallLog();
    log.at(1).metadata.at = at;
    expectRefused(log.events, { eventIndex: 1, field: 'metadata.at', message: 'must be an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z' });
  });
});

describe('LedgerCheck: types and schema versions', () => {
  it('refuses an unknown event type, naming it, with its own code', () => {
    const log = smallLog();
    log.at(2).type = 'MoneyBurned';
    const error = expectRefused(log.events, { eventIndex: 2, field: 'type', message: 'Unknown event type "MoneyBurned"' });
    expect(error.code).toBe('UNKNOWN_EVENT_TYPE');
  });

  it('refuses a schema version newer than the app', () => {
    const log = smallLog();
    log.at(2).schemaVersion = 3;
    expectRefused(log.events, { eventIndex: 2, field: 'schemaVersion', message: 'newer than this app understands' });
  });

  it('refuses a schema version that is not a whole number', () => {
    const log = smallLog();
    log.at(2).schemaVersion = 1.5;
    expectRefused(log.events, { eventIndex: 2, field: 'schemaVersion', message: 'expected a whole number from 1 to 2' });
  });
});

describe('LedgerCheck: __proto__ keys', () => {
  const parsed = (): RawEvent[] => JSON.parse(JSON.stringify(smallLog().events)) as RawEvent[];

  it.each([
    ['data', '{"accountId":"a","amount":"5.00","description":"","__proto__":{"polluted":"yes"}}'],
    ['metadata', '{"eventId":"evt-3","commandId":"cmd-3","at":"2026-01-01T09:00:03.000Z","__proto__":{"polluted":"yes"}}'],
  ] as const)('refuses a __proto__ key in %s and pollutes nothing', (part, json) => {
    const events = parsed();
    events[2]![part] = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(events[2]![part])).toContain('__proto__');
    expectRefused(events, { eventIndex: 2, field: `${part}.__proto__` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a __proto__ key at the top level', () => {
    const events: unknown[] = parsed();
    events[2] = JSON.parse(JSON.stringify(events[2]).replace(/^\{/, '{"__proto__":{"polluted":"yes"},'));
    const error = expectRefused(events, { eventIndex: 2, field: '__proto__' });
    expect(error).toBeInstanceOf(ImportError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
