import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { replay } from '../domain/account';
import type { LedgerCommand } from '../domain/commands';
import { decideCommand, streamsOf, type LoadedAccount } from '../domain/decide-command';
import type { RecordedEvent } from '../domain/events';
import { toAmountString } from '../domain/money';
import { inTransaction } from './db';
import { ServerError } from './errors';
import { append, readStream } from './event-store';
import { project } from './read-models';

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

// Advisory lock classes, so that a command id and an account id never share a lock.
const COMMAND_LOCK = 1;
const STREAM_LOCK = 2;

export interface CommandOptions {
  clock?: () => Date;
  newId?: () => string;
}

/**
 * The write side, one path for every command, in one PostgreSQL transaction: lock the command id and look it
 * up (a repeated id answers as the first time and writes nothing), lock the accounts it touches, load them from
 * their events, decide with the domain, append, fold the read models, record the answer. The locks keep two
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
        if (earlier.rows[0].request !== request) {
          throw new ServerError('IDEMPOTENCY_KEY_REUSED', 409, 'This Idempotency-Key was already used for a different request; use a new key for a new command.');
        }
        return { answer: earlier.rows[0].response, replayed: true };
      }
      const streams = streamsOf(command);
      // Always in the same order, so that two transfers between the same accounts cannot deadlock.
      for (const streamId of [...streams].sort()) {
        await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STREAM_LOCK, streamId]);
      }
      const loaded = new Map<string, LoadedAccount>();
      for (const streamId of streams) loaded.set(streamId, await load(db, streamId));
      const events = await append(db, decideCommand(command, loaded), { commandId: command.commandId, newId: this.newId, now: this.clock() });
      await project(db, events, loaded);
      const answer = answerOf(streams[0]!, loaded.get(streams[0]!)!, events);
      await db.query('INSERT INTO commands (command_id, request, response) VALUES ($1, $2, $3)', [command.commandId, request, answer]);
      return { answer, replayed: false };
    });
  }
}

async function load(db: pg.ClientBase, streamId: string): Promise<LoadedAccount> {
  const events = await readStream(db, streamId);
  return { state: replay(events), version: events.at(-1)?.version ?? 0 };
}

function answerOf(accountId: string, before: LoadedAccount, events: RecordedEvent[]): CommandAnswer {
  const own = events.filter((event) => event.streamId === accountId);
  const state = replay(own, before.state);
  if (state.status === 'none') throw new Error(`Account ${accountId} has no state after a command`);
  return {
    account_id: accountId,
    status: state.status,
    balance: toAmountString(state.balance, state.currency),
    version: own.at(-1)?.version ?? before.version,
    position: events.at(-1)!.position,
  };
}
