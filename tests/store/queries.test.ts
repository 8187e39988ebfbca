import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/app/ledger';
import { LedgerQueries } from '../../src/app/queries';
import type { LedgerCommand } from '../../src/domain/commands';
import { NotFoundError } from '../../src/domain/errors';
import type { RecordedEvent } from '../../src/domain/events';
import { Money } from '../../src/domain/money';
import { HISTORY_PAGE_SIZE, type TransactionRow } from '../../src/projections/rows';
import { deleteLedger, deposit, open, openLedger, transfer, withdraw } from '../support/ledger';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

describe('listing accounts', () => {
  it('pages through accounts in the order they were opened, with the total', async () => {
    const ledger = await ledgers.open();
    const ids = ['g', 'c', 'a', 'f', 'b', 'e', 'd'];
    for (const id of ids) await ledger.execute(open(id, `Owner ${id}`, 'EUR', id === 'a' ? '5' : undefined));
    const queries = new LedgerQueries(ledger.db);
    const page = async (offset?: number, limit?: number) => {
      const result = await queries.listAccounts({ offset, limit });
      return { ids: result.rows.map((r) => r.accountId), total: result.total, offset: result.offset };
    };

    expect(await page(0, 3)).toEqual({ ids: ['g', 'c', 'a'], total: 7, offset: 0 });
    expect(await page(3, 3)).toEqual({ ids: ['f', 'b', 'e'], total: 7, offset: 3 });
    expect(await page(6, 3)).toEqual({ ids: ['d'], total: 7, offset: 6 });
    expect(await page(7, 3)).toEqual({ ids: [], total: 7, offset: 7 });
    expect(await page(-4, 2)).toEqual({ ids: ['g', 'c'], total: 7, offset: 0 });
    expect(await page(2, 0)).toEqual({ ids: [], total: 7, offset: 2 });
    expect((await page()).ids).toEqual(ids);
  });
});

/** The 250 money movements of account a: deposits, withdrawals, transfers out to b and back in from b. */
function movement(i: number): LedgerCommand {
  if (i % 25 === 0) return transfer('a', 'b', '2.50');
  if (i % 45 === 0) return transfer('b', 'a', '1');
  if (i % 10 === 0) return withdraw('a', '7.5');
  return deposit('a', `${i}.${String(i % 100).padStart(2, '0')}`, `deposit ${i}`);
}

/** The history rows of a stream, derived by hand from its events: oldest first, running balance in decimals. */
function expectedHistory(events: RecordedEvent[]): TransactionRow[] {
  let balance = new Money(0);
  const rows: TransactionRow[] = [];
  for (const e of events) {
    const base = { version: e.version, position: e.position, at: e.metadata.at };
    if (e.type === 'AccountOpened' || e.type === 'AccountClosed') continue;
    const incoming = e.type === 'MoneyDeposited' || e.type === 'TransferReceived';
    balance = incoming ? balance.plus(e.data.amount) : balance.minus(e.data.amount);
    const amount = incoming ? e.data.amount : `-${e.data.amount}`;
    const row = { ...base, amount, balanceAfter: balance.toFixed(2), description: e.data.description };
    if (e.type === 'MoneyDeposited') rows.push({ ...row, kind: 'deposit' });
    if (e.type === 'MoneyWithdrawn') rows.push({ ...row, kind: 'withdrawal' });
    if (e.type === 'TransferSent') rows.push({ ...row, kind: 'transfer-out', counterpartyId: e.data.toAccountId });
    if (e.type === 'TransferReceived') rows.push({ ...row, kind: 'transfer-in', counterpartyId: e.data.fromAccountId });
  }
  return rows;
}

describe('an account with 250 transactions', () => {
  let ledger: Ledger;
  let queries: LedgerQueries;
  let newestFirst: TransactionRow[];
  beforeAll(async () => {
    ledger = await openLedger();
    await ledger.execute(open('a', 'Ada', 'EUR'));
    await ledger.execute(open('b', 'Bob', 'EUR'));
    for (let i = 1; i <= 250; i++) await ledger.execute(movement(i));
    queries = new LedgerQueries(ledger.db);
    newestFirst = expectedHistory(await ledger.store.readStream('a')).reverse();
  }, 60_000);
  afterAll(() => deleteLedger(ledger));

  it('spreads over three history pages', async () => {
    expect(HISTORY_PAGE_SIZE).toBe(100);
    expect(newestFirst).toHaveLength(250);
    expect(await ledger.db.history.where('[accountId+page]').between(['a', 0], ['a', Infinity]).primaryKeys()).toEqual([
      ['a', 0],
      ['a', 1],
      ['a', 2],
    ]);
  });

  it.each([
    ['the newest page', 0, 10],
    ['a page within the second stored page', 95, 10],
    ['a page spanning the third and second stored pages', 45, 10],
    ['a page spanning the second and first stored pages', 145, 10],
    ['the last full page', 240, 10],
    ['a last page that is cut short', 245, 10],
    ['a page past the end', 250, 10],
    ['an empty page', 3, 0],
    ['everything at once', 0, 1000],
  ])('lists %s newest first (offset %i, limit %i)', async (_what, offset, limit) => {
    const page = await queries.transactions('a', { offset, limit });

    expect(page).toEqual({ rows: newestFirst.slice(offset, offset + limit), total: 250, offset });
  });

  it('carries on every row the balance right after it, ending at the account balance', async () => {
    const { rows } = await queries.transactions('a', { limit: 1000 });

    expect(rows[0]!.balanceAfter).toBe((await queries.requireAccount('a')).balance);
    rows.forEach((row, i) => {
      const before = rows[i + 1]?.balanceAfter ?? '0';
      expect(new Money(before).plus(row.amount).toFixed(2)).toBe(row.balanceAfter);
    });
  });

  it('pages through the raw events of the stream, oldest first', async () => {
    const stream = await ledger.store.readStream('a');
    expect(stream).toHaveLength(251);

    for (const [offset, limit] of [[0, 10], [100, 5], [248, 10], [251, 10], [7, 0]] as const) {
      expect(await queries.streamEvents('a', { offset, limit })).toEqual({
        rows: stream.slice(offset, offset + limit),
        total: 251,
        offset,
      });
    }
  });

  it('refuses to list an account that does not exist', async () => {
    await expect(queries.transactions('nobody')).rejects.toBeInstanceOf(NotFoundError);
    await expect(queries.streamEvents('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('balance over time', () => {
  it('gives the opening, the balance before every 100th movement and after each of the latest ones, ending at today', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('acc', 'Ada', 'EUR'));
    for (let i = 1; i <= 250; i++) await ledger.execute(deposit('acc', `${i}.00`));
    const queries = new LedgerQueries(ledger.db);

    const series = await queries.balanceOverTime('acc');

    // Balance after n deposits of 1..n is n(n+1)/2.
    const after = (n: number) => `${(n * (n + 1)) / 2}.00`;
    const balances = series.map((p) => p.balance);
    expect(balances.slice(0, 3)).toEqual(['0.00', after(0), after(100)]);
    expect(balances.slice(3)).toEqual(Array.from({ length: 50 }, (_, i) => after(201 + i)));
    expect(balances.at(-1)).toBe((await queries.getAccount('acc'))!.balance);
    const times = series.map((p) => p.at);
    expect([...times].sort()).toEqual(times);
  });
});
