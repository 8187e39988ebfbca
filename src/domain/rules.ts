import { DomainError, ValidationError, type MoneyMention } from './errors';
import { Money, toAmountString } from './money';
import type { AccountState, OpenAccountState } from './account-state';

/**
 * The business rules as small guards. `decide` calls them before it emits an
 * event, and import calls the same guards on every recorded event it replays,
 * so a rule is written once and holds both ways.
 */

export const MAX_OWNER_NAME = 120;
export const MAX_TEXT = 500;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function assertId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw new ValidationError('ID_INVALID', field, `The ${field} must be 1-64 letters, digits, "-" or "_".`);
  }
  return value;
}

/**
 * The characters no store keeps as written: NUL, which PostgreSQL refuses in text, and a half of a character pair
 * that lost its other half, which UTF-8 cannot hold (a database writes � instead).
 */
const UNWRITABLE = /[\u0000\p{Cs}]/u;

/** Says which character of `text` cannot be stored, in words, or nothing when every one can. */
function unwritable(text: string): string | undefined {
  const found = UNWRITABLE.exec(text)?.[0];
  if (found === undefined) return undefined;
  const code = `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return found === '\u0000' ? `a NUL character (${code}), which cannot be stored` : `a broken character (${code}), which cannot be stored`;
}

export function parseOwnerName(value: unknown, field = 'ownerName'): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0) {
    throw new ValidationError('OWNER_NAME_INVALID', field, 'Enter the account owner’s name.');
  }
  if (name.length > MAX_OWNER_NAME) {
    throw new ValidationError(
      'OWNER_NAME_INVALID',
      field,
      `The owner’s name is too long (at most ${MAX_OWNER_NAME} characters).`,
    );
  }
  const bad = unwritable(name);
  if (bad) throw new ValidationError('OWNER_NAME_INVALID', field, `The owner’s name contains ${bad}; remove it.`);
  return name;
}

export function parseText(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new ValidationError('TEXT_INVALID', field, `The ${field} must be text.`);
  }
  const text = value.trim();
  if (text.length > MAX_TEXT) {
    throw new ValidationError('TEXT_TOO_LONG', field, `The ${field} is too long (at most ${MAX_TEXT} characters).`);
  }
  const bad = unwritable(text);
  if (bad) throw new ValidationError('TEXT_INVALID', field, `The ${field} contains ${bad}; remove it.`);
  return text;
}

/** What the status rules look at: the domain's AccountState, or import's replay of one (see LedgerCheck). */
type WithStatus = { status: AccountState['status'] };

export function assertNew(state: WithStatus, accountId: string): void {
  if (state.status !== 'none') {
    throw new DomainError('ACCOUNT_ALREADY_EXISTS', `Account ${accountId} already exists.`);
  }
}

export function assertOpen<S extends WithStatus>(state: S, accountId: string, role = 'Account'): Extract<S, { status: 'open' }> {
  if (state.status === 'none') {
    throw new DomainError('ACCOUNT_NOT_FOUND', `${role} ${accountId} does not exist.`);
  }
  if (state.status === 'closed') {
    throw new DomainError('ACCOUNT_CLOSED', `${role} ${accountId} is closed and accepts no more transactions.`);
  }
  return state as Extract<S, { status: 'open' }>;
}

/** An amount as a message writes it ("100.00 EUR"), with what a screen needs to write it its own way. */
function mention(amount: Money, currency: OpenAccountState['currency']): MoneyMention {
  const text = toAmountString(amount, currency);
  return { text: `${text} ${currency}`, amount: text, currency };
}

export function assertFunds(state: OpenAccountState, amount: Money): void {
  if (amount.gt(state.balance)) {
    const [balance, requested] = [mention(state.balance, state.currency), mention(amount, state.currency)];
    throw new DomainError('INSUFFICIENT_FUNDS', `Insufficient funds: the balance is ${balance.text}, ${requested.text} was requested.`, [balance, requested]);
  }
}

export function assertZeroBalance(state: OpenAccountState): void {
  if (!state.balance.isZero()) {
    const balance = mention(state.balance, state.currency);
    throw new DomainError('BALANCE_NOT_ZERO', `Only an account with a zero balance can be closed; this one holds ${balance.text}.`, [balance]);
  }
}

export function assertTransferable(
  from: Pick<OpenAccountState, 'currency'>,
  to: Pick<OpenAccountState, 'currency'>,
  fromId: string,
  toId: string,
): void {
  if (fromId === toId) {
    throw new DomainError('TRANSFER_TO_SELF', 'An account cannot transfer money to itself.');
  }
  if (from.currency !== to.currency) {
    throw new DomainError(
      'CURRENCY_MISMATCH',
      `Cannot transfer ${from.currency} to an account held in ${to.currency}.`,
    );
  }
}
