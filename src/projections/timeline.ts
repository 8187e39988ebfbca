import { evolve, type AccountState } from '../domain/account';
import type { RecordedEvent } from '../domain/events';
import { Money, toAmountString } from '../domain/money';
import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { segmentRows } from '../store/fold-segments';
import type { FoldSegment } from '../store/records';
import type { LedgerCheckpoint } from './rows';

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

const within = (limit: Limit, position: number, at: string) =>
  'position' in limit ? position <= limit.position : at <= limit.at;

/**
 * Replays the whole ledger to a point: the nearest ledger checkpoint at or before it, then the fold segments
 * (the log as far as an import or a rebuild wrote them), then the events appended since: about
 * db.timelineEvery steps at the most.
 */
export class LedgerTimeline {
  private readonly states = new Map<string, AccountState>();
  private position = 0;
  private at: string | null = null;
  private done = false;

  constructor(private readonly db: LedgerDb) {}

  static async at(db: LedgerDb, limit: Limit): Promise<LedgerAtPoint> {
    return db.transaction('r', [db.meta, db.commits, db.ledgerCheckpoints, db.folds], () =>
      new LedgerTimeline(db).walk(limit),
    );
  }

  private async walk(limit: Limit): Promise<LedgerAtPoint> {
    const store = new EventStore(this.db);
    const [meta, checkpoint] = await Promise.all([
      store.meta(),
      'position' in limit
        ? this.db.ledgerCheckpoints.where('position').belowOrEqual(limit.position).last()
        : this.db.ledgerCheckpoints.where('at').belowOrEqual(limit.at).last(),
    ]);
    if (checkpoint) this.seed(checkpoint);
    const folded = meta.projections?.folded ?? 0;
    // The point lies before the next checkpoint (else that one would have been picked), which bounds the walk.
    const next = (await this.db.ledgerCheckpoints.where('position').above(this.position).firstKey()) as number | undefined;
    const end = Math.min(meta.position, 'position' in limit ? limit.position : meta.position, next === undefined ? Infinity : next - 1);
    if (this.position < folded && end > this.position) {
      for (const segment of await this.segmentsHolding(Math.min(end, folded))) this.replaySegment(segment, folded, limit);
    }
    if (!this.done && end > Math.max(this.position, folded)) {
      for (const event of await store.readAppended(Math.max(this.position, folded) + 1, end)) {
        this.step(event.position, event.metadata.at, limit, () => this.fromEvent(event));
      }
    }
    return { position: this.position, at: this.at, accounts: this.summary() };
  }

  private seed(checkpoint: LedgerCheckpoint): void {
    for (const [accountId, ownerName, currency, status, balance] of checkpoint.accounts) {
      this.states.set(accountId, { status, accountId, ownerName, currency, balance: new Money(balance) });
    }
    this.position = checkpoint.position;
    this.at = checkpoint.at;
  }

  private step(position: number, at: string, limit: Limit, apply: () => void): void {
    if (this.done || !within(limit, position, at)) {
      this.done = true;
      return;
    }
    apply();
    this.position = position;
    this.at = at;
  }

  /** The fold segments that hold positions after this.position, up to `to`. */
  private async segmentsHolding(to: number): Promise<FoldSegment[]> {
    // The segment holding the next position starts at or before it.
    const first = ((await this.db.folds.where('start').belowOrEqual(this.position + 1).lastKey()) as number | undefined) ?? 1;
    return this.db.folds.where('start').between(first, to, true, true).toArray();
  }

  /** The positions of a fold segment up to `reach`: each row gives the account's balance after it. */
  private replaySegment(segment: FoldSegment, reach: number, limit: Limit): void {
    const { streamIds, ats, balances } = segmentRows(segment);
    const opened = new Map(segment.opened.map(([row, ownerName, currency]) => [row, { ownerName, currency }]));
    const closed = new Set(segment.closed.map(([row]) => row));
    for (let row = 0; row < streamIds.length && !this.done; row++) {
      const position = segment.start + row;
      if (position <= this.position || position > reach) continue;
      this.step(position, ats[row]!, limit, () => {
        const accountId = streamIds[row]!;
        const before = this.states.get(accountId);
        const known = before && before.status !== 'none' ? before : undefined;
        const { ownerName, currency } = opened.get(row) ?? { ownerName: known?.ownerName ?? '', currency: known?.currency ?? 'EUR' };
        const status = closed.has(row) ? 'closed' : 'open';
        this.states.set(accountId, { status, accountId, ownerName, currency, balance: new Money(balances[row]!) });
      });
    }
  }

  private fromEvent(event: RecordedEvent): void {
    this.states.set(event.streamId, evolve(this.states.get(event.streamId) ?? { status: 'none' }, event));
  }

  private summary(): AccountAtPoint[] {
    const accounts: AccountAtPoint[] = [];
    for (const state of this.states.values()) {
      if (state.status === 'none') continue;
      const { accountId, ownerName, currency, status } = state;
      accounts.push({ accountId, ownerName, currency, status, balance: toAmountString(state.balance, currency) });
    }
    return accounts;
  }
}
