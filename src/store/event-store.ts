import Dexie from 'dexie';
import { ConcurrencyError, StorageError } from '../domain/errors';
import { SCHEMA_VERSIONS, type AccountEvent, type EventMetadata, type RecordedEvent } from '../domain/events';
import { upcast } from '../domain/upcast';
import { findCommand, type CommandRecord } from './command-index';
import type { CommitRecord, LedgerDb, LogMeta, StoredEvent, StreamHead } from './db';
import { eventText, parseEventText } from './event-text';

export interface PendingEvent {
  event: AccountEvent;
  metadata: Omit<EventMetadata, 'at'>;
}

export interface StreamAppend {
  streamId: string;
  /** Version the caller last saw; 0 for a new stream. */
  expectedVersion: number;
  events: PendingEvent[];
}

/** What a caller already read inside the append's transaction. */
export interface AppendReads {
  meta?: Promise<LogMeta>;
  /** Each stream's head version, read in this same transaction. */
  versions?: ReadonlyMap<string, number>;
}

/** A stored event with the stream it belongs to. */
export interface LoggedEvent {
  streamId: string;
  stored: StoredEvent;
}

/** The most events one append may write to one stream (a command writes one or two). */
export const APPEND_RECORD_LIMIT = 16;

export const EMPTY_META: LogMeta = { key: 'log', position: 0, lastAt: '' };

/** Lifts a stored event to the current schema and gives it its stream id. */
export function toRecorded(streamId: string, stored: StoredEvent): RecordedEvent {
  const { type, data } = upcast(stored.type, stored.schemaVersion, stored.data);
  return {
    type,
    data,
    streamId,
    version: stored.version,
    position: stored.position,
    schemaVersion: stored.schemaVersion,
    metadata: stored.metadata,
  } as RecordedEvent;
}

function toStored(recorded: RecordedEvent): StoredEvent {
  return {
    position: recorded.position,
    version: recorded.version,
    type: recorded.type,
    schemaVersion: recorded.schemaVersion,
    data: recorded.data,
    metadata: recorded.metadata,
  };
}

/** Groups a stream's consecutive events into one record. */
export function toCommitRecord(streamId: string, events: RecordedEvent[]): CommitRecord {
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) throw new Error('A commit needs at least one event.');
  return {
    streamId,
    version: first.version,
    lastVersion: last.version,
    position: first.position,
    positions: events.map((e) => e.position),
    events: events.map((e) => eventText(streamId, toStored(e))),
  };
}

/** The command index rows for freshly appended events: each command, the streams and versions it wrote. */
function commandsOf(events: RecordedEvent[]): CommandRecord[] {
  const byId = new Map<string, CommandRecord>();
  for (const event of events) {
    const id = event.metadata.commandId;
    let row = byId.get(id);
    if (!row) byId.set(id, (row = { commandId: id, refs: [] }));
    const ref = row.refs.find((r) => r[0] === event.streamId);
    if (ref) ref[2] = event.version;
    else row.refs.push([event.streamId, event.version, event.version]);
  }
  return [...byId.values()];
}

/** The head a commit record leaves its stream at. */
export function headOf(record: CommitRecord): StreamHead {
  const last = parseEventText(record.events[record.events.length - 1]!);
  return { streamId: record.streamId, version: last.version, lastEventId: last.metadata.eventId };
}

/** The events of a record with a version in [from, to], parsed; versions are consecutive, so only those are read. */
function eventsIn(record: CommitRecord, from: number, to: number): RecordedEvent[] {
  const first = Math.max(0, from - record.version);
  const last = Math.min(record.events.length - 1, to - record.version);
  const events: RecordedEvent[] = [];
  for (let i = first; i <= last; i++) events.push(toRecorded(record.streamId, parseEventText(record.events[i]!)));
  return events;
}

/** The events of a record with a position in [from, to], as stored. */
function storedIn(record: CommitRecord, from: number, to: number): LoggedEvent[] {
  const events: LoggedEvent[] = [];
  record.positions.forEach((position, i) => {
    if (position < from || position > to) return;
    const { streamId, ...stored } = parseEventText(record.events[i]!);
    events.push({ streamId, stored });
  });
  return events;
}

