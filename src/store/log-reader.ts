import type { CommitRecord, LedgerDb } from './db';

/** One event of the log in its stored text form. */
export interface LoggedText {
  streamId: string;
  position: number;
  text: string;
}

/** Records read per query: an import's records are large, so a page of them is some megabytes. */
const PAGE = 128;

interface Open {
  record: CommitRecord;
  next: number;
}

/**
 * Reads the whole log in global position order, a slice at a time. Records
 * are grouped per stream, so they are fetched in order of their first
 * position; an event can be handed out once every record that starts at or
 * before it has been read. Only the records still being merged stay in memory.
 */
export class LogReader {
  private open: Open[] = [];
  private exhausted = false;
  private ahead: Promise<CommitRecord[]> | null = null;

  /** Reads the records that start after `after` (default: all of them) up to `toPosition`. */
  constructor(
    private readonly db: LedgerDb,
    private readonly toPosition: number,
    private after = 0,
  ) {}

  /** The next events in position order, or null when the log (up to toPosition) is done. */
  async next(): Promise<LoggedText[] | null> {
    while (!this.exhausted) {
      const records = await (this.ahead ?? this.fetch());
      this.ahead = null;
      if (records.length < PAGE) this.exhausted = true;
      for (const record of records) this.open.push({ record, next: 0 });
      if (records.length) this.after = records[records.length - 1]!.position;
      // Read the next page while the caller works on this slice.
      if (!this.exhausted) this.ahead = this.fetch();
      // Every unread record starts after `this.after`, so nothing still unread can come before it.
      const slice = this.take(this.exhausted ? this.toPosition : this.after);
      if (slice.length) return slice;
    }
    const rest = this.take(this.toPosition);
    return rest.length ? rest : null;
  }

  private fetch(): Promise<CommitRecord[]> {
    return this.db.commits.where('position').between(this.after, this.toPosition, false, true).limit(PAGE).toArray();
  }

  private take(upTo: number): LoggedText[] {
    const slice: LoggedText[] = [];
    for (const open of this.open) {
      const { events, positions, streamId } = open.record;
      while (open.next < events.length && positions[open.next]! <= upTo) {
        slice.push({ streamId, position: positions[open.next]!, text: events[open.next++]! });
      }
    }
    // Drop finished records, and anything past the end the caller asked for.
    this.open = this.open.filter((open) => open.next < open.record.events.length && open.record.positions[open.next]! <= this.toPosition);
    return inPositionOrder(slice);
  }
}

/**
 * The log's positions have no gaps, so a slice is a run of consecutive
 * positions: each event goes straight to its place instead of being sorted.
 * Anything else (which a sound log never gives) is sorted.
 */
function inPositionOrder(slice: LoggedText[]): LoggedText[] {
  let first = Infinity;
  for (const event of slice) first = Math.min(first, event.position);
  const ordered = new Array<LoggedText>(slice.length);
  for (const event of slice) {
    const at = event.position - first;
    if (at >= slice.length || ordered[at] !== undefined) return slice.sort((a, b) => a.position - b.position);
    ordered[at] = event;
  }
  return ordered;
}
