import Decimal from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evolve, initialState, replay, type AccountState } from '../../../src/domain/account';
import { ValidationError } from '../../../src/domain/errors';
import { amountOf } from '../../../src/domain/events';
import { CURRENCIES, checkAmount, fromMinorUnits as formatMinorUnits, parseAmount, parseCurrency, toAmountString, toMinorUnits, type Currency } from '../../../src/domain/money';
import { closed, deposited, opened, received, sent, withdrawn } from './fixtures';

function balanceOf(state: AccountState): string {
  if (state.status === 'none') throw new Error('expected an opened account');
  return toAmountString(state.balance, state.currency);
}

/** Formats a whole number of minor units as a decimal string, by string arithmetic only. */
function fromMinorUnits(units: bigint, digits: number): string {
  if (digits === 0) return units.toString();
  const text = units.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

describe('parseAmount and toAmountString', () => {
  it('returns a Decimal, never a JS number', () => {
    const amount = parseAmount('12.50', 'EUR');
    expect(Decimal.isDecimal(amount)).toBe(true);
    expect(amount.toFixed()).toBe('12.5');
  });

  it.each<[string, Currency, string]>([
    ['10', 'EUR', '10.00'],
    ['0.1', 'USD', '0.10'],
    ['007.5', 'EUR', '7.50'],
    ['500', 'JPY', '500'],
    ['1.5', 'KWD', '1.500'],
    ['999999999999999.99', 'EUR', '999999999999999.99'],
  ])('writes %j %s at rest as %j', (input, currency, expected) => {
    expect(toAmountString(parseAmount(input, currency), currency)).toBe(expected);
  });

  it('keeps a 15-digit amount exact where a float would round it', () => {
    const text = '999999999999999.99';
    expect(String(Number(text))).not.toBe(text);
    expect(toAmountString(parseAmount(text, 'EUR'), 'EUR')).toBe(text);
  });

  it.each([
    [12.5, 'AMOUNT_NOT_A_NUMBER', 'must be a decimal string such as "12.50", not the number 12.5'],
    [null, 'AMOUNT_NOT_A_NUMBER', 'must be a decimal string such as "12.50", not null'],
    [{ value: '1' }, 'AMOUNT_NOT_A_NUMBER', 'not an object'],
    [undefined, 'AMOUNT_REQUIRED', 'The data.amount is missing; enter an amount'],
  ])('refuses the non-string %j, saying what it found', (input, code, message) => {
    let refusal: unknown;
    try {
      parseAmount(input, 'EUR', 'data.amount');
    } catch (caught) {
      refusal = caught;
    }
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal).toMatchObject({ code, field: 'data.amount' });
    expect((refusal as ValidationError).message).toContain(message);
  });

  it('knows the minor digits of every currency it offers', () => {
    expect(CURRENCIES).toMatchObject({ EUR: 2, USD: 2, JPY: 0, KWD: 3 });
    for (const currency of Object.keys(CURRENCIES)) expect(parseCurrency(currency)).toBe(currency);
  });

  it('refuses an unknown currency given as a number', () => {
    expect(() => parseCurrency(978)).toThrow(/Unknown currency 978; use one of EUR/);
  });
});

