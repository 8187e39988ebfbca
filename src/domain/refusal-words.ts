import type { DomainError, MoneyMention } from './errors';
import type { AccountEvent } from './events';
import type { Replayed } from './replayed-account';

/** A refusal of an imported event in a person's words, with the amounts it names. */
export interface Words {
  detail: string;
  amounts: MoneyMention[];
}

type Accounts = (accountId: string) => Replayed;

const NOUN: Record<AccountEvent['type'], string> = {
  AccountOpened: 'opening',
  MoneyDeposited: 'deposit',
  MoneyWithdrawn: 'withdrawal',
  TransferSent: 'transfer',
  TransferReceived: 'transfer',
  AccountClosed: 'closing',
};

/**
 * Says why a business rule refused an event of an import file, the way a person reads their ledger: accounts
 * by owner, amounts as money ("this withdrawal of 1000.00 EUR from Alice Example would overdraw the account,
 * whose balance is 80.25 EUR"). The rule itself is the shared guard that threw `error`; only the words are
 * the import's, because a file's event is not a person's command.
 */
export function refusalWords(error: DomainError, event: AccountEvent, accounts: Accounts, balance: (accountId: string) => string): Words {
  const amounts: MoneyMention[] = [];
  const money = (amount: string, accountId: string): string => {
    const account = accounts(accountId);
    if (account.status === 'none') return amount;
    const mention = { text: `${amount} ${account.currency}`, amount, currency: account.currency };
    amounts.push(mention);
    return mention.text;
  };
  const who = (accountId: string): string => {
    const account = accounts(accountId);
    return account.status === 'none' ? `account ${accountId}` : account.ownerName;
  };
  const { accountId } = event.data;
  const what = describe(event, money, who);
  const detail = ((): string => {
    switch (error.code) {
      case 'ACCOUNT_NOT_FOUND': {
        const unknown = `which is not opened before it in the file`;
        if (event.type === 'TransferSent' && accounts(accountId).status !== 'none') {
          return `this transfer of ${money(event.data.amount, accountId)} from ${who(accountId)} goes to account ${event.data.toAccountId}, ${unknown}.`;
        }
        const amount = 'amount' in event.data ? ` of ${event.data.amount}` : '';
        return `this ${NOUN[event.type]}${amount} is for account ${accountId}, ${unknown}.`;
      }
      case 'ACCOUNT_CLOSED': {
        const closed = event.type === 'TransferSent' && accounts(accountId).status === 'open' ? event.data.toAccountId : accountId;
        return `${what} comes after the account of ${who(closed)} was closed.`;
      }
      case 'ACCOUNT_ALREADY_EXISTS':
        return `this opens account ${accountId} again: it was already opened for ${who(accountId)}.`;
      case 'INSUFFICIENT_FUNDS':
        return `${what} would overdraw the account, whose balance is ${money(balance(accountId), accountId)}.`;
      case 'BALANCE_NOT_ZERO':
        return `this closes the account of ${who(accountId)} while it holds ${money(balance(accountId), accountId)}; only an account with a zero balance can be closed.`;
      case 'TRANSFER_TO_SELF':
        return `${what}: an account cannot transfer money to itself.`;
      case 'CURRENCY_MISMATCH':
        return `${what}: the two accounts hold different currencies, and a transfer cannot change currency.`;
      default:
        return error.message;
    }
  })();
  return { detail, amounts };
}

function describe(event: AccountEvent, money: (amount: string, accountId: string) => string, who: (accountId: string) => string): string {
  switch (event.type) {
    case 'AccountOpened':
      return `this opening of an account for ${event.data.ownerName}`;
    case 'MoneyDeposited':
      return `this deposit of ${money(event.data.amount, event.data.accountId)} into the account of ${who(event.data.accountId)}`;
    case 'MoneyWithdrawn':
      return `this withdrawal of ${money(event.data.amount, event.data.accountId)} from ${who(event.data.accountId)}`;
    case 'TransferSent':
      return `this transfer of ${money(event.data.amount, event.data.accountId)} from ${who(event.data.accountId)} to ${who(event.data.toAccountId)}`;
    case 'TransferReceived':
      return `this transfer of ${money(event.data.amount, event.data.accountId)} to ${who(event.data.accountId)}`;
    case 'AccountClosed':
      return `this closing of the account of ${who(event.data.accountId)}`;
  }
}
