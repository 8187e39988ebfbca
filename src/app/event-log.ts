import Dexie from 'dexie';
import { ValidationError, quoted } from '../domain/errors';
import { isEventType, type AccountEventType } from '../domain/events';
import type { Currency } from '../domain/money';
import { movementOf } from '../projections/fold';
import { ledgerAt, unreadable } from '../projections/timeline';
import type { LedgerDb } from '../store/db';
import { EventStore, toRecorded } from '../store/event-store';
import { parseEventText } from '../store/event-text';
import { KIND, foldableSegment } from '../store/fold-segments';
import type { CommitRecord, LogMeta } from '../store/records';
import { fromColumn } from '../store/text-column';
import { toInstant } from './temporal';

export type Direction = 'older' | 'newer';

export interface EventLogFilter {
  accountId?: string | undefined;
  type?: AccountEventType | undefined;
  /** Instants: only events recorded from `since` to `until`, both included. */
  since?: string | undefined;
  until?: string | undefined;
}

export interface EventLogRequest extends EventLogFilter {
  /** Where the page starts: by default the newest event ('older') or the first ('newer'). */
  at?: number | undefined;
  /** 'older': the matching events at or before `at`; 'newer': those at or after it. Rows are newest first either way. */
  direction?: Direction;
  limit?: number;
}

export interface EventLogRow {
  position: number;
  at: string;
  accountId: string;
  ownerName: string;
  currency: Currency;
  type: AccountEventType;
  /** As stored: an older shape is lifted on read, never rewritten. */
  schemaVersion: number;
  /** Signed (negative when money leaves the account); null for an event that moves none. */
  amount: string | null;
  /** The event as the log stores it, as JSON text. */
  json: string;
}

export interface EventLogPage {
  /** Newest first. */
  rows: EventLogRow[];
  /** The log's newest position. */
  head: number;
  /** Whether matching events lie beyond the last row, and before the first one. */
  hasOlder: boolean;
  hasNewer: boolean;
}

/** One event a walk found; its text when the walk read it. */
interface Found {
  streamId: string;
  version: number;
  position: number;
  text?: string;
}

const DEFAULT_LIMIT = 50;
const SEGMENTS_AT_ONCE = 4;
const APPENDED_AT_ONCE = 256;
const STREAM_RECORDS_AT_ONCE = 4;

/** The positions [lo, hi] the filter allows. */
interface Window {
  lo: number;
  hi: number;
  type: AccountEventType | undefined;
}

/**
 * Walks the whole log by position: the fold segments as far as they reach (they hold each position's stream,
 * version and kind), then the appended records through the position index. Only what a page needs is read.
 */
class LogWalk {
  private readonly store: EventStore;
  private readonly through: number;
  private readonly kind: string | undefined;

  constructor(
    private readonly db: LedgerDb,
    meta: LogMeta,
    private readonly window: Window,
  ) {
    this.store = new EventStore(db);
    this.through = Math.min(meta.projections?.segmentsThrough ?? 0, meta.position);
    this.kind = window.type && KIND[window.type];
  }

  async find(from: number, direction: Direction, count: number): Promise<Found[]> {
    const { lo, hi } = this.window;
    const found: Found[] = [];
    let p = direction === 'older' ? Math.min(from, hi) : Math.max(from, lo);
    while (found.length < count && p >= lo && p <= hi) {
      p = p > this.through ? await this.appended(p, direction, count, found) : await this.segments(p, direction, count, found);
    }
    return found;
  }

  /** Adds matches from the appended events near `p`; returns the position to go on from. */
  private async appended(p: number, direction: Direction, count: number, found: Found[]): Promise<number> {
    const older = direction === 'older';
    const [from, to] = older ? [Math.max(p - APPENDED_AT_ONCE + 1, this.through + 1, this.window.lo), p] : [p, Math.min(p + APPENDED_AT_ONCE - 1, this.window.hi)];
    const events = await this.store.readAppended(from, to);
    for (const event of older ? events.reverse() : events) {
      if (found.length === count) break;
      if (!this.window.type || event.type === this.window.type) found.push({ streamId: event.streamId, version: event.version, position: event.position });
    }
    return older ? from - 1 : to + 1;
  }

