import type { AccountEventType, RecordedEvent } from '../domain/events';
import type { FoldSegment } from './records';
import { fromColumn, toColumn } from './text-column';

/** One letter per event type, so a segment's event types are one short string. */
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

/** Raise when FoldSegment changes shape or meaning. */
export const FOLD_SEGMENT_VERSION = 3;

/** Whether this app can fold a segment: its format, and every event type in it, are this app's. */
export function foldableSegment(segment: FoldSegment): boolean {
  if (segment.version !== FOLD_SEGMENT_VERSION) return false;
  for (const kind of segment.kinds) if (!KINDS.has(kind)) return false;
  return true;
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

/** Collects one segment from events in position order, each with its account's balance right after it (a builder per segment). */
export class FoldSegmentBuilder {
  private start = 0;
  private readonly streamIds: string[] = [];
  private readonly versions: number[] = [];
  private kinds = '';
  private readonly ats: string[] = [];
  private readonly balances: string[] = [];
  private readonly opened: FoldSegment['opened'] = [];
  private readonly closed: FoldSegment['closed'] = [];
  private readonly joined: number[] = [];

  /** `lastCommand`: the command of the event just before this segment's first, when there is one. */
  constructor(public lastCommand?: string) {}

  add(event: RecordedEvent, balanceAfter: string): void {
    const row = this.versions.length;
    if (row === 0) this.start = event.position;
    if (event.metadata.commandId === this.lastCommand) this.joined.push(row);
    this.lastCommand = event.metadata.commandId;
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
    const { start, versions, kinds, opened, closed, joined } = this;
    return { start, version: FOLD_SEGMENT_VERSION, streamIds: toColumn(this.streamIds), versions, kinds, ats: toColumn(this.ats), balances: toColumn(this.balances), opened, closed, joined };
  }
}
