import type pg from 'pg';
import type { StreamDecision } from '../domain/decide-command';
import { ConcurrencyError } from '../domain/errors';
import { SCHEMA_VERSIONS, type RecordedEvent } from '../domain/events';
import type { EventText } from '../store/event-text';

/**
 * The event log on PostgreSQL. Positions come from the one-row `ledger_head`, updated in the append's own
 * transaction: appends therefore commit in position order, positions are gap-free, and a reader by position
 * never sees position p+1 before p (docs/api.md says why this and not a sequence).
 */

/** What a command decided for one stream (the domain's StreamDecision), to append at the version it was decided on. */
export type StreamAppend = StreamDecision;

interface EventRow {
  position: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  event_id: string;
  command_id: string;
  at: string;
}

const COLUMNS = 'position, stream_id, version, type, schema_version, data, event_id, command_id, at';

/** A row as the export format writes it: exactly as stored, older schema versions included. */
function asStored(row: EventRow): EventText {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    version: row.version,
    type: row.type as EventText['type'],
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: { eventId: row.event_id, commandId: row.command_id, at: row.at },
  };
}

/** A page of a stream's events as stored, after a version. */
export async function readStreamPage(db: pg.Pool, streamId: string, afterVersion: number, limit: number): Promise<EventText[]> {
  const { rows } = await db.query<EventRow>(
    // As a bigint: a version past the integer column's range asks for the empty page after the stream's end.
    `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND version > $2::bigint ORDER BY version LIMIT $3`,
    [streamId, afterVersion, limit],
  );
  return rows.map(asStored);
}

/**
 * The events after a position, as stored, with the last committed position. One statement, so both come
 * from the same snapshot: an append still in flight holds the positions after `head` and shows up whole later.
 */
export async function readLog(db: pg.Pool, after: number, limit: number): Promise<{ head: number; events: EventText[] }> {
  const { rows } = await db.query<EventRow & { head: string }>(
    `SELECT h.position AS head, e.* FROM ledger_head h
     LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2) e ON true`,
    [after, limit],
  );
  const head = Number(rows[0]?.head ?? 0);
  return { head, events: rows.filter((row) => row.position !== null).map(asStored) };
}

/** An event to write exactly as a device's log holds it: its data as JSON text, kept as given. */
export interface GivenEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: string;
  eventId: string;
  commandId: string;
  at: string;
}

/** Writes checked events at their own positions, in the caller's transaction, which holds the head (upload.ts). */
export async function writeLog(db: pg.ClientBase, events: readonly GivenEvent[]): Promise<void> {
  await db.query(
    `INSERT INTO events (${COLUMNS})
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::int[], $6::json[], $7::text[], $8::text[], $9::text[])`,
    [
      events.map((e) => e.position),
      events.map((e) => e.streamId),
      events.map((e) => e.version),
      events.map((e) => e.type),
      events.map((e) => e.schemaVersion),
      events.map((e) => e.data),
      events.map((e) => e.eventId),
      events.map((e) => e.commandId),
      events.map((e) => e.at),
    ],
  );
}

/**
 * Appends one command's events to their streams in the caller's transaction: takes the next positions from
 * the head (its row lock is held until the transaction ends) and inserts the events. Times never go back
 * along the log, whichever server's clock stamps them. A version already taken fails with ConcurrencyError.
 */
export async function append(
  db: pg.ClientBase,
  appends: StreamAppend[],
  ids: { commandId: string; newId: () => string; now: Date },
): Promise<RecordedEvent[]> {
  const flat = appends.flatMap((a) =>
    a.events.map((event, i) => ({ streamId: a.streamId, version: a.expectedVersion + 1 + i, event, eventId: ids.newId() })),
  );
  try {
    const { rows } = await db.query<{ start: string; at: string }>(
      `WITH head AS (
         UPDATE ledger_head SET position = position + $1, at = GREATEST(at, $2) RETURNING position - $1 AS start, at
       ), inserted AS (
         INSERT INTO events (${COLUMNS})
         SELECT head.start + e.ord, e.stream_id, e.version, e.type, e.schema_version, e.data::json, e.event_id, $3, head.at
         FROM head, unnest($4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[])
           WITH ORDINALITY AS e(stream_id, version, type, schema_version, data, event_id, ord)
       )
       SELECT start, at FROM head`,
      [
        flat.length,
        ids.now.toISOString(),
        ids.commandId,
        flat.map((e) => e.streamId),
        flat.map((e) => e.version),
        flat.map((e) => e.event.type),
        flat.map((e) => SCHEMA_VERSIONS[e.event.type]),
        flat.map((e) => JSON.stringify(e.event.data)),
        flat.map((e) => e.eventId),
      ],
    );
    const { start, at } = rows[0]!;
    return flat.map(({ streamId, version, event, eventId }, i) => ({
      ...event,
      streamId,
      version,
      position: Number(start) + i + 1,
      schemaVersion: SCHEMA_VERSIONS[event.type],
      metadata: { eventId, commandId: ids.commandId, at },
    })) as RecordedEvent[];
  } catch (error) {
    throw versionConflict(error, appends) ?? error;
  }
}

/** A unique violation on [stream, version] means another writer took the version first. */
function versionConflict(error: unknown, appends: StreamAppend[]): ConcurrencyError | null {
  const pgError = error as { code?: string; constraint?: string; detail?: string };
  if (pgError.code !== '23505' || pgError.constraint !== 'events_stream_id_version_key') return null;
  const match = /=\((.*), (\d+)\)/.exec(pgError.detail ?? '');
  const stream = appends.find((a) => a.streamId === match?.[1]) ?? appends[0]!;
  return new ConcurrencyError(stream.streamId, stream.expectedVersion, Number(match?.[2] ?? stream.expectedVersion + 1));
}
