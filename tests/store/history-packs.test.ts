import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { importLedger } from '../../src/app/import';
import { LedgerQueries } from '../../src/app/queries';
import { verifyProjections } from '../../src/projections/verify';
import { HISTORY_PACK, HISTORY_PAGE_SIZE, packPages, unpackPages, type HistoryPage } from '../../src/projections/rows';
import { generateLog } from '../bench/generate';
import { deposit } from '../support/ledger';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

const page = (accountId: string, n: number): HistoryPage => ({ accountId, page: n, firstVersion: 10 * n + 1, openingBalance: `${n}.00`, at: `t${n}` });

describe('history pages of a full build', () => {
  it('pack an account\'s pages per window of HISTORY_PACK pages, and unpack to the same pages', () => {
    const pages = [
      ...Array.from({ length: HISTORY_PACK + 3 }, (_, n) => page('a', n)),
      page('b', 5),
      page('b', 6),
    ];

    const packs = packPages(pages);

    expect(packs.map((p) => [p.accountId, p.page, p.later?.length ?? 0])).toEqual([
      ['a', 0, HISTORY_PACK - 1],
      ['a', HISTORY_PACK, 2],
      ['b', 5, 1],
    ]);
    expect(unpackPages(packs)).toEqual(pages);
  });

  it('are read page by page from an import exactly as from pages stored one to a record', async () => {
    // Two accounts, ~40 pages each: a full pack and a partial one.
    const { text } = generateLog(2 * 40 * HISTORY_PAGE_SIZE, 2);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text);
    const packed = await ledger.db.history.toArray();
    expect(packed.length).toBeLessThan(10);
    expect(packed.some((p) => (p.later?.length ?? 0) === HISTORY_PACK - 1)).toBe(true);
    const queries = new LedgerQueries(ledger.db);
    const read = async () => {
      const { transactionCount } = (await queries.getAccount('acc-0'))!;
      const offsets = [0, 37, HISTORY_PAGE_SIZE * 5 + 60, transactionCount - HISTORY_PACK * HISTORY_PAGE_SIZE - 20, transactionCount - 30];
      return {
        pages: await Promise.all(offsets.map((offset) => queries.transactions('acc-0', { offset, limit: 50 }))),
        chart: await queries.balanceOverTime('acc-0'),
      };
    };
    const fromPacks = await read();

    await ledger.db.history.clear();
    await ledger.db.history.bulkAdd(unpackPages(packed));

    expect(await read()).toEqual(fromPacks);
    expect(fromPacks.pages.every((p) => p.rows.length > 0)).toBe(true);
  });

  it('give, at any offset, the rows a walk through the account\'s own events gives', async () => {
    const { text } = generateLog(2 * 40 * HISTORY_PAGE_SIZE, 2);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text);
    // Newest first, each money event with the balance right after it, added up here from the stream.
    let balance = new Decimal(0);
    const walked: { version: number; balanceAfter: string }[] = [];
    for (const event of await ledger.store.readStream('acc-0')) {
      if (event.type === 'AccountOpened' || event.type === 'AccountClosed') continue;
      const incoming = event.type === 'MoneyDeposited' || event.type === 'TransferReceived';
      balance = incoming ? balance.plus(event.data.amount) : balance.minus(event.data.amount);
      walked.unshift({ version: event.version, balanceAfter: balance.toFixed(2) });
    }
    const queries = new LedgerQueries(ledger.db);

    for (const offset of [0, 37, HISTORY_PAGE_SIZE * 5 + 60, walked.length - 20]) {
      const { rows, total } = await queries.transactions('acc-0', { offset, limit: 50 });
      expect(total).toBe(walked.length);
      expect(rows.map(({ version, balanceAfter }) => ({ version, balanceAfter }))).toEqual(walked.slice(offset, offset + 50));
    }
  });

  it('still agree with a replay once commands have added pages of their own', async () => {
    const { text } = generateLog(2 * 33 * HISTORY_PAGE_SIZE, 2);
    const ledger = await ledgers.open();
    await importLedger(ledger.db, text);
    const queries = new LedgerQueries(ledger.db);
    const before = (await queries.getAccount('acc-1'))!.transactionCount;
    const toNextPage = HISTORY_PAGE_SIZE - (before % HISTORY_PAGE_SIZE) + 1;

    for (let i = 0; i < toNextPage; i++) await ledger.execute(deposit('acc-1', '1.00'));

    expect(await verifyProjections(ledger.db)).toEqual([]);
    const newest = await queries.transactions('acc-1', { offset: 0, limit: toNextPage + 5 });
    const chart = await queries.balanceOverTime('acc-1');
    expect(newest.rows[0]!.balanceAfter).toBe((await queries.getAccount('acc-1'))!.balance);
    expect(chart[chart.length - 1]!.balance).toBe((await queries.getAccount('acc-1'))!.balance);
  });
});
