export interface BalancePoint {
  /** Milliseconds since the epoch: a chart coordinate, not an amount. */
  at: number;
  /** Decimal string, exact. */
  balance: string;
}

/**
 * Chart points from a balance-over-time series (LedgerQueries.balanceOverTime),
 * thinned to about `maxPoints` evenly spaced points, always keeping the first
 * and the newest, since a chart cannot show more than its pixels.
 */
export function balanceSeries(series: readonly { at: string; balance: string }[], maxPoints = 500): BalancePoint[] {
  const step = Math.max(1, Math.ceil(series.length / maxPoints));
  const points: BalancePoint[] = [];
  series.forEach((point, i) => {
    if (i % step === 0 || i === series.length - 1) points.push({ at: Date.parse(point.at), balance: point.balance });
  });
  return points;
}
