import type { AccountStatus } from '../domain/account';
import type { Currency } from '../domain/money';
import { fromColumn, toColumn, type TextColumn } from '../store/text-column';
import { segmentRows, type FoldSegment } from '../store/fold-columns';

/** Read model: one row per account, what the account list shows. */
export interface AccountRow {
  accountId: string;
  ownerName: string;
  currency: Currency;
  status: AccountStatus;
  /** Decimal string with the currency's minor digits. */
  balance: string;
  openedAt: string;
  openedPosition: number;
  lastActivityAt: string;
  /** Money movements (deposits, withdrawals, transfers in and out). */
  transactionCount: number;
  /** Stream version the row reflects. */
  version: number;
  closedReason?: string;
}

export type TransactionKind = 'deposit' | 'withdrawal' | 'transfer-in' | 'transfer-out';

/** Read model: one money movement with the balance right after it. */
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

/**
 * The transaction history read model. Rows are the account's money events
 * joined with a running balance; what is expensive to recompute is that
 * balance, so the model keeps, for every page of HISTORY_PAGE_SIZE movements,
 * the version of its first movement and the balance just before it. A page of
 * rows is then one short read of the stream. One small record per 100
 * movements keeps both appends and rebuilds cheap (IndexedDB pays per record).
 */
export interface HistoryPage {
  accountId: string;
  page: number;
  firstVersion: number;
  openingBalance: string;
  /** Time of the page's first movement: the page index doubles as a cheap balance-over-time series. */
  at: string;
  /**
   * The account's next pages, when this record is a pack: a full build (an
   * import, a rebuild) writes an account's pages HISTORY_PACK to a record,
   * each pack starting at a multiple of HISTORY_PACK (IndexedDB pays per
   * record). Pages a command adds later are records of their own.
   */
  later?: PackedPage[];
}

/** [firstVersion, openingBalance, at] of a page inside a pack. */
export type PackedPage = [number, string, string];

export const HISTORY_PAGE_SIZE = 100;
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

/** [accountId, ownerName, currency, status, balance, version]: one account in a ledger checkpoint. */
export type CheckpointAccount = [string, string, Currency, AccountStatus, string, number];

/** Every account's state right after `position`; the timeline keeps one every TIMELINE_EVERY positions. */
export interface LedgerCheckpoint {
  position: number;
  at: string;
  accounts: CheckpointAccount[];
}

/**
 * The log in position order, reduced to what time travel needs: row i is the
 * account touched at position start + i and its balance right after. Columns
 * rather than one object per row, because IndexedDB copies arrays of plain
 * values much faster than many small objects. Built by import and rebuild,
 * where events are grouped per stream and cannot be read by position.
 */
export interface JournalWindow {
  start: number;
  accountIds: TextColumn;
  balances: TextColumn;
  ats: TextColumn;
  /** Rows whose event opened the account: [row, ownerName, currency]. */
  opened: [number, string, Currency][];
  /** Rows whose event closed the account. */
  closed: number[];
}

/** A journal window with its text columns split into rows, as it is built and replayed. */
export type JournalRows = Omit<JournalWindow, 'accountIds' | 'balances' | 'ats'> & { accountIds: string[]; balances: string[]; ats: string[] };

/** A fold segment's rows as time travel replays them: the same columns as a journal window's. */
export function segmentJournal(segment: FoldSegment): JournalRows {
  const { streamIds, ats, balances } = segmentRows(segment);
  return { start: segment.start, accountIds: streamIds, balances, ats, opened: segment.opened, closed: segment.closed.map(([row]) => row) };
}

export function journalRows(window: JournalWindow): JournalRows {
  return { ...window, accountIds: fromColumn(window.accountIds), balances: fromColumn(window.balances), ats: fromColumn(window.ats) };
}

export function journalWindow(rows: JournalRows): JournalWindow {
  return { ...rows, accountIds: toColumn(rows.accountIds), balances: toColumn(rows.balances), ats: toColumn(rows.ats) };
}

export const TIMELINE_EVERY = 10_000;
