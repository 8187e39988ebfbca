import type pg from 'pg';
import { evolve } from '../domain/account';
import type { LoadedAccount } from '../domain/decide-command';
import type { RecordedEvent } from '../domain/events';
import { toAmountString } from '../domain/money';
import { transactionOf } from '../projections/fold';
import type { TransactionRow } from '../projections/rows';

/**
 * Folds a command's new events into the `accounts` and `transactions` tables, in the command's transaction:
 * the read models never lag the log. The fold is the aggregate's own `evolve`, and a history row is the
 * browser's `transactionOf`, so the server's read models cannot disagree with the app's.
 */
export async function project(db: pg.ClientBase, events: RecordedEvent[], loaded: Map<string, LoadedAccount>): Promise<void> {
  const rows: (TransactionRow & { accountId: string })[] = [];
  for (const [accountId, before] of loaded) {
    const own = events.filter((event) => event.streamId === accountId);
    if (own.length === 0) continue;
    let state = before.state;
    let closedReason: string | null = null;
    let movements = 0;
    for (const event of own) {
      state = evolve(state, event);
      if (state.status === 'none') continue;
      if (event.type === 'AccountClosed') closedReason = event.data.reason;
      const row = transactionOf(event, toAmountString(state.balance, state.currency));
      if (row) {
        rows.push({ ...row, accountId });
        movements += 1;
      }
    }
    if (state.status === 'none') continue;
    const last = own[own.length - 1]!;
    const balance = toAmountString(state.balance, state.currency);
    if (before.version === 0) {
      await db.query(
        `INSERT INTO accounts (account_id, owner_name, currency, status, balance, version, transaction_count,
           opened_position, opened_at, last_activity_at, closed_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [accountId, state.ownerName, state.currency, state.status, balance, last.version, movements,
          own[0]!.position, own[0]!.metadata.at, last.metadata.at, closedReason],
      );
    } else {
      await db.query(
        `UPDATE accounts SET status = $2, balance = $3, version = $4, transaction_count = transaction_count + $5,
           last_activity_at = $6, closed_reason = COALESCE($7, closed_reason)
         WHERE account_id = $1`,
        [accountId, state.status, balance, last.version, movements, last.metadata.at, closedReason],
      );
    }
  }
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO transactions (account_id, version, position, kind, amount, balance_after, counterparty_id, description, at)
     SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::numeric[], $6::numeric[], $7::text[], $8::text[], $9::text[])`,
    [
      rows.map((r) => r.accountId),
      rows.map((r) => r.version),
      rows.map((r) => r.position),
      rows.map((r) => r.kind),
      rows.map((r) => r.amount),
      rows.map((r) => r.balanceAfter),
      rows.map((r) => r.counterpartyId ?? null),
      rows.map((r) => r.description),
      rows.map((r) => r.at),
    ],
  );
}
