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
