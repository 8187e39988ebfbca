import { StorageError } from '../domain/errors';
import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { foldableSegment, segmentRows } from '../store/fold-segments';
import type { FoldSegment, LogMeta } from '../store/records';
import type { RecordedEvent } from '../domain/events';
import { ProjectionBuilder } from './fold';
import type { AccountRow, CheckpointAccount } from './rows';

export interface AccountAtPoint {
  accountId: string;
  ownerName: string;
  currency: string;
  status: 'open' | 'closed';
  balance: string;
}

export interface LedgerAtPoint {
  /** Last global position included (0 = before the first event). */
  position: number;
  /** Time of that event, or null before the first. */
  at: string | null;
  accounts: AccountAtPoint[];
}

/** Where a walk along the log stops: at a position, or before the first event later than a time. */
type Limit = { position: number } | { at: string };

const within = (limit: Limit, position: number, at: string) => ('position' in limit ? position <= limit.position : at <= limit.at);

/** An account as a ledger checkpoint holds it, for the fold to carry on from (the timeline shows no more of it). */
function fromCheckpoint([accountId, ownerName, currency, status, balance, version]: CheckpointAccount): AccountRow {
  return { accountId, ownerName, currency, status, balance, version, openedAt: '', openedPosition: 0, lastActivityAt: '', transactionCount: 0 };
}

/**
 * The whole ledger at a point, through the read models' own fold: from the nearest ledger checkpoint at or
 * before it, the fold segments (the log as far as an import or a rebuild wrote them), then the events appended
 * since, up to the point: about db.timelineEvery events at the most, in one read-only transaction. Event times
 * never go backwards along the log, so "up to a time" is a prefix of it.
 */
export function ledgerAt(db: LedgerDb, limit: Limit): Promise<LedgerAtPoint> {
  return db.transaction('r', [db.meta, db.commits, db.ledgerCheckpoints, db.folds], async () => {
    const [meta, checkpoint] = await Promise.all([
      new EventStore(db).meta(),
      'position' in limit ? db.ledgerCheckpoints.where('position').belowOrEqual(limit.position).last() : db.ledgerCheckpoints.where('at').belowOrEqual(limit.at).last(),
    ]);
    const fold = new ProjectionBuilder(checkpoint?.accounts.map(fromCheckpoint) ?? []);
    let position = checkpoint?.position ?? 0;
    let at = checkpoint?.at ?? null;
    // The point lies before the next checkpoint (else that one would have been picked), which bounds the walk.
    const next = (await db.ledgerCheckpoints.where('position').above(position).firstKey()) as number | undefined;
    const end = Math.min(meta.position, 'position' in limit ? limit.position : meta.position, next === undefined ? Infinity : next - 1);
    const segmentsThrough = Math.min(meta.projections?.segmentsThrough ?? 0, end);
    let stopped = false;
    for (const segment of position < segmentsThrough ? await segmentsHolding(db, position + 1, segmentsThrough) : []) {
      const from = position + 1 - segment.start;
      // A segment another release wrote, or a gap, would replay a ledger that never was.
      if (!foldableSegment(segment) || from < 0 || from >= segment.versions.length) throw unreadable();
      const rows = segmentRows(segment);
      let to = from;
      while (to < rows.streamIds.length && segment.start + to <= segmentsThrough && within(limit, segment.start + to, rows.ats[to]!)) to++;
      fold.applySegment(segment, rows, from, to);
      if (to > from) [position, at] = [segment.start + to - 1, rows.ats[to - 1]!];
      if (position >= segmentsThrough) break;
      stopped = to < rows.streamIds.length;
      if (stopped) break;
    }
    if (position < segmentsThrough && !stopped) throw unreadable();
    // Appended after the segments; where the segments stopped at the limit, the first of these is past it too.
    for (const event of end > Math.max(position, segmentsThrough) ? await new EventStore(db).readAppended(Math.max(position, segmentsThrough) + 1, end) : []) {
      if (!within(limit, event.position, event.metadata.at)) break;
      fold.apply(event);
      position = event.position;
      at = event.metadata.at;
    }
    const accounts = fold.accounts().map(({ accountId, ownerName, currency, status, balance }) => ({ accountId, ownerName, currency, status, balance }));
    return { position, at, accounts };
  });
}

