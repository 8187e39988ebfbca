import type { AccountEventType, RecordedEvent } from '../domain/events';
import type { Currency } from '../domain/money';
import { fromColumn, toColumn, type TextColumn } from './text-column';

/** One letter per event type, so a record's event types are one short string. */
export const KIND = {
  AccountOpened: 'O',
  MoneyDeposited: 'D',
  MoneyWithdrawn: 'W',
  TransferSent: 'S',
  TransferReceived: 'R',
  AccountClosed: 'C',
} as const satisfies Record<AccountEventType, string>;

export type Kind = (typeof KIND)[AccountEventType];

const KINDS = new Set<string>(Object.values(KIND));

/** Raise when FoldColumns change shape or meaning. */
export const FOLD_COLUMNS_VERSION = 1;
/** Raise when FoldSegment changes shape or meaning (2: text columns). */
export const FOLD_SEGMENT_VERSION = 2;

/**
 * Whether a record's columns can be folded by this app: their format is this
 * app's and every event is of a type it knows (a newer release may write
 * types this one does not; those are folded from, and refused by, their JSON).
 */
export function foldable(record: { fold?: FoldColumns }): record is { fold: FoldColumns } {
  return record.fold?.version === FOLD_COLUMNS_VERSION && knownKinds(record.fold.kinds);
}

function knownKinds(kinds: string): boolean {
  for (const kind of kinds) if (!KINDS.has(kind)) return false;
  return true;
}

/**
 * What the read models take from each event of a commit record, in columns:
 * a rebuild folds these instead of parsing every event's JSON and adding up
 * amounts again. Written with the events, in the same record, from the
 * balances the domain computed when it accepted them; `verifyProjections`
 * replays the events themselves and so checks these too.
 */
export interface FoldColumns {
  /** The columns' own format; a rebuild folds the events themselves when it is not this app's. */
  version: typeof FOLD_COLUMNS_VERSION;
  /** One KIND letter per event. */
  kinds: string;
  ats: string[];
  /** The account's balance right after each event, with the currency's minor digits. */
  balances: string[];
  /** When the record holds the account's opening. */
  opened?: { ownerName: string; currency: Currency };
  /** When the record holds the account's closing. */
  closedReason?: string;
}

/** Collects the columns of one record as its events are added. */
export class FoldColumnsBuilder {
  private readonly columns: FoldColumns = { version: FOLD_COLUMNS_VERSION, kinds: '', ats: [], balances: [] };

  add(event: RecordedEvent, balanceAfter: string): void {
    const c = this.columns;
    c.kinds += KIND[event.type];
    c.ats.push(event.metadata.at);
    c.balances.push(balanceAfter);
    if (event.type === 'AccountOpened') c.opened = { ownerName: event.data.ownerName, currency: event.data.currency };
    if (event.type === 'AccountClosed') c.closedReason = event.data.reason;
  }

  done(): FoldColumns {
    return this.columns;
  }
}

/**
 * The fold columns of a run of the log in position order: what an import
 * writes beside its commit records (which are grouped per stream), so a
 * rebuild reads the imported part of the log as a few large columnar records
 * instead of every event's JSON. Row i is the event at position start + i.
 */
export interface FoldSegment {
  start: number;
  version: typeof FOLD_SEGMENT_VERSION;
  streamIds: TextColumn;
  versions: number[];
  kinds: string;
  ats: TextColumn;
  balances: TextColumn;
  /** Rows that open an account: [row, ownerName, currency]. */
  opened: [number, string, Currency][];
  /** Rows that close an account: [row, reason]. */
  closed: [number, string][];
}

/** Whether this app can fold a segment (its format, and every event type, known). */
export function foldableSegment(segment: FoldSegment): boolean {
  return segment.version === FOLD_SEGMENT_VERSION && knownKinds(segment.kinds);
}

/** A segment's text columns as rows. */
export interface SegmentRows {
  streamIds: string[];
  ats: string[];
  balances: string[];
}

/** A segment's rows with its text columns split out. */
export function segmentRows(segment: FoldSegment): SegmentRows {
  return { streamIds: fromColumn(segment.streamIds), ats: fromColumn(segment.ats), balances: fromColumn(segment.balances) };
}

/** Collects one segment as an import accepts events, in position order. */
export class FoldSegmentBuilder {
  private start = 0;
  private readonly streamIds: string[] = [];
  private readonly versions: number[] = [];
  private kinds = '';
  private readonly ats: string[] = [];
  private readonly balances: string[] = [];
  private readonly opened: FoldSegment['opened'] = [];
  private readonly closed: FoldSegment['closed'] = [];

  add(event: RecordedEvent, balanceAfter: string): void {
    const row = this.versions.length;
    if (row === 0) this.start = event.position;
    this.streamIds.push(event.streamId);
    this.versions.push(event.version);
    this.kinds += KIND[event.type];
    this.ats.push(event.metadata.at);
    this.balances.push(balanceAfter);
    if (event.type === 'AccountOpened') this.opened.push([row, event.data.ownerName, event.data.currency]);
    if (event.type === 'AccountClosed') this.closed.push([row, event.data.reason]);
  }

  /** The rows added so far, as take() joins them into the segment's columns. */
  get rows(): SegmentRows {
    return { streamIds: this.streamIds, ats: this.ats, balances: this.balances };
  }

  /** The segment of every event added (null when none was). */
  take(): FoldSegment | null {
    if (this.versions.length === 0) return null;
    const { start, versions, kinds, opened, closed } = this;
    return { start, version: FOLD_SEGMENT_VERSION, streamIds: toColumn(this.streamIds), versions, kinds, ats: toColumn(this.ats), balances: toColumn(this.balances), opened, closed };
  }
}
