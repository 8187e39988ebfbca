import Decimal from 'decimal.js';
import { ValidationError, quoted } from './errors';

/**
 * A private Decimal constructor: enough significant digits that sums of any
 * realistic ledger are exact, without changing the library's global settings.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type Money = Decimal;

/** ISO 4217 minor-unit digits of the currencies the ledger offers. */
export const CURRENCIES = {
  EUR: 2,
  USD: 2,
  GBP: 2,
  CHF: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  JPY: 0,
  KWD: 3,
} as const;
export type Currency = keyof typeof CURRENCIES;

export const MAX_INTEGER_DIGITS = 15;
const DECIMAL_STRING = /^(\d+)(?:\.(\d+))?$/;
const NON_ZERO_DIGIT = /[1-9]/;

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CURRENCIES, value);
}

export function parseCurrency(value: unknown, field = 'currency'): Currency {
  if (!isCurrency(value)) {
    throw new ValidationError(
      'CURRENCY_UNKNOWN',
      field,
      `Unknown currency ${quoted(value)}; use one of ${Object.keys(CURRENCIES).join(', ')}.`,
    );
  }
  return value;
}

export function minorDigits(currency: Currency): number {
  return CURRENCIES[currency];
}

/**
 * Turns the text a person typed (or an imported string) into an exact amount.
 * Only plain decimal strings are accepted: no sign, no exponent, no floats.
 */
export function parseAmount(input: unknown, currency: Currency, field = 'amount'): Money {
  return new Money(checkAmount(input, currency, field));
}

/**
 * The checks of parseAmount without building a Decimal: import runs them on
 * every event, and the string is all it needs to keep.
 */
export function checkAmount(input: unknown, currency: Currency, field = 'amount'): string {
  if (input === undefined || input === '') {
    throw new ValidationError(
      'AMOUNT_REQUIRED',
      field,
      `The ${field} is ${input === '' ? 'empty' : 'missing'}; enter an amount such as 12.50.`,
    );
  }
  if (typeof input !== 'string') {
    // Shows the value too: an imported 12.5 (a JSON number) must read differently from "12.5".
    const found = input === null ? 'null' : typeof input === 'object' ? 'an object' : `the ${typeof input} ${String(input)}`;
    throw new ValidationError(
      'AMOUNT_NOT_A_NUMBER',
      field,
      `The ${field} must be a decimal string such as "12.50", not ${found}.`,
    );
  }
  if (input.startsWith('-')) {
    throw new ValidationError('AMOUNT_NOT_POSITIVE', field, `The ${field} must be greater than zero.`);
  }
  const match = DECIMAL_STRING.exec(input);
  if (!match) {
    throw new ValidationError(
      'AMOUNT_NOT_A_NUMBER',
      field,
      `"${input.length > 40 ? input.slice(0, 40) + '…' : input}" is not an amount; write digits with an optional decimal point, like 12.50.`,
    );
  }
  const [, whole = '', fraction = ''] = match;
  const digits = minorDigits(currency);
  if (fraction.length > digits) {
    throw new ValidationError(
      'AMOUNT_TOO_PRECISE',
      field,
      digits === 0
        ? `${currency} has no minor unit; the ${field} must be a whole number.`
        : `${currency} amounts have at most ${digits} decimal places.`,
    );
  }
  if (whole.replace(/^0+/, '').length > MAX_INTEGER_DIGITS) {
    throw new ValidationError(
      'AMOUNT_TOO_LARGE',
      field,
      `The ${field} is too large (at most ${MAX_INTEGER_DIGITS} digits before the decimal point).`,
    );
  }
  if (!NON_ZERO_DIGIT.test(input)) {
    throw new ValidationError('AMOUNT_NOT_POSITIVE', field, `The ${field} must be greater than zero.`);
  }
  return input;
}

const CANONICAL = Object.fromEntries(
  Object.entries(CURRENCIES).map(([currency, digits]) => [currency, new RegExp(`^(?:0|[1-9]\\d*)${digits ? `\\.\\d{${digits}}` : ''}$`)]),
) as Record<Currency, RegExp>;

/** Whether an amount is written as toAmountString writes it ("10.50", never "10.5" or "010.50"): the only form a command stores. */
export function isCanonicalAmount(amount: string, currency: Currency): boolean {
  return CANONICAL[currency].test(amount);
}

/** The canonical string at rest: always the currency's minor digits, "10.00". */
export function toAmountString(amount: Money, currency: Currency): string {
  return amount.toFixed(minorDigits(currency));
}

export const ZERO = new Money(0);

/**
 * A checked amount (see checkAmount, for this currency) as a whole number of
 * the currency's minor units: exact like a Decimal, and far cheaper to add up
 * in a loop over a million events (import's replay).
 */
export function toMinorUnits(amount: string, currency: Currency): bigint {
  const digits = CURRENCIES[currency];
  const dot = amount.indexOf('.');
  const whole = dot === -1 ? amount : amount.slice(0, dot);
  const fraction = dot === -1 ? '' : amount.slice(dot + 1);
  return BigInt(whole + fraction.padEnd(digits, '0'));
}

/** Minor units as the canonical string at rest, like toAmountString: "10.00". */
export function fromMinorUnits(units: bigint, currency: Currency): string {
  const digits = CURRENCIES[currency];
  const sign = units < 0n ? '-' : '';
  const text = (units < 0n ? -units : units).toString();
  if (digits === 0) return sign + text;
  const padded = text.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}
