import { describe, expect, it } from 'vitest';
import { balanceSeries } from '../../src/app/balance-series';
import { totalsByCurrency } from '../../src/app/totals';
import { href, parseHash } from '../../src/ui/lib/router.svelte';
import type { AccountRow } from '../../src/projections/rows';

const account = (accountId: string, currency: AccountRow['currency'], balance: string): AccountRow => ({
  accountId,
  ownerName: accountId,
  currency,
  status: 'open',
  balance,
  openedAt: '2026-01-01T00:00:00.000Z',
  openedPosition: 1,
  lastActivityAt: '2026-01-01T00:00:00.000Z',
  transactionCount: 0,
  version: 1,
});

describe('totalsByCurrency', () => {
  it('sums balances exactly per currency, in order of first appearance', () => {
    const totals = totalsByCurrency([
      account('a', 'EUR', '0.10'),
      account('b', 'JPY', '5'),
      account('c', 'EUR', '0.20'),
      account('d', 'EUR', '999999999999999.99'),
    ]);
    expect(totals).toEqual([
      { currency: 'EUR', total: '1000000000000000.29', accounts: 3 },
      { currency: 'JPY', total: '5', accounts: 1 },
    ]);
  });

  it('has no totals without accounts', () => {
    expect(totalsByCurrency([])).toEqual([]);
  });
});

describe('balanceSeries', () => {
  const series = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), balance: `${i}.00` }));

  it('keeps every point of a short series, as chart coordinates and exact balances', () => {
    const points = balanceSeries(series(3));
    expect(points.map((p) => p.balance)).toEqual(['0.00', '1.00', '2.00']);
    expect(points[0]?.at).toBe(Date.UTC(2026, 0, 1));
  });

  it('thins a long series to about the requested number of points and keeps the first and the newest', () => {
    const points = balanceSeries(series(10_001), 100);
    expect(points.length).toBeLessThanOrEqual(102);
    expect(points.length).toBeGreaterThan(90);
    expect(points[0]?.balance).toBe('0.00');
    expect(points[points.length - 1]?.balance).toBe('10000.00');
  });
});

describe('hash routes', () => {
  it('reads every screen from the address, with the accounts list as the start page', () => {
    expect(parseHash('')).toEqual({ name: 'accounts' });
    expect(parseHash('#/accounts')).toEqual({ name: 'accounts' });
    expect(parseHash('#/accounts/a%2Fb')).toEqual({ name: 'account', accountId: 'a/b' });
    expect(parseHash('#/history')).toEqual({ name: 'history' });
    expect(parseHash('#/history/acc-1')).toEqual({ name: 'history', accountId: 'acc-1' });
    expect(parseHash('#/data')).toEqual({ name: 'data' });
  });

  it('treats unknown or malformed addresses as a missing page instead of failing', () => {
    expect(parseHash('#/nowhere')).toEqual({ name: 'not-found', path: '/nowhere' });
    expect(parseHash('#/accounts/1/2')).toEqual({ name: 'not-found', path: '/accounts/1/2' });
    expect(parseHash('#/accounts/%E0%A4%A')).toEqual({ name: 'not-found', path: '/accounts/%E0%A4%A' });
  });

  it('writes links that read back as the same route', () => {
    for (const route of [
      { name: 'accounts' },
      { name: 'account', accountId: 'x y/z' },
      { name: 'history', accountId: 'acc' },
      { name: 'data' },
    ] as const) {
      expect(parseHash(href(route))).toEqual(route);
    }
  });
});
