import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { importLedger } from '../../src/app/import';
import { LedgerQueries } from '../../src/app/queries';
import { verifyProjections } from '../../src/projections/verify';
import { HISTORY_PAGE_SIZE } from '../../src/projections/rows';
import { generateLog } from '../bench/generate';
import { deposit } from '../support/ledger';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

describe('history pages of a full build', () => {
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
