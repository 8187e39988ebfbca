import { LedgerError, type MoneyMention } from '../../domain/errors';
import { formatMoney } from './format';
import { storageFailure } from '../../app/service';

/** A message with the amounts it names written as the screens write money: the person's locale, the currency's symbol. */
export function withMoney(message: string, amounts: readonly MoneyMention[] = []): string {
  return amounts.reduce((text, { text: written, amount, currency }) => text.replace(written, formatMoney(amount, currency)), message);
}

/**
 * The one place where an error becomes words on the screen. Ledger errors
 * already carry a message written for people; anything else is a bug or a
 * browser failure, so it is logged for developers and shown without a stack.
 */
export function handleError(error: unknown): string {
  if (error instanceof LedgerError) return withMoney(error.message, error.amounts);
  // Browser storage failures that have words of their own (the quota, a ledger a newer release stored), from
  // wherever they surface: a command, a live query, the start.
  const known = storageFailure(error);
  if (known instanceof LedgerError) return known.message;
  console.error(error);
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  return `Something went wrong${detail}. Your ledger was not changed; please try again.`;
}

/** Runs a validator and returns its message, or null when the value passes. */
export function validationMessage(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (error) {
    return handleError(error);
  }
}
