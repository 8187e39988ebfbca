import type { HistoryPage, PackedPage } from '../store/records';

export type { AccountRow, CheckpointAccount, HistoryPage, LedgerCheckpoint, PackedPage } from '../store/records';

export type TransactionKind = 'deposit' | 'withdrawal' | 'transfer-in' | 'transfer-out';

/** One money movement with the balance right after it: a row of the transaction history (not stored). */
export interface TransactionRow {
  version: number;
  position: number;
  at: string;
  kind: TransactionKind;
  /** Signed decimal string: negative when money leaves the account. */
  amount: string;
  balanceAfter: string;
  counterpartyId?: string;
  description: string;
}

export const HISTORY_PAGE_SIZE = 100;
/** History pages a full build (import, rebuild) writes to one record; pages a command adds are records of their own. */
export const HISTORY_PACK = 32;

/** An account's pages, in page order, as the packs a full build writes (pages of one pack window together). */
export function packPages(pages: readonly HistoryPage[]): HistoryPage[] {
  type Pack = HistoryPage & { later: PackedPage[] };
  const packs: Pack[] = [];
  const open = new Map<string, Pack>();
  for (const { later: _, ...page } of pages) {
    const pack = open.get(page.accountId);
    if (pack && Math.floor(pack.page / HISTORY_PACK) === Math.floor(page.page / HISTORY_PACK)) {
      pack.later.push([page.firstVersion, page.openingBalance, page.at]);
      continue;
    }
    const started = { ...page, later: [] };
    open.set(page.accountId, started);
    packs.push(started);
  }
  return packs.map(({ later, ...page }) => (later.length ? { ...page, later } : page));
}

/** The pages stored records hold, one HistoryPage each, in the records' order. */
export function unpackPages(records: readonly HistoryPage[]): HistoryPage[] {
  return records.flatMap(({ later = [], ...first }) => [
    first,
    ...later.map(([firstVersion, openingBalance, at], i) => ({ accountId: first.accountId, page: first.page + 1 + i, firstVersion, openingBalance, at })),
  ]);
}
