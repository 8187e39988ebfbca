import type pg from 'pg';
import { DomainError } from '../domain/errors';

/** An account as the API shows it. */
export interface AccountView {
  account_id: string;
  owner_name: string;
  currency: string;
  status: 'open' | 'closed';
  balance: string;
  version: number;
  transaction_count: number;
  opened_at: string;
  last_activity_at: string;
  closed_reason: string | null;
}

export interface TransactionView {
  version: number;
  position: number;
  at: string;
  kind: 'deposit' | 'withdrawal' | 'transfer-in' | 'transfer-out';
  /** Signed: negative when money leaves the account. */
  amount: string;
  balance_after: string;
  counterparty_id: string | null;
  description: string;
}

const ACCOUNT_COLUMNS = `account_id, owner_name, currency, status, balance, version, transaction_count, opened_at, last_activity_at, closed_reason`;

/** Reads come from the read models, never from a replay. */
export async function listAccounts(db: pg.Pool, limit: number, offset: number): Promise<{ accounts: AccountView[]; total: number }> {
  const { rows } = await db.query<AccountView & { total: string }>(
    `SELECT ${ACCOUNT_COLUMNS}, count(*) OVER () AS total FROM accounts ORDER BY opened_position LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  // The window count is absent when the page is past the end; a second count is only needed then.
  const total = rows[0] ? Number(rows[0].total) : Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM accounts')).rows[0]!.n);
  return { accounts: rows.map(({ total: _, ...account }) => account), total };
}

export async function getAccount(db: pg.Pool, accountId: string): Promise<AccountView> {
  const { rows } = await db.query<AccountView>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE account_id = $1`, [accountId]);
  if (!rows[0]) throw new DomainError('ACCOUNT_NOT_FOUND', `Account ${accountId} does not exist.`);
  return rows[0];
}

/** An account's money movements, newest first, each with the balance right after it. */
export async function listTransactions(db: pg.Pool, accountId: string, limit: number, offset: number): Promise<{ transactions: TransactionView[]; total: number }> {
  const account = await getAccount(db, accountId);
  const { rows } = await db.query<TransactionView & { position: string }>(
    `SELECT version, position, at, kind, amount, balance_after, counterparty_id, description
     FROM transactions WHERE account_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3`,
    [accountId, limit, offset],
  );
  return { transactions: rows.map((row) => ({ ...row, position: Number(row.position) })), total: account.transaction_count };
}
