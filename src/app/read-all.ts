import type { AccountRow, TransactionRow } from '../projections/rows';
import type { LedgerQueries, Page, PageRequest } from './queries';

/** The largest page the query API serves; reading in pages keeps each IndexedDB request small. */
const READ_PAGE = 1000;

async function readAllPages<T>(read: (request: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const page = await read({ offset: rows.length, limit: READ_PAGE });
    rows.push(...page.rows);
    if (page.rows.length === 0 || rows.length >= page.total) return rows;
  }
}

/** Every account, in the order they were opened (totals per currency need all of them). */
export function allAccounts(queries: LedgerQueries): Promise<AccountRow[]> {
  return readAllPages((request) => queries.listAccounts(request));
}

/** Every money movement of one account, oldest first (for CSV and the balance chart). */
export async function allTransactions(queries: LedgerQueries, accountId: string): Promise<TransactionRow[]> {
  const newestFirst = await readAllPages((request) => queries.transactions(accountId, request));
  return newestFirst.reverse();
}
