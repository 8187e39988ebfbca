export type { AccountRow, CheckpointAccount, HistoryPage, LedgerCheckpoint } from '../store/records';

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
