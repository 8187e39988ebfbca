import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { initialState } from '../domain/account';
import type { LedgerCommand } from '../domain/commands';
import { decideCommand, streamsOf, type LoadedAccount } from '../domain/decide-command';
import type { RecordedEvent } from '../domain/events';
import { Money, toAmountString, type Currency } from '../domain/money';
import { inTransaction } from './db';
import { ServerError } from './errors';
import { append } from './event-store';
import { projectionOf, writeProjection } from './read-models';

/** What every command answers: the account it acted on (a transfer: the source), as the command left it. */
export interface CommandAnswer {
  account_id: string;
  status: 'open' | 'closed';
  balance: string;
  version: number;
  /** The last global position the command wrote: a device that pulls up to it sees the command's effect. */
  position: number;
}

export interface CommandOutcome {
  answer: CommandAnswer;
  /** True when the command id had already been executed: the first answer, and nothing written. */
  replayed: boolean;
}

/**
 * The stored request of a command that came in a device's uploaded log (upload.ts): the REST request the device
 * would send for it is unknown, so any retry with its id is that command, and gets its answer.
 */
export const UPLOADED_REQUEST = 'uploaded';

// Advisory lock classes, so that a command id and an account id never share a lock.
const COMMAND_LOCK = 1;
const STREAM_LOCK = 2;

/**
 * The keys of the accounts' locks, each once, in the order they are taken: sorted by key, not by id, since two ids
 * can share a key, and two transfers taking the same keys in different orders would deadlock.
 */
export function streamLockKeys(streams: readonly string[]): number[] {
  const keys = streams.map((id) => createHash('sha256').update(id).digest().readInt32BE(0));
  return [...new Set(keys)].sort((a, b) => a - b);
}

export interface CommandOptions {
  clock?: () => Date;
  newId?: () => string;
}

/**
 * The write side, one path for every command, in one PostgreSQL transaction: lock the command id and look it
 * up (a repeated id answers as the first time and writes nothing), lock the accounts it touches, load them (their
 * read-model rows), decide with the domain, append, fold the read models, record the answer. The locks keep two
 * servers from deciding on the same account at once; the unique [stream, version] key refuses a race regardless.
 */
export class CommandHandler {
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly pool: pg.Pool,
    options: CommandOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  /** `request` identifies what was asked, so that a command id reused for another request is refused. */
  execute(command: LedgerCommand, request: string): Promise<CommandOutcome> {
    return inTransaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [COMMAND_LOCK, command.commandId]);
      const earlier = await db.query<{ request: string; response: CommandAnswer }>(
        'SELECT request, response FROM commands WHERE command_id = $1',
        [command.commandId],
      );
      if (earlier.rows[0]) {
        if (earlier.rows[0].request !== request && earlier.rows[0].request !== UPLOADED_REQUEST) {
          throw new ServerError('IDEMPOTENCY_KEY_REUSED', 409, 'This Idempotency-Key was already used for a different request; use a new key for a new command.');
        }
        return { answer: earlier.rows[0].response, replayed: true };
      }
      const streams = streamsOf(command);
      for (const key of streamLockKeys(streams)) {
        await db.query('SELECT pg_advisory_xact_lock($1, $2)', [STREAM_LOCK, key]);
      }
      const loaded = await load(db, streams);
      const events = await append(db, decideCommand(command, loaded), { commandId: command.commandId, newId: this.newId, now: this.clock() });
      const projection = projectionOf(events, loaded);
      const answer = answerOf(streams[0]!, projection.states.get(streams[0]!)!, events);
      await writeProjection(db, projection, [{ commandId: command.commandId, request, response: answer }]);
      return { answer, replayed: false };
    });
  }
}

/**
 * The accounts as a command decides on them: each one's `accounts` row, which is its aggregate state, folded with
 * `evolve` in the transaction of every append to its stream (read-models.ts) and locked by the stream lock held
 * here. A load therefore costs the same at any length of history; an account without a row has no events.
 */
async function load(db: pg.ClientBase, streamIds: string[]): Promise<Map<string, LoadedAccount>> {
  const { rows } = await db.query<{ account_id: string; owner_name: string; currency: Currency; status: 'open' | 'closed'; balance: string; version: number }>(
    'SELECT account_id, owner_name, currency, status, balance, version FROM accounts WHERE account_id = ANY($1)',
    [streamIds],
  );
  const loaded = new Map<string, LoadedAccount>(streamIds.map((id) => [id, { state: initialState, version: 0 }]));
  for (const row of rows) {
    const state = { status: row.status, accountId: row.account_id, ownerName: row.owner_name, currency: row.currency, balance: new Money(row.balance) };
    loaded.set(row.account_id, { state, version: row.version });
  }
  return loaded;
}

function answerOf(accountId: string, { state, version }: LoadedAccount, events: RecordedEvent[]): CommandAnswer {
  if (state.status === 'none') throw new Error(`Account ${accountId} has no state after a command`);
  return { account_id: accountId, status: state.status, balance: toAmountString(state.balance, state.currency), version, position: events.at(-1)!.position };
}
