import { ValidationError } from './errors';
import type { AccountEvent, AccountEventType } from './events';
import { CURRENCIES, checkAmount, isCanonicalAmount, parseCurrency, toAmountString, Money, type Currency } from './money';
import { assertId, parseOwnerName, parseText } from './rules';

type Data = Record<string, unknown>;

/** A text as a command stores it: trimmed (a command trims what it is given), so the limits hold on the stored value. */
function stored(checked: string, original: unknown, field: string): string {
  if (checked !== original) {
    throw new ValidationError('INVALID_EVENT', field, `${field} starts or ends with spaces, which the app never stores.`);
  }
  return checked;
}

const MOST_DECIMALS = (Object.keys(CURRENCIES) as Currency[]).reduce((a, b) => (CURRENCIES[b] > CURRENCIES[a] ? b : a));

/** The data fields of each event type's current shape. */
const FIELDS: { readonly [T in AccountEventType]: ReadonlySet<string> } = {
  AccountOpened: new Set(['accountId', 'ownerName', 'currency']),
  MoneyDeposited: new Set(['accountId', 'amount', 'description']),
  MoneyWithdrawn: new Set(['accountId', 'amount', 'description']),
  TransferSent: new Set(['accountId', 'transferId', 'toAccountId', 'amount', 'description']),
  TransferReceived: new Set(['accountId', 'transferId', 'fromAccountId', 'amount', 'description']),
  AccountClosed: new Set(['accountId', 'reason']),
};

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
    // Without a known account the rules check refuses the event as "account does not exist". Checking the
    // amount against the most lenient currency until then keeps that the error reported, not a digits complaint.
    const amount = checkAmount(data.amount, currency ?? MOST_DECIMALS, 'data.amount');
    if (currency && !isCanonicalAmount(amount, currency)) {
      const canonical = toAmountString(new Money(amount), currency);
      throw new ValidationError('INVALID_EVENT', 'data.amount', `the amount is written "${amount}"; the app writes ${currency} amounts as "${canonical}".`);
    }
    return amount;
  };
  const text = (field: string): string => {
    const value = data[field];
    if (typeof value !== 'string') {
      throw new ValidationError('INVALID_EVENT', `data.${field}`, `data.${field} must be a string.`);
    }
    return stored(parseText(value, `data.${field}`), value, `data.${field}`);
  };
  let event: AccountEvent;
  switch (type) {
    case 'AccountOpened':
      event = {
        type,
        data: {
          accountId,
          ownerName: stored(parseOwnerName(data.ownerName, 'data.ownerName'), data.ownerName, 'data.ownerName'),
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
  const allowed = FIELDS[type];
  for (const key of Object.keys(data)) {
    if (!allowed.has(key)) {
      throw new ValidationError('INVALID_EVENT', `data.${key}`, `data.${key} is not a field of ${type}.`);
    }
  }
  return event;
}
