import type pg from 'pg';

/**
 * The tables. `events` is the log; `ledger_head` is its one-row head, which every append updates in its own
 * transaction (see docs/api.md, "Reading the log by position"); `commands` makes a command id take effect once;
 * `accounts` and `transactions` are read models, written in the transaction of the append they follow;
 * `server_token` is the access token a server started without LEDGER_TOKENS made, so that every process and
 * every restart on this database takes the same one.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position bigint NOT NULL,
  at text NOT NULL
);
INSERT INTO ledger_head (position, at) VALUES (0, '') ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS server_token (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  token text NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
  position bigint PRIMARY KEY,
  stream_id text NOT NULL,
  version integer NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  data json NOT NULL,
  event_id text NOT NULL,
  command_id text NOT NULL,
  at text NOT NULL,
  UNIQUE (stream_id, version)
);

CREATE TABLE IF NOT EXISTS commands (
  command_id text PRIMARY KEY,
  request text NOT NULL,
  response json NOT NULL
);

CREATE TABLE IF NOT EXISTS accounts (
  account_id text PRIMARY KEY,
  owner_name text NOT NULL,
  currency text NOT NULL,
  status text NOT NULL,
  balance numeric NOT NULL,
  version integer NOT NULL,
  transaction_count integer NOT NULL,
  opened_position bigint NOT NULL UNIQUE,
  opened_at text NOT NULL,
  last_activity_at text NOT NULL,
  closed_reason text
);

CREATE TABLE IF NOT EXISTS transactions (
  account_id text NOT NULL,
  version integer NOT NULL,
  position bigint NOT NULL,
  kind text NOT NULL,
  amount numeric NOT NULL,
  balance_after numeric NOT NULL,
  counterparty_id text,
  description text NOT NULL,
  at text NOT NULL,
  PRIMARY KEY (account_id, version)
);
`;

/** An arbitrary constant: the advisory lock that keeps two servers starting at once from racing to create tables. */
const MIGRATION_LOCK = 7_300_022;

export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The database's access token: the one kept there, or else `fresh`, kept from now on (the first process to ask wins). */
export async function keptToken(pool: pg.Pool, fresh: string): Promise<string> {
  await pool.query('INSERT INTO server_token (token) VALUES ($1) ON CONFLICT DO NOTHING', [fresh]);
  const { rows } = await pool.query<{ token: string }>('SELECT token FROM server_token');
  return rows[0]!.token;
}