/** Translates IndexedDB's failures into the ledger's own errors; rethrows the rest. */
export function storageFailure(error: unknown): unknown {
  const name = (error as { name?: string } | null)?.name;
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name;
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
    return new StorageError(
      'STORAGE_QUOTA_EXCEEDED',
      'The browser refused to store more data (storage quota exceeded). Nothing was written; export the ledger and free some space.',
    );
  }
  return error;
}

/**
 * The append-only log. Each method joins the caller's Dexie transaction when
 * there is one, so a command's read-decide-write is a single atomic step.
 */
export class EventStore {
  constructor(readonly db: LedgerDb) {}

  async meta(): Promise<LogMeta> {
    return (await this.db.meta.get('log')) ?? EMPTY_META;
  }

  async head(streamId: string): Promise<StreamHead | undefined> {
    return this.db.streams.get(streamId);
  }

  async streamVersion(streamId: string): Promise<number> {
    return (await this.head(streamId))?.version ?? 0;
  }

  /**
   * Appends to one or more streams in one transaction: all of them or none.
   * Fails with ConcurrencyError when a stream moved past `expectedVersion`.
   */
  async append(appends: StreamAppend[], at: string, read?: AppendReads): Promise<RecordedEvent[]> {
    const { events, written } = await this.stage(appends, at, read);
    await written;
    return events;
  }

  /**
   * Append without waiting for the writes: the events are known as soon as
   * the checks pass, so a caller in the same transaction can issue its own
   * writes alongside (`written` settles when the log's writes are done).
   * `read` carries what the caller already read in this transaction.
   */
  async stage(appends: StreamAppend[], at: string, read: AppendReads = {}): Promise<{ events: RecordedEvent[]; written: Promise<unknown> }> {
    const run = async () => {
      // Requests are issued together and answered in order: one round trip instead of several.
      const [meta, heads] = await Promise.all([
        read.meta ?? this.meta(),
        read.versions ? appends.map((a) => ({ version: read.versions!.get(a.streamId) ?? 0 })) : this.db.streams.bulkGet(appends.map((a) => a.streamId)),
      ]);
      appends.forEach((a, i) => {
        const actual = heads[i]?.version ?? 0;
        if (actual !== a.expectedVersion) throw new ConcurrencyError(a.streamId, a.expectedVersion, actual);
      });
      const stamp = at > meta.lastAt ? at : meta.lastAt;
      let position = meta.position;
      const recorded: RecordedEvent[] = [];
      const records: CommitRecord[] = [];
      for (const a of appends) {
        const batch = a.events.map(({ event, metadata }, i): RecordedEvent => ({
          ...event,
          streamId: a.streamId,
          version: a.expectedVersion + i + 1,
          position: ++position,
          schemaVersion: SCHEMA_VERSIONS[event.type],
          metadata: { ...metadata, at: stamp },
        }) as RecordedEvent);
        if (batch.length > APPEND_RECORD_LIMIT) {
          throw new RangeError(`One append may write at most ${APPEND_RECORD_LIMIT} events to a stream.`);
        }
        if (batch.length > 0) records.push(toCommitRecord(a.streamId, batch));
        recorded.push(...batch);
      }
      // `add` (never `put`): a duplicate [streamId+version] is refused by IndexedDB itself.
      const added = this.db.commits.bulkAdd(records).catch(async (error: unknown) => {
        if (error instanceof Dexie.BulkError || (error as Error).name === 'ConstraintError') {
          const a = appends[0]!;
          throw new ConcurrencyError(a.streamId, a.expectedVersion, await this.streamVersion(a.streamId));
        }
        throw error;
      });
      const written = Promise.all([
        added,
        this.db.streams.bulkPut(records.map(headOf)),
        this.db.commands.bulkPut(commandsOf(recorded)),
        this.db.meta.put({ key: 'log', position, lastAt: stamp }),
      ]);
      return { events: recorded, written };
    };
    if (Dexie.currentTransaction) return run();
    try {
      return await this.db.transaction('rw', this.db.commits, this.db.commands, this.db.streams, this.db.meta, async () => {
        const staged = await run();
        await staged.written;
        return staged;
      });
    } catch (error) {
      throw storageFailure(error);
    }
  }