describe('evolve and replay', () => {
  it('starts from no account', () => {
    expect(replay([])).toEqual(initialState);
  });

  it('opens with a zero balance in the account’s currency', () => {
    const state = replay([opened('a', 'KWD', 'Ada')]);
    expect(state).toMatchObject({ status: 'open', accountId: 'a', ownerName: 'Ada', currency: 'KWD' });
    expect(balanceOf(state)).toBe('0.000');
  });

  it('adds deposits and transfers in, subtracts withdrawals and transfers out', () => {
    const state = replay([
      opened('a'),
      deposited('a', '100.00'),
      withdrawn('a', '30.25'),
      received('a', 'b', '5.50'),
      sent('a', 'b', '20.00'),
    ]);
    expect(balanceOf(state)).toBe('55.25');
  });

  it('keeps owner, currency and balance when the account closes', () => {
    const state = replay([opened('a'), deposited('a', '1.00'), withdrawn('a', '1.00'), closed('a')]);
    expect(state).toMatchObject({ status: 'closed', accountId: 'a', currency: 'EUR' });
    expect(balanceOf(state)).toBe('0.00');
  });

  it('adds 0.10 and 0.20 to exactly 0.30', () => {
    const state = replay([opened('a'), deposited('a', '0.10'), deposited('a', '0.20')]);
    expect(state.status === 'open' && state.balance.eq('0.3')).toBe(true);
    expect(balanceOf(state)).toBe('0.30');
  });

  it('sums ten thousand cents to exactly 100.00 and takes them away to exactly zero', () => {
    const cents = Array.from({ length: 10_000 }, () => deposited('a', '0.01'));
    const full = replay(cents, replay([opened('a')]));
    expect(balanceOf(full)).toBe('100.00');
    const empty = replay(Array.from({ length: 10_000 }, () => withdrawn('a', '0.01')), full);
    expect(empty.status === 'open' && empty.balance.isZero()).toBe(true);
  });

  it('keeps the largest balances exact', () => {
    const state = replay([opened('a'), deposited('a', '999999999999999.99'), deposited('a', '999999999999999.99')]);
    expect(balanceOf(state)).toBe('1999999999999999.98');
  });

  it('agrees with integer arithmetic in minor units for any sequence of deposits and withdrawals', () => {
    const currencies = fc.constantFrom<Currency>('EUR', 'JPY', 'KWD');
    const moves = fc.array(fc.tuple(fc.boolean(), fc.bigInt({ min: 1n, max: 10n ** 17n })), { maxLength: 60 });
    fc.assert(
      fc.property(currencies, moves, (currency, steps) => {
        const digits = CURRENCIES[currency];
        let expected = 0n;
        let state = replay([opened('a', currency)]);
        for (const [isDeposit, units] of steps) {
          const amount = fromMinorUnits(units, digits);
          expected += isDeposit ? units : -units;
          state = evolve(state, isDeposit ? deposited('a', amount) : withdrawn('a', amount));
        }
        const sign = expected < 0n ? '-' : '';
        expect(balanceOf(state)).toBe(sign + fromMinorUnits(expected < 0n ? -expected : expected, digits));
      }),
    );
  });

  it('does not change the state it folds from', () => {
    const before = replay([opened('a'), deposited('a', '5.00')]);
    evolve(before, withdrawn('a', '5.00'));
    expect(balanceOf(before)).toBe('5.00');
  });

  it('reports the amount an event moves, and none for opening and closing', () => {
    expect(amountOf(deposited('a', '1.50'))).toBe('1.50');
    expect(amountOf(sent('a', 'b', '2.00'))).toBe('2.00');
    expect(amountOf(opened('a'))).toBeNull();
    expect(amountOf(closed('a'))).toBeNull();
  });
});

describe('minor units', () => {
  const currencies = Object.keys(CURRENCIES) as Currency[];

  it('turns every amount the currency accepts into the whole number of minor units Decimal gives, and back', () => {
    fc.assert(
      fc.property(fc.constantFrom(...currencies), fc.stringMatching(/^\d{1,15}(\.\d{1,3})?$/), (currency, amount) => {
        fc.pre(/[1-9]/.test(amount) && (amount.split('.')[1]?.length ?? 0) <= CURRENCIES[currency]);
        const units = toMinorUnits(checkAmount(amount, currency), currency);
        expect(typeof units).toBe('bigint');
        expect(units.toString()).toBe(new Decimal(amount).times(new Decimal(10).pow(CURRENCIES[currency])).toFixed(0));
        expect(formatMinorUnits(units, currency)).toBe(toAmountString(new Decimal(amount), currency));
      }),
      { numRuns: 500 },
    );
  });

  it.each<[bigint, Currency, string]>([
    [0n, 'EUR', '0.00'],
    [5n, 'EUR', '0.05'],
    [-5n, 'EUR', '-0.05'],
    [123456n, 'EUR', '1234.56'],
    [7n, 'JPY', '7'],
    [1n, 'KWD', '0.001'],
  ])('writes %s minor units of %s as %s', (units, currency, text) => {
    expect(formatMinorUnits(units, currency)).toBe(text);
  });
});
