import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/domain/errors';
import { FUTURE_TOLERANCE_MS, LedgerCheck } from '../../../src/domain/ledger-check';
import { deposited, opened } from './fixtures';
import { checkLog, expectRefused, RawLog } from './raw-log';

/** A file no command could have written is refused: each rule below is one a command keeps on what it stores. */

describe('LedgerCheck: a command takes effect once', () => {
  it('refuses a command id that an earlier command used, naming where it took effect', () => {
    const log = new RawLog().open('a').deposit('a', '5.00').deposit('a', '6.00');
    log.at(2).metadata.commandId = log.at(1).metadata.commandId;
    log.at(2).metadata.at = log.at(1).metadata.at;
    // Right after its first use it reads as the same commit: a second deposit is no part of one.
    expectRefused(log.events, { eventIndex: 2, field: 'metadata.commandId', message: 'no command writes a MoneyDeposited and a MoneyDeposited together' });
    const later = new RawLog().open('a').deposit('a', '5.00').withdraw('a', '1.00').deposit('a', '6.00');
    later.at(3).metadata.commandId = later.at(1).metadata.commandId;
    expectRefused(later.events, { eventIndex: 3, field: 'metadata.commandId', message: 'command cmd-2 already took effect at event 2; a command takes effect once.' });
  });

  it('accepts the two commits that hold two events: an opening with its first deposit, and a transfer', () => {
    const log = new RawLog().record(opened('a'), deposited('a', '10.00')).open('b').transfer('a', 'b', '4.00');
    expect(checkLog(log.events).check.eventCount).toBe(5);
  });

  it('refuses a first deposit written under the opening’s command id to another account or at another time', () => {
    const other = new RawLog().open('b').record(opened('a'), deposited('b', '10.00'));
    expectRefused(other.events, { eventIndex: 2, field: 'metadata.commandId', message: 'must be written with its opening' });
    const later = new RawLog().record(opened('a'), deposited('a', '10.00'));
    later.at(1).metadata.at = '2026-01-01T10:00:00.000Z';
    expectRefused(later.events, { eventIndex: 1, field: 'metadata.commandId', message: 'same time' });
  });

  it('refuses the halves of a transfer whose descriptions differ', () => {
    const log = new RawLog().open('a').open('b').deposit('a', '9.00').transfer('a', 'b', '4.00');
    log.at(4).data.description = 'something else';
    expectRefused(log.events, { eventIndex: 4, field: 'data.description', message: 'does not match the TransferSent before it (event 4)' });
  });
});

describe('LedgerCheck: times', () => {
  const now = Date.parse('2026-01-01T12:00:00.000Z');
  const check = (log: RawLog) => {
    const ledger = new LedgerCheck({ now });
    log.events.forEach((event, index) => ledger.accept(event, index));
    ledger.finish();
  };

  it('accepts a time a little ahead of this device’s clock (another device’s clock)', () => {
    const log = new RawLog().open('a');
    log.at(0).metadata.at = new Date(now + FUTURE_TOLERANCE_MS).toISOString();
    expect(() => check(log)).not.toThrow();
  });

  it('refuses a time in the future on its own line, not on every later one', () => {
    const log = new RawLog().open('a').deposit('a', '1.00').deposit('a', '2.00');
    log.at(1).metadata.at = '2031-05-05T00:00:00.000Z';
    let refusal: unknown;
    try {
      check(log);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ImportError);
    expect((refusal as ImportError).path).toBe('events[1].metadata.at');
    expect((refusal as ImportError).message).toBe(
      "Event 2: time 2031-05-05T00:00:00.000Z lies in the future (this device's clock says 2026-01-01T12:00:00.000Z); no ledger could have written it yet. If this device's clock is behind, or the file's device ran ahead, set the clock right and try again.",
    );
  });
});

describe('LedgerCheck: values exactly as a command stores them', () => {
  it.each([
    ['10.5', '10.50'],
    ['010.50', '10.50'],
    ['10', '10.00'],
    ['0.5', '0.50'],
  ])('refuses the euro amount %j (a command writes %j)', (amount, canonical) => {
    const log = new RawLog().open('a').deposit('a', '1.00');
    log.at(1).data.amount = amount;
    expectRefused(log.events, { eventIndex: 1, field: 'data.amount', message: `the amount is written "${amount}"; the app writes EUR amounts as "${canonical}".` });
  });

  it('accepts amounts in each currency’s own form', () => {
    const log = new RawLog().open('y', 'JPY').deposit('y', '1500').open('k', 'KWD').deposit('k', '0.125').open('e').deposit('e', '0.05');
    expect(checkLog(log.events).check.eventCount).toBe(6);
  });

  it.each([
    ['data.ownerName', 0, '  Ada Lovelace'],
    ['data.ownerName', 0, 'Ada Lovelace '],
    ['data.description', 1, 'rent '],
  ])('refuses %s with spaces at an end, which a command trims (%#)', (field, index, value) => {
    const log = new RawLog().open('a').deposit('a', '1.00');
    const key = field.slice('data.'.length);
    log.at(index).data[key] = value;
    expectRefused(log.events, { eventIndex: index, field, message: 'starts or ends with spaces, which the app never stores' });
  });

  it('holds the owner name’s limit on the stored value: 120 characters, padding included', () => {
    const log = new RawLog().open('a');
    log.at(0).data.ownerName = `${'x'.repeat(120)} `;
    expectRefused(log.events, { eventIndex: 0, field: 'data.ownerName', message: 'starts or ends with spaces' });
    const longest = new RawLog().open('a');
    longest.at(0).data.ownerName = 'x'.repeat(120);
    expect(checkLog(longest.events).check.eventCount).toBe(1);
  });
});

describe('LedgerCheck: refusals in a person’s words', () => {
  it('names the account by its owner and the amounts as money, with the amounts for a screen to format', () => {
    const log = new RawLog().open('a').deposit('a', '80.25').withdraw('a', '1000.00');
    log.at(0).data.ownerName = 'Alice Example';
    const error = expectRefused(log.events, { eventIndex: 2, field: 'data.amount' });
    expect(error.message).toBe('Event 3: this withdrawal of 1000.00 EUR from Alice Example would overdraw the account, whose balance is 80.25 EUR.');
    expect(error.amounts).toEqual([
      { text: '1000.00 EUR', amount: '1000.00', currency: 'EUR' },
      { text: '80.25 EUR', amount: '80.25', currency: 'EUR' },
    ]);
  });

  it('counts lines as the file does when it is told where each event is', () => {
    const log = new RawLog().open('a').withdraw('a', '1.00');
    const check = new LedgerCheck({ placeOf: (index) => `line ${index + 2}` });
    check.accept(log.at(0), 0);
    expect(() => check.accept(log.at(1), 1)).toThrow(/^Line 3: this withdrawal of 1\.00 EUR from .* would overdraw the account, whose balance is 0\.00 EUR\.$/);
  });
});