  /** Events of one stream with fromVersion <= version <= toVersion, oldest first. */
  async readStream(streamId: string, fromVersion = 1, toVersion = Number.MAX_SAFE_INTEGER): Promise<RecordedEvent[]> {
    // The record that holds fromVersion may start before it.
    const start = await this.db.commits
      .where('[streamId+version]')
      .between([streamId, Dexie.minKey], [streamId, fromVersion], true, true)
      .last();
    const records = await this.db.commits
      .where('[streamId+version]')
      .between([streamId, start?.version ?? fromVersion], [streamId, toVersion], true, true)
      .toArray();
    return records.flatMap((record) => eventsIn(record, fromVersion, toVersion));
  }

  /** First versions of the stream's newest `limit` records, newest first: keys only, no events read. */
  async newestRecordVersions(streamId: string, limit: number): Promise<number[]> {
    const keys = await this.db.commits
      .where('[streamId+version]')
      .between([streamId, Dexie.minKey], [streamId, Dexie.maxKey])
      .reverse()
      .limit(limit)
      .primaryKeys();
    return keys.map((key) => key[1]);
  }

  /** Events from `fromVersion` on, when the record holding it is known to start at `recordVersion`. */
  async readStreamFrom(streamId: string, recordVersion: number, fromVersion: number): Promise<RecordedEvent[]> {
    const records = await this.db.commits
      .where('[streamId+version]')
      .between([streamId, recordVersion], [streamId, Dexie.maxKey], true, true)
      .toArray();
    return records.flatMap((record) => eventsIn(record, fromVersion, Number.MAX_SAFE_INTEGER));
  }

  /** Stored events (as written, before upcasting) with fromPosition <= position <= toPosition, in global order. */
  async readAllStored(fromPosition = 1, toPosition = Number.MAX_SAFE_INTEGER): Promise<LoggedEvent[]> {
    // A record's first position is its smallest, so every event <= toPosition sits in a record that starts <= toPosition.
    const records = await this.db.commits.where('position').belowOrEqual(toPosition).toArray();
    return records.flatMap((record) => storedIn(record, fromPosition, toPosition)).sort((a, b) => a.stored.position - b.stored.position);
  }

  /**
   * Events in a position range of the log's appended part, where every record
   * is one append (at most APPEND_RECORD_LIMIT events, consecutive positions),
   * so the range is found through the position index without reading the rest.
   */
  async readAppended(fromPosition: number, toPosition: number): Promise<RecordedEvent[]> {
    if (toPosition < fromPosition) return [];
    const records = await this.db.commits
      .where('position')
      .between(fromPosition - APPEND_RECORD_LIMIT + 1, toPosition, true, true)
      .toArray();
    return records
      .flatMap((record) => storedIn(record, fromPosition, toPosition))
      .map((e) => toRecorded(e.streamId, e.stored))
      .sort((a, b) => a.position - b.position);
  }

  /** Events with fromPosition <= position <= toPosition in global order, upcast to the current schema. */
  async readAll(fromPosition = 1, toPosition = Number.MAX_SAFE_INTEGER): Promise<RecordedEvent[]> {
    return (await this.readAllStored(fromPosition, toPosition)).map((e) => toRecorded(e.streamId, e.stored));
  }

  /** The events an earlier command wrote, for idempotent retries; empty when the id is new. */
  async eventsOfCommand(commandId: string): Promise<RecordedEvent[]> {
    const refs = await findCommand(this.db, commandId);
    if (!refs) return [];
    const events = await Promise.all(refs.map(([streamId, from, to]) => this.readStream(streamId, from, to)));
    return events
      .flat()
      .filter((e) => e.metadata.commandId === commandId)
      .sort((a, b) => a.position - b.position);
  }
}
