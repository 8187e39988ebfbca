import type pg from 'pg';
import { evolve, initialState, type ClosedAccountState, type OpenAccountState } from '../domain/account';
import type { LoadedAccount } from '../domain/decide-command';
import type { RecordedEvent } from '../domain/events';
import { toAmountString } from '../domain/money';
import { transactionOf } from '../projections/fold';
import type { TransactionRow } from '../projections/rows';

/** What a run of events did to one account's row, besides its new state. */
interface AccountChange {
  /** Set when the account was opened by these events: its row is inserted, not updated. */
  opened: { position: number; at: string } | null;
  movements: number;
  lastAt: string;
  closedReason: string | null;
}

/** A done command as the `commands` table keeps it: what was asked, and what was answered. */
export interface CommandRecord {
  commandId: string;
  request: string;
  response: object;
}

type AccountRow = AccountChange & { accountId: string; state: OpenAccountState | ClosedAccountState; version: number; balance: string };

/** What new events do to the read models, worked out before anything is written. */
export interface Projection {
  /** Every account of `loaded` and of the events, as the events left it. */
  states: Map<string, LoadedAccount>;
  opened: AccountRow[];
  updated: AccountRow[];
  movements: (TransactionRow & { accountId: string })[];
}

/**
 * Folds new events into the rows of the `accounts` and `transactions` tables. The fold is the aggregate's own
 * `evolve`, and a history row is the browser's `transactionOf`, so the server's read models cannot disagree with
 * the app's. `loaded` holds the accounts' states before the events (an account missing from it has none).
 * An `accounts` row is therefore the aggregate's state, which is how a command loads it (commands.ts).
 */
export function projectionOf(events: readonly RecordedEvent[], loaded: ReadonlyMap<string, LoadedAccount>): Projection {
  const states = new Map(loaded);
  const changes = new Map<string, AccountChange>();
  const movements: Projection['movements'] = [];
  for (const event of events) {
    const accountId = event.streamId;
    const state = evolve(states.get(accountId)?.state ?? initialState, event);
    states.set(accountId, { state, version: event.version });
    if (state.status === 'none') continue;
    let change = changes.get(accountId);
    if (!change) changes.set(accountId, (change = { opened: null, movements: 0, lastAt: '', closedReason: null }));
    if (event.type === 'AccountOpened') change.opened = { position: event.position, at: event.metadata.at };
    if (event.type === 'AccountClosed') change.closedReason = event.data.reason;
    change.lastAt = event.metadata.at;
    const row = transactionOf(event, toAmountString(state.balance, state.currency));
    if (row) {
      movements.push({ ...row, accountId });
      change.movements += 1;
    }
  }
  const accounts = [...changes].map(([accountId, change]): AccountRow => {
    const { state, version } = states.get(accountId)!;
    if (state.status === 'none') throw new Error(`Account ${accountId} has no state after its events`);
    return { accountId, state, version, balance: toAmountString(state.balance, state.currency), ...change };
  });
  return { states, opened: accounts.filter((a) => a.opened), updated: accounts.filter((a) => !a.opened), movements };
}

/**
 * Writes a projection and the commands it follows in ONE statement, in the transaction of the append: the read
 * models never lag the log. One statement because it runs while the append holds the log's head (see docs/api.md).
 */
export async function writeProjection(db: pg.ClientBase, { opened, updated, movements }: Projection, commands: readonly CommandRecord[]): Promise<void> {
  await db.query(
    `WITH opened AS (
       INSERT INTO accounts (account_id, owner_name, currency, status, balance, version, transaction_count,
         opened_position, opened_at, last_activity_at, closed_reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::int[], $7::int[],
         $8::bigint[], $9::text[], $10::text[], $11::text[])
     ), updated AS (
       UPDATE accounts a SET status = u.status, balance = u.balance, version = u.version,
         transaction_count = a.transaction_count + u.movements, last_activity_at = u.last_at,
         closed_reason = COALESCE(u.closed_reason, a.closed_reason)
       FROM unnest($12::text[], $13::text[], $14::numeric[], $15::int[], $16::int[], $17::text[], $18::text[])
         AS u(account_id, status, balance, version, movements, last_at, closed_reason)
       WHERE a.account_id = u.account_id
     ), moved AS (
       INSERT INTO transactions (account_id, version, position, kind, amount, balance_after, counterparty_id, description, at)
       SELECT * FROM unnest($19::text[], $20::int[], $21::bigint[], $22::text[], $23::numeric[], $24::numeric[], $25::text[], $26::text[], $27::text[])
     )
     INSERT INTO commands (command_id, request, response) SELECT * FROM unnest($28::text[], $29::text[], $30::json[])`,
    [
      opened.map((a) => a.accountId),
      opened.map((a) => a.state.ownerName),
      opened.map((a) => a.state.currency),
      opened.map((a) => a.state.status),
      opened.map((a) => a.balance),
      opened.map((a) => a.version),
      opened.map((a) => a.movements),
      opened.map((a) => a.opened!.position),
      opened.map((a) => a.opened!.at),
      opened.map((a) => a.lastAt),
      opened.map((a) => a.closedReason),
      updated.map((a) => a.accountId),
      updated.map((a) => a.state.status),
      updated.map((a) => a.balance),
      updated.map((a) => a.version),
      updated.map((a) => a.movements),
      updated.map((a) => a.lastAt),
      updated.map((a) => a.closedReason),
      movements.map((r) => r.accountId),
      movements.map((r) => r.version),
      movements.map((r) => r.position),
      movements.map((r) => r.kind),
      movements.map((r) => r.amount),
      movements.map((r) => r.balanceAfter),
      movements.map((r) => r.counterpartyId ?? null),
      movements.map((r) => r.description),
      movements.map((r) => r.at),
      commands.map((c) => c.commandId),
      commands.map((c) => c.request),
      commands.map((c) => JSON.stringify(c.response)),
    ],
  );
}
