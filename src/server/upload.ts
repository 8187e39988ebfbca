import type pg from 'pg';
import { EventReader, NEED_MORE, anyLayout, checkCount } from '../app/import-source';
import type { LoadedAccount } from '../domain/decide-command';
import { ImportError } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { LedgerCheck } from '../domain/ledger-check';
import { UPLOADED_REQUEST, type CommandAnswer } from './commands';
import { inTransaction } from './db';
import { writeLog, type GivenEvent } from './event-store';
import { projectionOf, writeProjection, type CommandRecord } from './read-models';

export interface UploadResult {
  events: number;
  head: number;
}

/** An event of the file as JSON.parse gave it, once LedgerCheck has accepted it. */
interface AcceptedRaw {
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
}

/**
 * A device's whole ledger (an export file's text) becomes the server's log, only while the server's log is
 * empty: every event written as given, at its own position, with the read models and each command's answer,
 * in one transaction. The file is checked by the browser import's own reader and checker (LedgerCheck), a
 * slice at a time as it is written; the first refusal rolls everything back.
 */
export function uploadLog(pool: pg.Pool, text: string, now: Date): Promise<UploadResult> {
  // As the browser import reads: one event per line when the file is laid out so, else the document whole.
  return anyLayout((whole) => upload(pool, text, now, whole));
}

function upload(pool: pg.Pool, text: string, now: Date, whole: boolean): Promise<UploadResult> {
  return inTransaction(pool, async (db) => {
    // The head's row lock: a second upload, or a command's append, waits here until this one commits or fails.
    const { rows } = await db.query<{ position: string }>('SELECT position FROM ledger_head FOR UPDATE');
    const held = Number(rows[0]!.position);
    if (held > 0) {
      throw new ImportError(
        'IMPORT_NOT_EMPTY',
        `The server already holds a ledger of ${held} events; it takes a device's ledger only while it is empty. Nothing was changed.`,
      );
    }
    const reader = new EventReader(text, whole);
    reader.start();
    const check = new LedgerCheck({ now: now.getTime(), clock: "the server's clock" });
    const answers = new CommandAnswers(check);
    const states = new Map<string, LoadedAccount>();
    let lastAt = '';
    for (let raws = reader.next(); raws !== null; raws = reader.next()) {
      if (raws === NEED_MORE) throw new Error('A text in memory never waits for more bytes');
      const given: GivenEvent[] = [];
      const events: RecordedEvent[] = [];
      for (const raw of raws) {
        const event = check.accept(raw, check.eventCount);
        const { type, schemaVersion, data } = raw as AcceptedRaw;
        const { position, streamId, version, metadata } = event;
        given.push({ position, streamId, version, type, schemaVersion, data: JSON.stringify(data), ...metadata });
        events.push(event);
        answers.add(event);
        lastAt = metadata.at;
      }
      await writeLog(db, given);
      const touched = new Map<string, LoadedAccount>();
      for (const { streamId } of events) {
        const before = states.get(streamId);
        if (before) touched.set(streamId, before);
      }
      const projection = projectionOf(events, touched);
      await writeProjection(db, projection, answers.takeDone());
      for (const [accountId, after] of projection.states) states.set(accountId, after);
    }
    check.finish();
    checkCount(reader.document, check.eventCount);
    await writeProjection(db, projectionOf([], new Map()), answers.takeAll());
    const head = check.eventCount;
    // The head's time as the server writes times; appends after this never stamp an earlier one.
    if (head > 0) await db.query('UPDATE ledger_head SET position = $1, at = $2', [head, new Date(lastAt).toISOString()]);
    return { events: head, head };
  });
}

/**
 * What each uploaded command answers a retry: what it would have answered had the server decided it, the account
 * it acted on (a transfer: the source) as the command left it, from the checker's state right after its events.
 */
class CommandAnswers {
  private readonly done: CommandRecord[] = [];
  private current: (CommandRecord & { response: CommandAnswer }) | null = null;

  constructor(private readonly check: LedgerCheck) {}

  /** After `check` accepted the event: a command's events are adjacent, and its first names its account. */
  add({ streamId, version, position, metadata }: RecordedEvent): void {
    if (this.current?.commandId !== metadata.commandId) {
      if (this.current) this.done.push(this.current);
      const response: CommandAnswer = { account_id: streamId, status: 'open', balance: '', version, position };
      this.current = { commandId: metadata.commandId, request: UPLOADED_REQUEST, response };
    }
    const answer = this.current.response;
    answer.position = position;
    if (streamId !== answer.account_id) return;
    const state = this.check.stateOf(streamId);
    if (state.status === 'none') throw new Error(`Account ${streamId} has no state after an accepted event`);
    answer.status = state.status;
    answer.balance = this.check.balanceText(streamId);
    answer.version = version;
  }

  /** The commands whose every event has been seen; the last one may go on in the next slice. */
  takeDone(): CommandRecord[] {
    return this.done.splice(0);
  }

  takeAll(): CommandRecord[] {
    const all = [...this.takeDone(), ...(this.current ? [this.current] : [])];
    this.current = null;
    return all;
  }
}
