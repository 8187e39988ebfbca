import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/domain/account';
import { EventSchemaError } from '../../../src/domain/errors';
import { EVENT_TYPES, SCHEMA_VERSIONS, type AccountEvent } from '../../../src/domain/events';
import { upcast } from '../../../src/domain/upcast';

function refusal(type: unknown, schemaVersion: unknown): EventSchemaError {
  try {
    upcast(type, schemaVersion, { accountId: 'a' });
  } catch (error) {
    expect(error).toBeInstanceOf(EventSchemaError);
    return error as EventSchemaError;
  }
  throw new Error(`upcast accepted ${JSON.stringify(type)} at schema version ${JSON.stringify(schemaVersion)}`);
}

describe('upcasting older events', () => {
  it('reads a v1 AccountOpened {owner} as the current {ownerName}', () => {
    const v1 = { accountId: 'a', owner: 'Ada Lovelace', currency: 'EUR' };
    expect(upcast('AccountOpened', 1, v1)).toEqual({
      type: 'AccountOpened',
      data: { accountId: 'a', ownerName: 'Ada Lovelace', currency: 'EUR' },
    });
  });

  it.each(['MoneyDeposited', 'MoneyWithdrawn'])('gives a v1 %s without description an empty description', (type) => {
    expect(upcast(type, 1, { accountId: 'a', amount: '5.00' })).toEqual({
      type,
      data: { accountId: 'a', amount: '5.00', description: '' },
    });
  });

  it('passes an event already at the current schema version through unchanged', () => {
    const data = { accountId: 'a', amount: '5.00', description: 'rent' };
    expect(upcast('MoneyWithdrawn', SCHEMA_VERSIONS.MoneyWithdrawn, data)).toEqual({ type: 'MoneyWithdrawn', data });
  });

  it('never rewrites the stored data it lifts', () => {
    const stored = Object.freeze({ accountId: 'a', owner: 'Ada', currency: 'EUR' });
    upcast('AccountOpened', 1, stored);
    expect(stored).toEqual({ accountId: 'a', owner: 'Ada', currency: 'EUR' });
  });

  it('has a path from every older schema version of every event type to the current one', () => {
    for (const type of EVENT_TYPES) {
      for (let version = 1; version < SCHEMA_VERSIONS[type]; version++) {
        expect(() => upcast(type, version, { accountId: 'a' }), `${type} v${version}`).not.toThrow();
      }
    }
  });

  it('replays a history written in old shapes to the same state as the current shapes', () => {
    const old = [
      upcast('AccountOpened', 1, { accountId: 'a', owner: 'Ada', currency: 'EUR' }),
      upcast('MoneyDeposited', 1, { accountId: 'a', amount: '10.00' }),
      upcast('MoneyWithdrawn', 1, { accountId: 'a', amount: '2.50' }),
    ] as AccountEvent[];
    const state = replay(old);
    expect(state).toMatchObject({ status: 'open', ownerName: 'Ada', currency: 'EUR' });
    expect(state.status === 'open' && state.balance.toFixed(2)).toBe('7.50');
  });
});

describe('refusing events the app cannot read', () => {
  it('names an unknown event type', () => {
    const error = refusal('MoneyBurned', 1);
    expect(error.code).toBe('UNKNOWN_EVENT_TYPE');
    expect(error.message).toBe('Unknown event type "MoneyBurned".');
  });

  it.each([undefined, 42, 'toString', '__proto__', 'accountopened'])('refuses %j as an event type', (type) => {
    expect(refusal(type, 1).code).toBe('UNKNOWN_EVENT_TYPE');
  });

  it('refuses a schema version newer than the app, telling the person to update', () => {
    const error = refusal('MoneyDeposited', SCHEMA_VERSIONS.MoneyDeposited + 1);
    expect(error.code).toBe('UNSUPPORTED_SCHEMA_VERSION');
    expect(error.message).toBe('MoneyDeposited schema version 3 is newer than this app understands (2); update the app.');
  });

  it.each([0, -1, 1.5, Number.NaN, '1', null, undefined])('refuses the schema version %j', (version) => {
    const error = refusal('AccountClosed', version);
    expect(error.code).toBe('UNSUPPORTED_SCHEMA_VERSION');
    expect(error.message).toContain('expected a whole number from 1 to 1');
  });
});
