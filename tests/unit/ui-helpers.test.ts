import { describe, expect, it } from 'vitest';
import { balanceSeries } from '../../src/app/balance-series';
import { totalsByCurrency } from '../../src/app/totals';
import { DomainError } from '../../src/domain/errors';
import { canonicalAmount } from '../../src/ui/lib/amount-input';
import { formatMoney } from '../../src/ui/lib/format';
import { handleError } from '../../src/ui/lib/handle-error';
import { backupState } from '../../src/ui/lib/backup';
import { describeCommit } from '../../src/ui/lib/commit-words';
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
    expect(parseHash('#/events')).toEqual({ name: 'events' });
  });

  it('reads a point of the log from the address of the history and the event log', () => {
    expect(parseHash('#/history?at=42')).toEqual({ name: 'history', at: 42 });
    expect(parseHash('#/history/acc-1?at=0')).toEqual({ name: 'history', accountId: 'acc-1', at: 0 });
    expect(parseHash('#/events?at=1000000')).toEqual({ name: 'events', at: 1_000_000 });
    for (const address of ['#/events?at=-1', '#/events?at=1.5', '#/events?at=', '#/events?to=3', '#/accounts?at=3', '#/data?at=3']) {
      expect(parseHash(address)).toEqual({ name: 'not-found', path: address.slice(1) });
    }
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
      { name: 'history', accountId: 'a?at=1', at: 7 },
      { name: 'history', at: 0 },
      { name: 'events' },
      { name: 'events', at: 123 },
      { name: 'data' },
    ] as const) {
      expect(parseHash(href(route))).toEqual(route);
    }
  });
});

describe('the reminder to export a copy', () => {
  const head = (position: number, exported?: { at: string; position: number }) => ({ key: 'log' as const, position, lastAt: '2026-12-01T10:00:00.000Z', ...(exported && { exported }) });
  const now = Date.parse('2026-12-20T10:00:00.000Z');

  it('says nothing for an empty ledger', () => {
    expect(backupState(head(0), now)).toBeNull();
  });

  it('reminds a person who never exported this ledger', () => {
    expect(backupState(head(3), now)).toMatchObject({ text: 'Not exported from this browser yet.', reminder: expect.stringContaining('Export a copy') });
  });

  it('says when the last export was and how much happened since, and reminds only once it is a week old and behind', () => {
    const recent = backupState(head(5, { at: '2026-12-19T10:00:00.000Z', position: 3 }), now)!;
    expect(recent.text).toMatch(/^Last exported .+; 2 events since\.$/);
    expect(recent.reminder).toBeNull();
    expect(backupState(head(3, { at: '2026-12-01T10:00:00.000Z', position: 3 }), now)).toMatchObject({ reminder: null });
    expect(backupState(head(4, { at: '2026-12-13T10:00:00.000Z', position: 3 }), now)?.reminder).toBe(
      'Your last export is 7 days old: export a fresh copy to keep what has happened since.',
    );
  });
});

describe('an amount as a person types it', () => {
  it.each([
    ['de-DE', '100,50', '100.50'],
    ['de-DE', '1.234,50', '1234.50'],
    ['de-DE', '100.50', '100.50'],
    ['de-DE', '1.234', '1234'],
    ['fr-FR', '1 234,50', '1234.50'],
    ['en-US', '1,234.50', '1234.50'],
    ['en-US', ' 12.5 ', '12.5'],
    ['fr-FR', '1\u202f234,50', '1234.50'],
    ['de-CH', "1'234.50", '1234.50'],
    ['en-US', '1 234 567.89', '1234567.89'],
    // A leading zero never starts a group of thousands: this is a fraction, not five hundred.
    ['de-DE', '0.500', '0.500'],
    ['de-DE', '0.50', '0.50'],
  ])('in %s reads "%s" as %s', (locale, typed, amount) => {
    expect(canonicalAmount(typed, locale)).toBe(amount);
  });

  it.each([
    ['en-US', '100,50'],
    ['de-DE', '1,2,3'],
    ['de-DE', 'abc'],
    ['en-US', '-5'],
    ['en-US', '12 30'],
    ['en-US', '12\t30'],
    ['fr-FR', '1 23,50'],
    ['en-US', '0,500'],
    ['en-US', '1 234,567.50'],
  ])('in %s leaves "%s" as typed, for the ledger to refuse in words', (locale, typed) => {
    expect(canonicalAmount(typed, locale)).toBe(typed);
  });
});

describe('a refusal as the screens show it', () => {
  it('writes the amounts the rule names as the screens write money, and the rest of its words as they are', () => {
    const refusal = new DomainError('INSUFFICIENT_FUNDS', 'Insufficient funds: the balance is 1000.00 EUR, 1000.01 EUR was requested.', [
      { text: '1000.00 EUR', amount: '1000.00', currency: 'EUR' },
      { text: '1000.01 EUR', amount: '1000.01', currency: 'EUR' },
    ]);

    expect(handleError(refusal)).toBe(`Insufficient funds: the balance is ${formatMoney('1000.00', 'EUR')}, ${formatMoney('1000.01', 'EUR')} was requested.`);
    expect(handleError(new DomainError('ACCOUNT_CLOSED', 'Account a is closed and accepts no more transactions.'))).toBe('Account a is closed and accepts no more transactions.');
  });
});

describe('a commit in a person’s words', () => {
  const meta = (i: number) => ({ eventId: `e${i}`, commandId: 'c', at: '2026-12-01T10:00:00.000Z' });
  const base = (i: number, streamId: string) => ({ streamId, version: i, position: i, schemaVersion: 2, metadata: meta(i) });
  const accounts = (id: string) => ({ a: { ownerName: 'Ada Lovelace', currency: 'EUR' }, b: { ownerName: 'Bob Bemer', currency: 'EUR' } })[id];

  it('names a transfer by its amount and both owners, with its description', () => {
    const sent = { ...base(5, 'a'), type: 'TransferSent', data: { accountId: 'a', transferId: 't', toAccountId: 'b', amount: '30.00', description: 'Rent' } } as const;
    expect(describeCommit([sent], accounts)).toBe(`Transfer of ${formatMoney('30.00', 'EUR')} from Ada Lovelace to Bob Bemer: “Rent”`);
  });

  it('names an opening with its first deposit as one thing that happened', () => {
    const opened = { ...base(1, 'a'), type: 'AccountOpened', data: { accountId: 'a', ownerName: 'Ada Lovelace', currency: 'EUR' } } as const;
    const deposited = { ...base(2, 'a'), type: 'MoneyDeposited', data: { accountId: 'a', amount: '100.00', description: '' } } as const;
    expect(describeCommit([opened, deposited], accounts)).toBe(`Account opened for Ada Lovelace in EUR with ${formatMoney('100.00', 'EUR')}`);
    expect(describeCommit([], accounts)).toBe('');
  });
});
