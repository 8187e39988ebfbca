import Dexie from 'dexie';
import { ConcurrencyError } from '../domain/errors';
import { SCHEMA_VERSIONS, type AccountEvent, type EventMetadata, type RecordedEvent } from '../domain/events';
import { upcast } from '../domain/upcast';
import { findCommand } from './command-index';
import type { LedgerDb } from './db';
import { eventText, parseEventText } from './event-text';
import { storageFailure } from './storage-failure';
import type { CommandRef, CommitRecord, LogMeta, StoredEvent } from './records';

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

/** A stored event with the stream it belongs to. */
export interface LoggedEvent {
  streamId: string;
  stored: StoredEvent;
}

/** The most events one append may write to one stream (a command writes one or two). */
export const APPEND_RECORD_LIMIT = 16;

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

/**
 * Indexes the commands of freshly built records: the first record a command
 * writes carries its id (a unique index, so a command id is never written
 * twice) and where all of its events are. An appended record holds one
 * command's events; a record that mixed commands could not be indexed.
 */
export function indexCommands(records: [CommitRecord, RecordedEvent[]][]): void {
  const firsts = new Map<string, CommitRecord>();
  for (const [record, events] of records) {
    const id = events[0]!.metadata.commandId;
    if (events.some((e) => e.metadata.commandId !== id)) throw new RangeError('One append may write only one command\'s events to a stream.');
    const ref: CommandRef = [record.streamId, record.version, record.lastVersion];
    const first = firsts.get(id);
    if (first) first.commandRefs!.push(ref);
    else firsts.set(id, Object.assign(record, { commandId: id, commandRefs: [ref] }));
  }
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

/** What an append writes: its events, their commit records and the log's new head. */
export interface BuiltAppend {
  events: RecordedEvent[];
  records: CommitRecord[];
  head: LogMeta;
}

/**
 * The records and head an append writes, from the log's head and each stream's version (`versions[i]` for
 * `appends[i]`) as read in the append's transaction. No I/O. Fails with ConcurrencyError when a stream is
 * not at its expected version. With `projection`, the caller folds these events into the read models in the
 * same transaction, with that projection code: the head then says they reach the new position.
 */
export function buildAppend(appends: StreamAppend[], at: string, meta: LogMeta, versions: readonly number[], projection?: number): BuiltAppend {
  appends.forEach((a, i) => {
    const actual = versions[i] ?? 0;
    if (actual !== a.expectedVersion) throw new ConcurrencyError(a.streamId, a.expectedVersion, actual);
  });
  const stamp = at > meta.lastAt ? at : meta.lastAt;
  let position = meta.position;
  const events: RecordedEvent[] = [];
  const records: [CommitRecord, RecordedEvent[]][] = [];
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
    if (batch.length > 0) records.push([toCommitRecord(a.streamId, batch), batch]);
    events.push(...batch);
  }
  indexCommands(records);
  // The read models move with the log only when they were current and this transaction folds the events;
  // otherwise they stay behind it, and the next open rebuilds them.
  const current = projection !== undefined && readModelsCurrent(meta, projection);
  const head: LogMeta = { ...meta, position, lastAt: stamp, ...(current && { projections: { position, version: projection, segmentsThrough: meta.projections?.segmentsThrough ?? 0 } }) };
  return { events, records: records.map(([record]) => record), head };
}

/** Whether the head says the read models have folded its whole log, with the projection code of `version`. */
export function readModelsCurrent({ position, projections }: LogMeta, version: number): boolean {
  return projections ? projections.position === position && projections.version === version : position === 0;
}

/**
 * The append-only log. Each method joins the caller's Dexie transaction when there is one, so a command's
 * read-decide-write is a single atomic step.
 */
export class EventStore {
  constructor(readonly db: LedgerDb) {}

  async meta(): Promise<LogMeta> {
    return (await this.db.meta.get('log')) ?? { key: 'log', position: 0, lastAt: '' };
  }

  /** The stream's newest version, from its last commit record (0 for a stream never written). */
  async streamVersion(streamId: string): Promise<number> {
    const last = await this.db.commits.where('[streamId+version]').between([streamId, Dexie.minKey], [streamId, Dexie.maxKey]).last();
    return last?.lastVersion ?? 0;
  }

  /**
   * Appends to one or more streams in one transaction: all of them or none. Fails with ConcurrencyError
   * when a stream is not at its expected version. The read models do not follow (the ledger's commands fold
   * them in the same transaction); the next open rebuilds them.
   */
  async append(appends: StreamAppend[], at: string): Promise<RecordedEvent[]> {
    const run = async () => {
      // Requests are issued together and answered in order: one round trip instead of several.
      const [meta, versions] = await Promise.all([this.meta(), Promise.all(appends.map((a) => this.streamVersion(a.streamId)))]);
      const built = buildAppend(appends, at, meta, versions);
      await this.write(appends, built);
      return built.events;
    };
    if (Dexie.currentTransaction || this.db.transactionBound) return run();
    try {
      return await this.db.transaction('rw', this.db.commits, this.db.meta, run);
    } catch (error) {
      throw storageFailure(error);
    }
  }

  /** Writes a built append's records and head in the current transaction; resolves when both are written. */
  write(appends: StreamAppend[], { records, head }: BuiltAppend): Promise<unknown> {
    // `add` (never `put`): a duplicate [streamId+version] is refused by IndexedDB itself.
    const added = this.db.commits.bulkAdd(records).catch(async (error: unknown) => {
      if (error instanceof Dexie.BulkError || (error as Error).name === 'ConstraintError') {
        const a = appends[0]!;
        throw new ConcurrencyError(a.streamId, a.expectedVersion, await this.streamVersion(a.streamId));
      }
      throw error;
    });
    return Promise.all([added, this.db.meta.put(head)]);
  }

  /** Events of one stream with fromVersion <= version <= toVersion, oldest first. */
  async readStream(streamId: string, fromVersion = 1, toVersion = Number.MAX_SAFE_INTEGER): Promise<RecordedEvent[]> {
    // The record that holds fromVersion may start before it: its key alone says where (its events are read once, below).
    const start = (await this.db.commits
      .where('[streamId+version]')
      .between([streamId, Dexie.minKey], [streamId, fromVersion], true, true)
      .lastKey()) as [string, number] | undefined;
    const records = await this.db.commits
      .where('[streamId+version]')
      .between([streamId, start?.[1] ?? fromVersion], [streamId, toVersion], true, true)
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