export const unreadable = () =>
  new StorageError('TIMELINE_UNREADABLE', 'The ledger’s history cannot be read here: it was stored by another version of Ledger, or is damaged. Reload the page; your ledger itself is unchanged.');

/** The fold segments that hold positions `from` to `to`. */
async function segmentsHolding(db: LedgerDb, from: number, to: number): Promise<FoldSegment[]> {
  // The segment holding `from` starts at or before it.
  const first = ((await db.folds.where('start').belowOrEqual(from).lastKey()) as number | undefined) ?? 1;
  return db.folds.where('start').between(first, to, true, true).toArray();
}

/**
 * Reads which events begin a commit. A commit (a transfer's two halves, an account opened with its first
 * deposit) was written at once: no one could ever have seen the ledger between its events.
 */
class CommitReader {
  private readonly store: EventStore;
  constructor(
    private readonly db: LedgerDb,
    private readonly meta: LogMeta,
  ) {
    this.store = new EventStore(db);
  }

  /** Whether the event at `position` belongs to the commit of the event before it. */
  async joinsPrevious(position: number): Promise<boolean> {
    if (position <= 1 || position > this.meta.position) return false;
    const through = this.meta.projections?.segmentsThrough ?? 0;
    if (position <= through) {
      const segment = await this.segmentAt(position);
      return segment.joined.includes(position - segment.start);
    }
    // An appended command never shares its id with an event before the segments end.
    if (position - 1 <= through) return false;
    const [before, event] = await this.store.readAppended(position - 1, position);
    return before !== undefined && event !== undefined && before.metadata.commandId === event.metadata.commandId;
  }

  /** The fold segment that holds `position` (one of the segments' part of the log). */
  private async segmentAt(position: number): Promise<FoldSegment> {
    const segment = await this.db.folds.where('start').belowOrEqual(position).last();
    if (!segment || !foldableSegment(segment) || position - segment.start >= segment.versions.length) throw unreadable();
    return segment;
  }

  /** The event at `position`: from its stream, found through the fold segments or the appended records. */
  async eventAt(position: number): Promise<RecordedEvent | undefined> {
    const through = this.meta.projections?.segmentsThrough ?? 0;
    if (position > through) return (await this.store.readAppended(position, position))[0];
    const segment = await this.segmentAt(position);
    const row = position - segment.start;
    const [event] = await this.store.readStream(segmentRows(segment).streamIds[row]!, segment.versions[row]!, segment.versions[row]!);
    return event;
  }
}

/**
 * The nearest position to `position`, toward `toward`, that ends a commit (0 and the log's end do too): the
 * points in time a person can be shown.
 */
export function commitBoundary(db: LedgerDb, position: number, toward: 'earlier' | 'later'): Promise<number> {
  return db.transaction('r', [db.meta, db.commits, db.folds], async () => {
    const meta = await new EventStore(db).meta();
    const commits = new CommitReader(db, meta);
    let at = Math.max(0, Math.min(Math.floor(position), meta.position));
    while (at > 0 && at < meta.position && (await commits.joinsPrevious(at + 1))) at += toward === 'later' ? 1 : -1;
    return at;
  });
}

/** The events of the commit that ends at `position` (none at 0), oldest first. */
export function commitEndingAt(db: LedgerDb, position: number): Promise<RecordedEvent[]> {
  return db.transaction('r', [db.meta, db.commits, db.folds], async () => {
    const commits = new CommitReader(db, await new EventStore(db).meta());
    const events: RecordedEvent[] = [];
    for (let at = position; at > 0; at--) {
      const event = await commits.eventAt(at);
      if (event) events.unshift(event);
      if (!(await commits.joinsPrevious(at))) break;
    }
    return events;
  });
}
