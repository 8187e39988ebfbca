import type { LedgerCommand } from '../../domain/commands';
import type { RecordedEvent } from '../../domain/events';
import { formatMoney } from './format';

/** What the timeline knows of an account: its owner and currency at the point shown. */
export type AccountNames = (accountId: string) => { ownerName: string; currency: string } | undefined;

const withNote = (words: string, note: string | undefined) => (note ? `${words}: “${note}”` : words);

/** One commit's events in a person's words ("Transfer of €30.00 from Ada Lovelace to Bob Bemer"). */
export function describeCommit(events: readonly RecordedEvent[], accounts: AccountNames): string {
  const [first, second] = events;
  if (!first) return '';
  const name = (id: string) => accounts(id)?.ownerName ?? id;
  const money = (amount: string, id: string) => formatMoney(amount, accounts(id)?.currency ?? 'EUR');
  switch (first.type) {
    case 'AccountOpened': {
      const deposit = second?.type === 'MoneyDeposited' ? ` with ${money(second.data.amount, first.streamId)}` : '';
      return `Account opened for ${first.data.ownerName} in ${first.data.currency}${deposit}`;
    }
    case 'MoneyDeposited':
      return withNote(`Deposit of ${money(first.data.amount, first.streamId)} to ${name(first.streamId)}`, first.data.description);
    case 'MoneyWithdrawn':
      return withNote(`Withdrawal of ${money(first.data.amount, first.streamId)} from ${name(first.streamId)}`, first.data.description);
    case 'TransferSent':
      return withNote(`Transfer of ${money(first.data.amount, first.streamId)} from ${name(first.streamId)} to ${name(first.data.toAccountId)}`, first.data.description);
    case 'TransferReceived':
      return withNote(`Transfer of ${money(first.data.amount, first.streamId)} from ${name(first.data.fromAccountId)} to ${name(first.streamId)}`, first.data.description);
    case 'AccountClosed':
      return withNote(`Account of ${name(first.streamId)} closed`, first.data.reason);
    default: {
      const unknown: never = first;
      return String((unknown as { type: string }).type);
    }
  }
}

/** A command in a person's words, as a refusal on sync shows it ("Withdrawal of €50.00 from Ada Lovelace"). */
export function describeCommand(command: LedgerCommand, accounts: AccountNames): string {
  const name = (id: string) => accounts(id)?.ownerName ?? id;
  const money = (amount: string, id: string) => formatMoney(amount, accounts(id)?.currency ?? 'EUR');
  switch (command.type) {
    case 'OpenAccount': {
      const { ownerName, currency, initialDeposit } = command.data;
      return `Account opened for ${ownerName} in ${currency}${initialDeposit ? ` with ${formatMoney(initialDeposit, currency)}` : ''}`;
    }
    case 'Deposit':
      return withNote(`Deposit of ${money(command.data.amount, command.data.accountId)} to ${name(command.data.accountId)}`, command.data.description);
    case 'Withdraw':
      return withNote(`Withdrawal of ${money(command.data.amount, command.data.accountId)} from ${name(command.data.accountId)}`, command.data.description);
    case 'Transfer': {
      const { fromAccountId, toAccountId, amount, description } = command.data;
      return withNote(`Transfer of ${money(amount, fromAccountId)} from ${name(fromAccountId)} to ${name(toAccountId)}`, description);
    }
    case 'CloseAccount':
      return withNote(`Account of ${name(command.data.accountId)} closed`, command.data.reason);
    default: {
      const unknown: never = command;
      return String((unknown as { type: string }).type);
    }
  }
}
