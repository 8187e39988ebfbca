import type { Currency, Money } from './money';

// The aggregate's state, apart from its decider: the rules read it too.

export interface OpenAccountState {
  status: 'open';
  accountId: string;
  ownerName: string;
  currency: Currency;
  balance: Money;
}
export interface ClosedAccountState extends Omit<OpenAccountState, 'status'> {
  status: 'closed';
}
export type AccountState = { status: 'none' } | OpenAccountState | ClosedAccountState;
export type AccountStatus = Exclude<AccountState['status'], 'none'>;
