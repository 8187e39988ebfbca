import Dexie from 'dexie';
import type { RecordedEvent } from '../domain/events';
import type { LedgerDb } from '../store/db';
import { EventStore, readModelsCurrent, toRecorded } from '../store/event-store';
import { parseEventText } from '../store/event-text';
import { foldableSegment } from '../store/fold-segments';
import { LogReader } from '../store/log-reader';
import type { FoldSegment, LogMeta } from '../store/records';
import { ProjectionBuilder } from './fold';
import type { AccountRow, CheckpointAccount, HistoryPage, LedgerCheckpoint } from './rows';

/** Fold segments read at a time during a rebuild. */
const SEGMENT_PAGE = 4;

/** Raise when a fold changes: stored read models of another version are rebuilt on open. */
export const PROJECTION_VERSION = 6;

function checkpointAccount(row: AccountRow): CheckpointAccount {
  return [row.accountId, row.ownerName, row.currency, row.status, row.balance, row.version];
}

/** Keeps the read models in step with the log. Runs inside the caller's transaction. */
export class Projector {
  private readonly store: EventStore;
  constructor(private readonly db: LedgerDb) {
    this.store = new EventStore(db);
  }

  /**
   * Folds freshly appended events into the read models, in the append's own
   * transaction (whose append records, in the log's head, that they did).
   * Resolves to the account rows as they now stand.
   */
  async applyInline(events: RecordedEvent[], read?: Promise<(AccountRow | undefined)[]> | (AccountRow | undefined)[]): Promise<AccountRow[]> {
    const first = events[0];
    const last = events[events.length - 1];
    if (!first || !last) return [];
    const ids = [...new Set(events.map((e) => e.streamId))];
    // The caller may have the rows already (they must cover every stream in `events`).
    const before = await (read ?? this.db.accounts.bulkGet(ids));
    const builder = new ProjectionBuilder(before.filter((row): row is AccountRow => row !== undefined));
    for (const event of events) builder.apply(event);
    const [rows, pages] = [builder.rows(), builder.pages];
    const writes: Promise<unknown>[] = [this.db.accounts.bulkPut(rows)];
    if (pages.length > 0) writes.push(this.db.history.bulkPut(pages));
    // One ledger checkpoint each time the log passes a multiple of timelineEvery: rare, so reading every row is fine.
    const every = this.db.timelineEvery;
    if (Math.floor((first.position - 1) / every) < Math.floor(last.position / every)) {
      const all = await this.db.accounts.orderBy('openedPosition').toArray();
      writes.push(this.db.ledgerCheckpoints.put({ position: last.position, at: last.metadata.at, accounts: all.map(checkpointAccount) }));
    }
    await Promise.all(writes);
    return rows;
  }

  /**
   * Takes the read models back to the log's position `position`, after a sync cut the events past it off:
   * each account whose stream had such events is folded again from its own events (an account's row and
   * history pages depend on its stream alone), and the ledger checkpoints past the cut are dropped. Runs in
   * the caller's transaction, with read models that were current before the cut and fold segments that end
   * at or before it (the caller rebuilds otherwise).
   */
  async foldAgainAfterCut(position: number, streamIds: Iterable<string>): Promise<void> {
    for (const streamId of new Set(streamIds)) {
      const builder = new ProjectionBuilder();
      for (const event of await this.store.readStream(streamId)) builder.apply(event);
      const [row] = builder.rows();
      await this.db.history.where('[accountId+page]').between([streamId, Dexie.minKey], [streamId, Dexie.maxKey]).delete();
      await Promise.all([row ? this.db.accounts.put(row) : this.db.accounts.delete(streamId), builder.pages.length && this.db.history.bulkPut(builder.pages)]);
    }
    await this.db.ledgerCheckpoints.where('position').above(position).delete();
    const meta = await this.store.meta();
    await this.db.meta.put({ ...meta, projections: { position, version: PROJECTION_VERSION, segmentsThrough: meta.projections?.segmentsThrough ?? 0 } });
  }

  /**
   * Forgets the fold segments once a cut has taken events they hold off the log (a segment is all or nothing):
   * the next rebuild makes them again from the events.
   */
  async forgetSegmentsAfter(position: number): Promise<void> {
    const meta = await this.store.meta();
    if (!meta.projections || meta.projections.segmentsThrough <= position) return;
    await this.db.folds.clear();
    await this.db.meta.put({ ...meta, projections: { ...meta.projections, segmentsThrough: 0 } });
  }

  /** Records in the log's head that the read models reach `position`, and the fold segments `segmentsThrough`. */
  private async markCurrent({ position, segmentsThrough }: BuildEnd): Promise<void> {
    const meta = await this.store.meta();
    await this.db.meta.put({ ...meta, projections: { position, version: PROJECTION_VERSION, segmentsThrough } });
  }

