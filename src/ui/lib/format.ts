/// <reference lib="es2023.intl" />
import type { Currency } from '../../domain/money';

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, signed: boolean): Intl.NumberFormat {
  const key = `${currency}:${signed}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * Formats a decimal string for people. Intl formats the string exactly (no
 * float in between), so 0.1 + 0.2 style errors cannot appear here.
 */
export function formatMoney(amount: string, currency: Currency | string, options: { signed?: boolean } = {}): string {
  return moneyFormat(currency, options.signed ?? false).format(amount as `${number}`);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(at: string | number): string {
  return dateTime.format(new Date(at));
}

export function formatDate(iso: string | number): string {
  return dateOnly.format(new Date(iso));
}

const DAY = 86_400_000;

/**
 * Labels for a time axis: a span of hours shows times, a span within a year
 * shows days, longer spans show the year, so ticks never all read the same.
 */
export function timeAxisFormat(spanMs: number): (at: number) => string {
  const options: Intl.DateTimeFormatOptions =
    spanMs < DAY
      ? { hour: '2-digit', minute: '2-digit', second: spanMs < 600_000 ? '2-digit' : undefined }
      : spanMs < 365 * DAY
        ? { month: 'short', day: 'numeric' }
        : { month: 'short', year: 'numeric' };
  const format = new Intl.DateTimeFormat(undefined, options);
  return (at) => format.format(new Date(at));
}

/** Tick labels of a money axis. Ticks are chart coordinates chosen by chart.js, not ledger amounts. */
export function moneyAxisFormat(currency: string): (value: number) => string {
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency, notation: 'compact' });
  return (value) => format.format(value);
}

const count = new Intl.NumberFormat();
export function formatCount(n: number): string {
  return count.format(n);
}

/** The value a datetime-local input shows for an instant, in local time with seconds. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A short, stable tag for an account id, for places where the owner's name alone is ambiguous. */
export function shortId(accountId: string): string {
  return accountId.slice(0, 8);
}
