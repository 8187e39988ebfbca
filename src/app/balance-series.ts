import type { TransactionRow } from '../projections/rows';

export interface BalancePoint {
  /** Milliseconds since the epoch: a chart coordinate, not an amount. */
  at: number;
  /** Decimal string, exact. */
  balance: string;
}

/**
 * The balance after each transaction, starting from zero when the account was
 * opened. Long histories are thinned to about `maxPoints` evenly spaced points
 * (always keeping the newest), since a chart cannot show more than its pixels.
 */
export function balanceSeries(rows: readonly TransactionRow[], openedAt: string, maxPoints = 500): BalancePoint[] {
  const step = Math.max(1, Math.ceil(rows.length / maxPoints));
  const points: BalancePoint[] = [{ at: Date.parse(openedAt), balance: '0' }];
  rows.forEach((row, i) => {
    if (i % step === 0 || i === rows.length - 1) points.push({ at: Date.parse(row.at), balance: row.balanceAfter });
  });
  return points;
}