  /** Empties the read models a rebuild writes anew (the fold segments it reads are cleared only when unusable). */
  private async clear(): Promise<void> {
    await Promise.all([this.db.accounts.clear(), this.db.history.clear(), this.db.ledgerCheckpoints.clear()]);
  }

  /**
   * Writes what a full build produced so far and forgets it, so an import can
   * write its read models in slices; `position` marks how far the build got.
   */
  async writeBuild(builder: ProjectionBuilder, finished: BuildEnd | null): Promise<void> {
    const { pages, checkpoints, segments } = builder.drain(finished !== null);
    await this.writeParts(pages, checkpoints, segments);
    if (!finished) return;
    await this.db.accounts.bulkAdd(builder.rows());
    await this.markCurrent(finished);
  }

  private async writeParts(pages: HistoryPage[], checkpoints: LedgerCheckpoint[], segments: FoldSegment[]): Promise<void> {
    // Issued together: IndexedDB answers in order, one wait instead of three.
    await Promise.all([
      pages.length && this.db.history.bulkAdd(pages),
      checkpoints.length && this.db.ledgerCheckpoints.bulkAdd(checkpoints),
      segments.length && this.db.folds.bulkAdd(segments),
    ]);
  }

  /**
   * Drops the read models and replays the whole log into them, in one transaction. The log up to where the
   * fold segments reach is folded from them (columns: no JSON to parse, no amount to add); the events after
   * it from their text, writing segments for them too. Segments that cannot be used are rebuilt from the events.
   */
  async rebuild(): Promise<{ events: number }> {
    const { commits, meta, accounts, history, ledgerCheckpoints, folds } = this.db;
    // An async scope: Dexie keeps its transaction across native awaits only for those.
    return this.db.transaction('rw', [commits, meta, accounts, history, ledgerCheckpoints, folds], async () => this.rebuildHere());
  }

  /** The rebuild, in the caller's transaction (one that a sync's rebase holds, say). */
  async rebuildHere(): Promise<{ events: number }> {
    const { position, projections } = await this.store.meta();
    await this.clear();
    let built = await this.build(position, Math.min(projections?.segmentsThrough ?? 0, position));
    if (!built) {
      await Promise.all([this.clear(), this.db.folds.clear()]);
      built = (await this.build(position, 0))!;
    }
    await this.writeBuild(built, { position, segmentsThrough: position });
    return { events: position };
  }

  /**
   * Folds the log up to `position`, from the fold segments up to `segmentsThrough` and from the events after it,
   * writing the read models as it goes; null when the segments turn out unusable.
   */
  private async build(position: number, segmentsThrough: number): Promise<ProjectionBuilder | null> {
    const builder = fullBuilder(this.db);
    let through = 0;
    for (let page = await this.segmentsAfter(0, segmentsThrough); page.length; page = await this.segmentsAfter(through, segmentsThrough)) {
      for (const segment of page) {
        if (segment.start !== through + 1 || !foldableSegment(segment)) return null;
        builder.applySegment(segment);
        through += segment.versions.length;
      }
      await this.writeBuild(builder, null);
    }
    if (through !== segmentsThrough) return null;
    // Segments the head does not count (it lost its mark, say) are written anew from the events.
    await this.db.folds.where('start').above(segmentsThrough).delete();
    builder.startSegments();
    const reader = new LogReader(this.db, position, segmentsThrough);
    for (let slice = await reader.next(); slice; slice = await reader.next()) {
      for (const { streamId, text } of slice) builder.apply(toRecorded(streamId, parseEventText(text)));
      await this.writeBuild(builder, null);
    }
    return builder;
  }

  private async segmentsAfter(through: number, segmentsThrough: number): Promise<FoldSegment[]> {
    return this.db.folds.where('start').between(through, segmentsThrough, false, true).limit(SEGMENT_PAGE).toArray();
  }

  /** True when every read model has folded the whole log with the current projection code. */
  async isCurrent(): Promise<boolean> {
    return projectionsCurrent(await this.store.meta());
  }
}

/** True when, by the head `meta`, every read model has folded the whole log with the current projection code. */
export function projectionsCurrent(meta: LogMeta): boolean {
  return readModelsCurrent(meta, PROJECTION_VERSION) && (meta.projections?.segmentsThrough ?? 0) <= meta.position;
}

/** Where a full build ended: the log's position, and the last position the fold segments hold. */
export interface BuildEnd {
  position: number;
  segmentsThrough: number;
}

/** A builder for the whole log: every read model, with ledger checkpoints (and, with `segments`, fold segments from the start). */
export function fullBuilder(db: LedgerDb, { checkpointPositions, segments = false }: { checkpointPositions?: ReadonlySet<number>; segments?: boolean } = {}): ProjectionBuilder {
  return new ProjectionBuilder([], { timelineEvery: db.timelineEvery, segments, ...(checkpointPositions && { checkpointPositions }) });
}