  /** Adds matches from the fold segments from `p` on; returns the position to go on from. */
  private async segments(p: number, direction: Direction, count: number, found: Found[]): Promise<number> {
    const older = direction === 'older';
    const folds = this.db.folds.where('start');
    const segments = older
      ? await folds.belowOrEqual(p).reverse().limit(SEGMENTS_AT_ONCE).toArray()
      : await folds.between((await folds.belowOrEqual(p).lastKey()) ?? p, this.through, true, true).limit(SEGMENTS_AT_ONCE).toArray();
    const stop = older ? this.window.lo : Math.min(this.window.hi, this.through);
    for (const segment of segments) {
      const { start, versions, kinds } = segment;
      // A segment another release wrote, or a gap, would list events that are not the log's.
      if (!foldableSegment(segment) || p < start || p >= start + versions.length) throw unreadable();
      const last = older ? Math.max(stop, start) : Math.min(stop, start + versions.length - 1);
      let streamIds: string[] | null = null;
      for (; older ? p >= last : p <= last; p += older ? -1 : 1) {
        if (found.length === count) return p;
        if (this.kind && kinds[p - start] !== this.kind) continue;
        streamIds ??= fromColumn(segment.streamIds);
        found.push({ streamId: streamIds[p - start]!, version: versions[p - start]!, position: p });
      }
      if (older ? p < stop : p > stop) return p;
    }
    if (segments.length === 0) throw unreadable();
    return p;
  }
}

/** Walks one account's stream, its records newest or oldest first: an account filter reads that stream only. */
class StreamWalk {
  constructor(
    private readonly db: LedgerDb,
    private readonly streamId: string,
    private readonly window: Window,
  ) {}

  async find(from: number, direction: Direction, count: number): Promise<Found[]> {
    const older = direction === 'older';
    const { lo, hi, type } = this.window;
    const found: Found[] = [];
    for (let after: number | null = null; ; ) {
      const records = await this.records(direction, after);
      for (const record of records) {
        const { positions, events, version } = record;
        for (let i = older ? positions.length - 1 : 0; i >= 0 && i < positions.length; i += older ? -1 : 1) {
          const position = positions[i]!;
          if (older ? position > from || position > hi : position < from || position < lo) continue;
          if (older ? position < lo : position > hi) return found;
          const text = events[i]!;
          if (type && parseEventText(text).type !== type) continue;
          found.push({ streamId: this.streamId, version: version + i, position, text });
          if (found.length === count) return found;
        }
      }
      if (records.length < STREAM_RECORDS_AT_ONCE) return found;
      after = records[records.length - 1]!.version;
    }
  }

  /** The next few records of the stream in `direction`, past the one that starts at version `after`. */
  private records(direction: Direction, after: number | null): Promise<CommitRecord[]> {
    const range = this.db.commits.where('[streamId+version]');
    const id = this.streamId;
    return direction === 'older'
      ? range.between([id, Dexie.minKey], [id, after ?? Dexie.maxKey], true, false).reverse().limit(STREAM_RECORDS_AT_ONCE).toArray()
      : range.between([id, after ?? Dexie.minKey], [id, Dexie.maxKey], false, true).limit(STREAM_RECORDS_AT_ONCE).toArray();
  }
}

