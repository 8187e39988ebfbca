import type { AccountCommand } from './commands';
import { assertNever } from './errors';
import type { AccountEvent } from './events';
import type { AccountState } from './account-state';
import { Money, ZERO, parseAmount, parseCurrency, toAmountString, type Currency } from './money';
import {
  assertFunds,
  assertId,
  assertNew,
  assertOpen,
  assertZeroBalance,
  parseOwnerName,
  parseText,
} from './rules';

export type { AccountState, AccountStatus, ClosedAccountState, OpenAccountState } from './account-state';

export const initialState: AccountState = Object.freeze({ status: 'none' });

/**
 * Folds one event into the state. It trusts its input: events in the log
 * were checked by `decide` (or by import's replay) before they were written.
 */
export function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return {
        status: 'open',
        accountId: event.data.accountId,
        ownerName: event.data.ownerName,
        currency: event.data.currency,
        balance: ZERO,
      };
    case 'MoneyDeposited':
    case 'TransferReceived':
      return state.status === 'none' ? state : { ...state, balance: state.balance.plus(event.data.amount) };
    case 'MoneyWithdrawn':
    case 'TransferSent':
      return state.status === 'none' ? state : { ...state, balance: state.balance.minus(event.data.amount) };
    case 'AccountClosed':
      return state.status === 'none' ? state : { ...state, status: 'closed' };
    default:
      return assertNever(event, 'event');
  }
}

export function replay(events: Iterable<AccountEvent>, from: AccountState = initialState): AccountState {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
}

/** Decides what a single-account command means, or throws the rule it breaks. */
export function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  // The command id travels into the log's metadata, where import insists on a well-formed id.
  assertId(command.commandId, 'commandId');
  switch (command.type) {
    case 'OpenAccount': {
      const accountId = assertId(command.data.accountId, 'accountId');
      assertNew(state, accountId);
      const ownerName = parseOwnerName(command.data.ownerName);
      const currency = parseCurrency(command.data.currency);
      const opened: AccountEvent = { type: 'AccountOpened', data: { accountId, ownerName, currency } };
      // Only an empty field means "no deposit"; anything else obeys the same rules as a deposit.
      const initial = command.data.initialDeposit;
      if (initial === undefined || initial === '') return [opened];
      const amount = parseAmount(initial, currency, 'initialDeposit');
      return [
        opened,
        {
          type: 'MoneyDeposited',
          data: { accountId, amount: toAmountString(amount, currency), description: 'Initial deposit' },
        },
      ];
    }
    case 'Deposit': {
      const account = assertOpen(state, command.data.accountId);
      const amount = parseAmount(command.data.amount, account.currency);
      const description = parseText(command.data.description, 'description');
      return [
        {
          type: 'MoneyDeposited',
          data: { accountId: account.accountId, amount: toAmountString(amount, account.currency), description },
        },
      ];
    }
    case 'Withdraw': {
      const account = assertOpen(state, command.data.accountId);
      const amount = parseAmount(command.data.amount, account.currency);
      const description = parseText(command.data.description, 'description');
      assertFunds(account, amount);
      return [
        {
          type: 'MoneyWithdrawn',
          data: { accountId: account.accountId, amount: toAmountString(amount, account.currency), description },
        },
      ];
    }
    case 'CloseAccount': {
      const account = assertOpen(state, command.data.accountId);
      const reason = parseText(command.data.reason, 'reason');
      assertZeroBalance(account);
      return [{ type: 'AccountClosed', data: { accountId: account.accountId, reason } }];
    }
    default:
      return assertNever(command, 'command');
  }
}
