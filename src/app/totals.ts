import { Money, ZERO, toAmountString, type Currency } from '../domain/money';
import type { AccountRow } from '../projections/rows';

export interface CurrencyTotal {
  currency: Currency;
  /** Decimal string with the currency's minor digits. */
  total: string;
  accounts: number;
}

/** The sum of balances per currency, currencies in the order they first appear; amounts summed exactly. */
export function totalsByCurrency(accounts: readonly AccountRow[]): CurrencyTotal[] {
  const sums = new Map<Currency, { total: Money; accounts: number }>();
  for (const account of accounts) {
    const sum = sums.get(account.currency) ?? { total: ZERO, accounts: 0 };
    sums.set(account.currency, { total: sum.total.plus(new Money(account.balance)), accounts: sum.accounts + 1 });
  }
  return [...sums].map(([currency, { total, accounts }]) => ({
    currency,
    total: toAmountString(total, currency),
    accounts,
  }));
}
