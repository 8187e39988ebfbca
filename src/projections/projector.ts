import type { RecordedEvent } from '../domain/events';
import type { CommitRecord, LedgerDb, ProjectionCheckpoint } from '../store/db';
import { foldable, foldableSegment, type FoldColumns, type FoldSegment } from '../store/fold-columns';
import { EventStore, toRecorded } from '../store/event-store';
import { parseEventText } from '../store/event-text';
import { LogReader } from '../store/log-reader';
import { ProjectionBuilder } from './fold';
import type { AccountRow, CheckpointAccount, HistoryPage, JournalWindow, LedgerCheckpoint } from './rows';

/** Fold segments read at a time during a rebuild. */
const SEGMENT_PAGE = 4;

/** Raise when a fold changes: stored read models of another version are rebuilt on open. */
export const PROJECTION_VERSION = 4;
/** Read models kept in step with every append. */
export const PROJECTION_NAMES = ['accounts', 'history', 'timeline'] as const;
/**
 * The journal is written by rebuild only, for the events after the fold
 * segments (which time travel reads in its place); its checkpoint says how far
 * it reaches.
 */
export const JOURNAL = 'journal';
/** How far the fold segments reach that time travel may read as the journal: an import's events, or none. */
export const FOLDS = 'folds';

export function checkpointAccount(row: AccountRow): CheckpointAccount {
  return [row.accountId, row.ownerName, row.currency, row.status, row.balance, row.version];
}

/**
 * The account rows and new history pages that freshly appended events leave,
 * from the rows before them (one for every stream in `events`; an account the
 * events open has none). No I/O: the caller writes them.
 */
