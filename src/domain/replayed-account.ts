import { assertNever } from './errors';
import type { AccountEvent } from './events';
import { type Currency, Money, fromMinorUnits } from './money';

/**
 * An account as the replay keeps it: AccountState with the balance in minor
 * units, because a million Decimal additions, parses and formats cost more
 * than the rest of the check together. `decimalState` turns it back.
 */
export interface OpenReplayed {
  status: 'open';
  accountId: string;
  ownerName: string;
  currency: Currency;
  units: bigint;
}
export type Replayed = { status: 'none' } | OpenReplayed | (Omit<OpenReplayed, 'status'> & { status: 'closed' });

export const NONE = Object.freeze({ status: 'none' as const });

export function decimalState<S extends Exclude<Replayed, { status: 'none' }>>({ units, ...account }: S): Omit<S, 'units'> & { balance: Money } {
  return { ...account, balance: new Money(fromMinorUnits(units, account.currency)) };
}

/** The account after an accepted event: the aggregate's evolve, on minor units. */
export function evolveReplayed(state: Replayed, event: AccountEvent, units: bigint): Replayed {
  switch (event.type) {
    case 'AccountOpened': {
      const { accountId, ownerName, currency } = event.data;
      return { status: 'open', accountId, ownerName, currency, units: 0n };
    }
    case 'MoneyDeposited':
    case 'TransferReceived':
      return state.status === 'none' ? state : { ...state, units: state.units + units };
    case 'MoneyWithdrawn':
    case 'TransferSent':
      return state.status === 'none' ? state : { ...state, units: state.units - units };
    case 'AccountClosed':
      return state.status === 'none' ? state : { ...state, status: 'closed' };
    default:
      return assertNever(event, 'event');
  }
}
