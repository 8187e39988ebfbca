import type { AccountStatus } from '../domain/account';
import type { Currency } from '../domain/money';

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

/** Transactions are stored a page per record: IndexedDB pays per record, and the UI reads a page at a time. */
export interface HistoryPage {
  accountId: string;
  page: number;
  rows: TransactionRow[];
}

export const HISTORY_PAGE_SIZE = 100;
