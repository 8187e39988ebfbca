import { ValidationError } from './errors';
import type { AccountEvent, AccountEventType } from './events';
import { parseAmount, parseCurrency, type Currency } from './money';
import { assertId, parseOwnerName } from './rules';

type Data = Record<string, unknown>;

const keep = (_checked: unknown, original: string): string => original;

/**
 * Checks that untrusted event data (an imported file, a stored record) has
 * exactly the current shape of its type, and returns it typed. Amounts are
 * checked against the currency of the account they belong to.
 */
export function parseEventData(
  type: AccountEventType,
  data: Data,
  currencyOf: (accountId: string) => Currency | undefined,
): AccountEvent {
  const accountId = assertId(data.accountId, 'data.accountId');
  const amount = (): string => {
    const currency = currencyOf(accountId);
    // Without a known currency the rules check reports "account does not exist"; use the strictest digits here.
    parseAmount(data.amount, currency ?? 'JPY', 'data.amount');
    return data.amount as string;
  };
  const text = (field: string): string => {
    const value = data[field];
    if (typeof value !== 'string') {
      throw new ValidationError('INVALID_EVENT', `data.${field}`, `data.${field} must be a string.`);
    }
    if (value.length > 500) {
      throw new ValidationError('TEXT_TOO_LONG', `data.${field}`, `data.${field} is longer than 500 characters.`);
    }
    return value;
  };
  let event: AccountEvent;
  switch (type) {
    case 'AccountOpened':
      event = {
        type,
        data: {
          accountId,
          // Validated, but kept exactly as recorded so an export round-trips byte for byte.
          ownerName: keep(parseOwnerName(data.ownerName, 'data.ownerName'), data.ownerName as string),
          currency: parseCurrency(data.currency, 'data.currency'),
        },
      };
      break;
    case 'MoneyDeposited':
    case 'MoneyWithdrawn':
      event = { type, data: { accountId, amount: amount(), description: text('description') } } as AccountEvent;
      break;
    case 'TransferSent':
      event = {
        type,
        data: {
          accountId,
          transferId: assertId(data.transferId, 'data.transferId'),
          toAccountId: assertId(data.toAccountId, 'data.toAccountId'),
          amount: amount(),
          description: text('description'),
        },
      };
      break;
    case 'TransferReceived':
      event = {
        type,
        data: {
          accountId,
          transferId: assertId(data.transferId, 'data.transferId'),
          fromAccountId: assertId(data.fromAccountId, 'data.fromAccountId'),
          amount: amount(),
          description: text('description'),
        },
      };
      break;
    case 'AccountClosed':
      event = { type, data: { accountId, reason: text('reason') } };
      break;
  }
  const allowed = new Set(Object.keys(event.data));
  for (const key of Object.keys(data)) {
    if (!allowed.has(key)) {
      throw new ValidationError('INVALID_EVENT', `data.${key}`, `data.${key} is not a field of ${type}.`);
    }
  }
  return event;
}