/** The stored text of each event found, read from the commit records that hold them (each record once). */
async function withTexts(db: LedgerDb, found: Found[]): Promise<Required<Found>[]> {
  const keys = await Promise.all(
    found.map((f) =>
      f.text === undefined
        ? (db.commits.where('[streamId+version]').between([f.streamId, Dexie.minKey], [f.streamId, f.version], true, true).lastKey() as Promise<[string, number] | undefined>)
        : undefined,
    ),
  );
  const unique = [...new Map(keys.flatMap((key) => (key ? [[JSON.stringify(key), key] as const] : []))).values()];
  const records = new Map((await db.commits.bulkGet(unique)).map((record, i) => [JSON.stringify(unique[i]), record]));
  return found.map((f, i) => {
    const record = records.get(JSON.stringify(keys[i]));
    const text = f.text ?? record?.events[f.version - record.version];
    if (text === undefined) throw unreadable();
    return { ...f, text };
  });
}

async function toRows(db: LedgerDb, found: Required<Found>[]): Promise<EventLogRow[]> {
  const ids = [...new Set(found.map((f) => f.streamId))];
  const accounts = new Map((await db.accounts.bulkGet(ids)).map((row, i) => [ids[i]!, row]));
  return found.map(({ streamId, text }) => {
    const account = accounts.get(streamId);
    if (!account) throw unreadable();
    const stored = parseEventText(text);
    const movement = movementOf(toRecorded(streamId, stored));
    return {
      position: stored.position,
      at: stored.metadata.at,
      accountId: streamId,
      ownerName: account.ownerName,
      currency: account.currency,
      type: stored.type,
      schemaVersion: stored.schemaVersion,
      amount: movement && (movement.incoming ? movement.amount : `-${movement.amount}`),
      json: text,
    };
  });
}

const justBefore = (instant: string) => new Date(Date.parse(instant) - 1).toISOString();

/**
 * The ledger's whole event log, a page at a time, newest first, from any position, filtered by account, type
 * and time. Event times never go backwards along the log, so a time range is a run of positions, found by time
 * travel's own lookup; a page then reads only what it shows.
 */
export class EventLog {
  constructor(private readonly db: LedgerDb) {}

  async page(request: EventLogRequest = {}): Promise<EventLogPage> {
    const { accountId, type, since, until, direction = 'older' } = request;
    if (type !== undefined && !isEventType(type)) throw new ValidationError('UNKNOWN_EVENT_TYPE', 'type', `Unknown event type ${quoted(type)}.`);
    const limit = Math.max(1, Math.min(500, Math.floor(request.limit ?? DEFAULT_LIMIT)));
    const [sinceInstant, untilInstant] = [since === undefined ? undefined : toInstant(since), until === undefined ? undefined : toInstant(until)];
    const { db } = this;
    return db.transaction('r', [db.meta, db.commits, db.folds, db.ledgerCheckpoints, db.accounts], async (tx) => {
      // Dexie's zone, by which it knows the transaction, does not survive the walks' nested awaits: they read
      // through tables bound to it. A live query still follows every change, since every write rewrites the
      // log's head, read here first (and the time lookups too) while the zone holds.
      const bound = db.bound(tx);
      const meta = await new EventStore(bound).meta();
      const window: Window = {
        lo: sinceInstant === undefined ? 1 : (await ledgerAt(db, { at: justBefore(sinceInstant) })).position + 1,
        hi: untilInstant === undefined ? meta.position : (await ledgerAt(db, { at: untilInstant })).position,
        type,
      };
      const walk = accountId ? new StreamWalk(bound, accountId, window) : new LogWalk(bound, meta, window);
      const older = direction === 'older';
      const from = request.at !== undefined && Number.isFinite(request.at) ? Math.floor(request.at) : older ? window.hi : window.lo;
      const found = await walk.find(from, direction, limit + 1);
      const beyond = (await walk.find(older ? from + 1 : from - 1, older ? 'newer' : 'older', 1)).length > 0;
      const shown = found.slice(0, limit);
      const rows = await toRows(bound, await withTexts(bound, older ? shown : shown.reverse()));
      const more = found.length > limit;
      return { rows, head: meta.position, hasOlder: older ? more : beyond, hasNewer: older ? beyond : more };
    });
  }
}