export function projectInline(events: readonly RecordedEvent[], before: readonly (AccountRow | undefined)[]): { rows: AccountRow[]; pages: HistoryPage[] } {
  const builder = new ProjectionBuilder(before.filter((r): r is AccountRow => r !== undefined));
  for (const event of events) builder.apply(event);
  return { rows: builder.rows(), pages: builder.pages };
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
    const { rows, pages } = projectInline(events, await (read ?? this.db.accounts.bulkGet(ids)));
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
   * Records in the log's head that the read models reach `position`, and that
   * the fold segments and then the journal do too. Also leaves a new write
   * mark: another tab's cached rows must not outlive a rebuild.
   */
  private async markCurrent({ position, folded }: BuildEnd): Promise<void> {
    const meta = await this.store.meta();
    const journal: ProjectionCheckpoint = { name: JOURNAL, position, version: PROJECTION_VERSION };
    const folds: ProjectionCheckpoint = { name: FOLDS, position: folded, version: PROJECTION_VERSION };
    const projections = { position, version: PROJECTION_VERSION };
    await Promise.all([
      this.db.checkpoints.bulkPut([journal, folds]),
      this.db.meta.put({ ...meta, projections, lastWrite: `#build-${crypto.randomUUID()}` }),
    ]);
  }

  /** Empties every read model, before a rebuild or an import writes them anew. */
  async clear(): Promise<void> {
    const { accounts, history, ledgerCheckpoints, journal, checkpoints } = this.db;
    await Promise.all([accounts, history, ledgerCheckpoints, journal, checkpoints].map((table) => table.clear()));
  }

  /**
   * Writes what a full build produced so far and forgets it, so an import can
   * write its read models in slices; `position` marks how far the build got.
   */
  async writeBuild(builder: ProjectionBuilder, finished: BuildEnd | null): Promise<void> {
    const { pages, checkpoints, journal } = builder.drain(finished !== null);
    await this.writeParts(pages, checkpoints, journal);
    if (!finished) return;
    await this.db.accounts.bulkAdd(builder.rows());
    await this.markCurrent(finished);
  }

  private async writeParts(pages: HistoryPage[], checkpoints: LedgerCheckpoint[], journal: JournalWindow[]): Promise<void> {
    // Issued together: IndexedDB answers in order, one wait instead of three.
    await Promise.all([
      pages.length && this.db.history.bulkAdd(pages),
      checkpoints.length && this.db.ledgerCheckpoints.bulkAdd(checkpoints),
      journal.length && this.db.journal.bulkAdd(journal),
    ]);
  }

  /** Drops the read models and replays the whole log into them, in one transaction. */
  async rebuild(): Promise<{ events: number }> {
    const { commits, meta, accounts, history, ledgerCheckpoints, journal, checkpoints, folds } = this.db;
    return this.db.transaction('rw', [commits, meta, accounts, history, ledgerCheckpoints, journal, checkpoints, folds], async () => {
      const { position } = await this.store.meta();
      await this.clear();
      // The imported part of the log has its fold columns in position order; when they are whole and of this
      // app's format, fold them, then the appended records after them. Otherwise fold every record.
      let built = await this.build(position, true);
      if (!built) {
        await this.clear();
        built = (await this.build(position, false))!;
      }
      await this.writeBuild(built.builder, { position, folded: built.folded });
      return { events: built.count };
    });
  }

  /**
   * Folds the log up to `position`, writing the read models as it goes; null
   * (only with `segments`) when the fold segments turn out unusable, after
   * which the caller clears what was written and builds without them.
   */
  private async build(position: number, segments: boolean): Promise<{ builder: ProjectionBuilder; count: number; folded: number } | null> {
    const builder = fullBuilder(this.db, { journal: false });
    let through = 0;
    if (segments) {
      for (let page = await this.segmentsAfter(0, position); page.length; page = await this.segmentsAfter(through, position)) {
        for (const segment of page) {
          if (segment.start !== through + 1 || !foldableSegment(segment)) return null;
          builder.applySegment(segment);
          through += segment.versions.length;
        }
        await this.writeBuild(builder, null);
      }
    }
    builder.startJournal();
    // Imported records hold only positions up to `through`: every record that starts after it was appended.
    const reader = new LogReader(this.db, position, through);
    const usable = new WeakMap<CommitRecord, boolean>();
    let count = through;
    for (let slice = await reader.next(); slice; slice = await reader.next()) {
      for (const { streamId, text, record, index } of slice) {
        // Records without usable columns (written before they existed, or by a newer release) are folded from their events.
        let columns = usable.get(record);
        if (columns === undefined) usable.set(record, (columns = foldable(record)));
        if (columns) builder.applyFolded(record as CommitRecord & { fold: FoldColumns }, index);
        else builder.apply(toRecorded(streamId, parseEventText(text)));
      }
      count += slice.length;
      await this.writeBuild(builder, null);
    }
    return { builder, count, folded: through };
  }

  private segmentsAfter(through: number, position: number): Promise<FoldSegment[]> {
    return this.db.folds.where('start').between(through, position, false, true).limit(SEGMENT_PAGE).toArray();
  }

  /** True when every read model has folded the whole log with the current projection code. */
  async isCurrent(): Promise<boolean> {
    const [meta, journal, folds] = await Promise.all([this.store.meta(), this.db.checkpoints.get(JOURNAL), this.db.checkpoints.get(FOLDS)]);
    // A log built by appends alone has no journal: time travel then reads the appended events.
    if (journal && (journal.version !== PROJECTION_VERSION || journal.position > meta.position)) return false;
    if (folds && (folds.version !== PROJECTION_VERSION || folds.position > (journal?.position ?? 0))) return false;
    const { projections } = meta;
    if (!projections) return meta.position === 0;
    return projections.version === PROJECTION_VERSION && projections.position === meta.position;
  }
}

/** Where a full build ended: the log's position, and how far it folded fold segments (which stand in for the journal). */
export interface BuildEnd {
  position: number;
  folded: number;
}

/** A builder for the whole log: every read model, with ledger checkpoints and (unless `journal` is false) the journal. */
export function fullBuilder(db: LedgerDb, { checkpointPositions, journal = true }: { checkpointPositions?: ReadonlySet<number>; journal?: boolean } = {}): ProjectionBuilder {
  return new ProjectionBuilder([], { timelineEvery: db.timelineEvery, journal, ...(checkpointPositions && { checkpointPositions }) });
}
