import { ImportError } from '../domain/errors';
import type { ProjectionBuilder } from '../projections/fold';
import { Projector, fullBuilder } from '../projections/projector';
import { waitInTransaction, type CommitRecord, type LedgerDb } from '../store/db';
import { CommandBuckets } from '../store/command-index';
import type { FoldSegment } from '../store/records';
import { storageFailure } from '../store/event-store';
import { DEFAULT_SNAPSHOT_EVERY } from '../store/snapshot-state';
import { SnapshotPacks } from '../store/snapshots';
import { SliceChecker, type CheckedSlice } from './import-check';
import { NotLineLayout } from './import-source';

export type ImportPhase = 'reading' | 'writing' | 'done';

export type CheckPlace = 'worker' | 'thread';

export interface ImportProgress {
  phase: ImportPhase;
  /** Events checked and written so far. */
  done: number;
  /** Events the file says it holds, when it says so. */
  total: number | null;
}

export interface ImportOptions {
  /** 'empty-only' (default) refuses a ledger that has events; 'replace' swaps the whole ledger in the same transaction. */
  mode?: 'empty-only' | 'replace';
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  snapshotEvery?: number;
  /** Where the file is read, checked and written: a Worker wherever there is one, unless this says otherwise. */
  checkIn?: CheckPlace;
  /** Event text the writer holds before it writes records early (default HELD_BYTES; tests pass a small one). */
  heldBytes?: number;
  /**
   * The write mark the import leaves in the log's head (default: a fresh one). importLedger chooses it, so that
   * it can tell from the head whether an import it had to stop had committed already.
   */
  mark?: string;
}

export interface ImportResult {
  events: number;
  accounts: number;
}

/**
 * Text an import record closes at. Chromium stores a value of up to 64 KiB in
 * its LevelDB log as it is; a larger one it first compresses (Snappy), and
 * only a value still over 64 KiB after that goes to a file of its own. In a
 * large transaction LevelDB's cost grows with the bytes it is given (1M events
 * of ~230 B: as 256-event records, 31 s; as 1,024-event records, 2.4 s; see
 * README "Speed"), and export lines compress 3-6×, so a 96 KiB record goes in
 * as ~20-30 KB. So an import writes no small record it can avoid: a stream's
 * short last record joins the full one before it (see finish). A record large
 * enough to reach a file of its own would be cheaper still, but a stream of a
 * 1,000-account, 1M-event log holds ~262 KB of text in all, which compresses
 * below 64 KiB. A stream's events after its last snapshot used to go into a
 * short record of their own, so that a load read less; those 1,000 small
 * records took a 1M-event import 2-3 s more, and reading a 100-170 KiB record
 * costs a load ~0.2 ms more.
 */
export const IMPORT_RECORD_BYTES = 96 * 1024;
/**
 * Text the records still held may hold together (growing ones, and each stream's last closed one, kept back
 * until the growing one is large enough to stand alone): over this, those already compressed close early,
 * then the largest others, and kept-back ones are written as they are. 1,000 streams growing evenly hold up
 * to 1,000 × (96 + 72) KiB.
 */
const HELD_BYTES = 192 * 2 ** 20;
/** Text over which a record is surely compressed (64 KiB, with room for the rest of the record). */
const COMPRESSED_BYTES = 72 * 1024;
/**
 * Closed records waiting to be written, as a share of the held text (32 MB by default); over this, the
 * import writes them a task's worth at a time before it takes the next slice. Streams that grow evenly
 * fill their records at about the same time: 1,000 accounts close ~96 MB of records within a few slices,
 * and writing that in one task stalled the page for 650 ms.
 */
const BACKLOG_SHARE = 1 / 6;
/** Text written per task, as a share of the held text (4 MB by default), so that the page keeps responding. */
const TASK_SHARE = 1 / 48;

/** The most record text one write of an import carries, beyond a single record (which is written whole). */
export function importTaskBytes(heldBytes = HELD_BYTES): number {
  return heldBytes * TASK_SHARE;
}
/** Snapshot packs (a few KB each) and command-bucket groups (~200 KB) written per request at the end of an import. */
const PACK_BATCH = 64;
const GROUP_BATCH = 4;

type OpenRecord = CommitRecord & { bytes: number };

/** Turns checked slices into commit records, snapshots and read models. */
class ImportWriter {
  /** Each stream's growing record. */
  private readonly open = new Map<string, OpenRecord>();
  /**
   * Each stream's last closed record, written once the stream's growing record reaches COMPRESSED_BYTES: until
   * then the end of the import may still join the two (see finish).
   */
  private readonly kept = new Map<string, OpenRecord>();
  private heldBytes = 0;
  /** Closed records, in the order they are written. */
  private closed: OpenRecord[] = [];
  private closedBytes = 0;
  private segments: FoldSegment[] = [];
  private readonly snapshots = new SnapshotPacks();
  private readonly commands = new CommandBuckets();
  private readonly builder: ProjectionBuilder;
  private readonly projector: Projector;

  constructor(
    private readonly db: LedgerDb,
    private readonly heldLimit = HELD_BYTES,
  ) {
    this.projector = new Projector(db);
    // The import writes the checker's fold segments itself (see add).
    this.builder = fullBuilder(db);
  }

  add({ segment, rows, texts, commandIds, snapshots }: CheckedSlice): void {
    const { versions, start } = segment;
    const { streamIds } = rows;
    for (let i = 0; i < versions.length; i++) {
      const id = streamIds[i]!;
      const version = versions[i]!;
      let record = this.open.get(id);
      if (!record) {
        record = { streamId: id, version, lastVersion: version, position: start + i, positions: [], events: [], bytes: 0 };
        this.open.set(id, record);
      }
      const text = texts[i]!;
      record.events.push(text);
      record.positions.push(start + i);
      record.lastVersion = version;
      record.bytes += text.length;
      this.heldBytes += text.length;
      // The growing record will be compressed itself: the one closed before it need wait no longer.
      if (record.bytes >= COMPRESSED_BYTES && record.bytes - text.length < COMPRESSED_BYTES) this.releaseKept(id);
      if (record.bytes >= IMPORT_RECORD_BYTES) this.close(record);
      this.commands.add(commandIds[i]!, id, version);
    }
    if (this.heldBytes > this.heldLimit) this.shed();
    // The read models fold the slice exactly as a rebuild folds the segment it is stored as.
    this.builder.applySegment(segment, rows);
    this.segments.push(segment);
    for (const snapshot of snapshots) this.snapshots.add(snapshot);
  }

  /** Closes a stream's growing record: kept back, as the stream's last closed one, until the next one is large enough to stand alone. */
  private close(record: OpenRecord): void {
    this.open.delete(record.streamId);
    this.releaseKept(record.streamId);
    this.kept.set(record.streamId, record);
  }

  private releaseKept(streamId: string): void {
    const kept = this.kept.get(streamId);
    if (kept) this.release(kept);
  }

  /** Hands a closed record over to be written. */
  private release(record: OpenRecord): void {
    if (this.kept.get(record.streamId) === record) this.kept.delete(record.streamId);
    else if (this.open.get(record.streamId) === record) this.open.delete(record.streamId);
    this.heldBytes -= record.bytes;
    this.closed.push(record);
    this.closedBytes += record.bytes;
  }

  /**
   * Many streams, each growing slowly: memory stays bounded. Kept-back records
   * go first (they are full already), then growing ones over 64 KiB, then the
   * largest others.
   */
  private shed(): void {
    const target = this.heldLimit * 0.75;
    for (const record of this.kept.values()) {
      if (this.heldBytes <= target) return;
      this.release(record);
    }
    for (const record of this.open.values()) {
      if (this.heldBytes <= target) return;
      if (record.bytes >= COMPRESSED_BYTES) this.release(record);
    }
    for (const record of [...this.open.values()].sort((a, b) => b.bytes - a.bytes)) {
      if (this.heldBytes <= target) return;
      this.release(record);
    }
  }

  /** Closed records up to importTaskBytes of text (at least one), so that what one task serializes stays short. */
  private takeClosed(): CommitRecord[] {
    const most = importTaskBytes(this.heldLimit);
    let bytes = 0;
    let n = 0;
    while (n < this.closed.length && (n === 0 || bytes + this.closed[n]!.bytes <= most)) bytes += this.closed[n++]!.bytes;
    this.closedBytes -= bytes;
    return this.closed.splice(0, n).map(({ bytes: _, ...record }) => record);
  }

  /** More closed records wait than the import should hold: write them (see BACKLOG_SHARE) before the next slice. */
  get backlogged(): boolean {
    return this.closedBytes > this.heldLimit * BACKLOG_SHARE;
  }

  /** Writes what the slices so far have finished: a task's worth of full records, segments, snapshots, read-model pieces. */
  async flush(): Promise<void> {
    const done = this.takeClosed();
    const snapshots = this.snapshots.take(false);
    // Issued together: IndexedDB answers in order, one wait instead of four.
    await Promise.all([
      done.length && this.db.commits.bulkAdd(done),
      this.segments.length && this.db.folds.bulkAdd(this.segments.splice(0)),
      snapshots.length && this.db.snapshots.bulkAdd(snapshots),
      this.projector.writeBuild(this.builder, null),
    ]);
  }

  /**
   * After the last slice: every stream's last record and snapshots, and every command id, a
   * batch per task so the page keeps responding, then the log's head, then
   * that the read models reach its end.
   */
  async finish(end: { position: number; lastAt: string; mark: string }): Promise<void> {
    await this.flush();
    // A stream ends in its growing record, or in the closed one kept back, or in the two joined when the
    // growing one is too short to be compressed (small values cost IndexedDB far more; see
    // IMPORT_RECORD_BYTES). A small record is left only for a stream shorter than that in all, or one whose kept
    // record was written early to keep memory bounded (see shed).
    for (const [streamId, record] of this.open) {
      const kept = this.kept.get(streamId);
      if (!kept) continue;
      kept.events.push(...record.events);
      kept.positions.push(...record.positions);
      kept.lastVersion = record.lastVersion;
      kept.bytes += record.bytes;
      this.open.delete(streamId);
    }
    for (const record of [...this.open.values(), ...this.kept.values()]) this.release(record);
    while (this.closed.length) await this.db.commits.bulkAdd(this.takeClosed());
    const packs = this.snapshots.take(true);
    for (let i = 0; i < packs.length; i += PACK_BATCH) await this.db.snapshots.bulkAdd(packs.slice(i, i + PACK_BATCH));
    for (const batch of this.commands.batches(GROUP_BATCH)) await this.db.commandBuckets.bulkAdd(batch);
    await this.db.meta.put({ key: 'log', position: end.position, lastAt: end.lastAt, importMark: end.mark });
    await this.projector.writeBuild(this.builder, { position: end.position, folded: end.position });
  }
}

/** A fresh write mark for an import to leave in the log's head (and to name its command filter by). */
export const newImportMark = () => `#import-${crypto.randomUUID()}`;

export const cancelled = () => new ImportError('IMPORT_CANCELLED', 'The import was cancelled; the ledger is unchanged.');

/** Rejects with IMPORT_CANCELLED once the signal aborts (at once when it already has). */
function cancelledBy(signal: AbortSignal): Promise<never> {
  const rejected = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(cancelled());
    else signal.addEventListener('abort', () => reject(cancelled()), { once: true });
  });
  rejected.catch(() => undefined);
  return rejected;
}

async function run(database: LedgerDb, source: string | Blob, options: ImportOptions, whole: boolean): Promise<ImportResult> {
  const { onProgress, signal } = options;
  // Tables bound to the transaction: the slices' writes overlap the checking of the next slice, and must not
  // depend on Dexie's zone surviving that.
  return database.transaction('rw', database.writeTables, async (tx) => {
    const db = database.bound(tx);
    const meta = await db.meta.get('log');
    if (meta && meta.position > 0) {
      if (options.mode !== 'replace') {
        throw new ImportError(
          'IMPORT_NOT_EMPTY',
          `This ledger already holds ${meta.position} events. Import only into an empty ledger, or choose to replace it.`,
        );
      }
      await Promise.all(db.writeTables.map((table) => table.clear()));
    }
    // Every wait for the file's next bytes also ends at a cancel.
    const cancel = signal && cancelledBy(signal);
    const wait = <T>(promise: Promise<T>) => waitInTransaction(tx, cancel ? Promise.race([promise, cancel]) : promise);
    const checker = new SliceChecker(source, whole, options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY);
    const { total } = await checker.readHeader(wait);
    const writer = new ImportWriter(db, options.heldBytes);
    let flushing: Promise<void> = Promise.resolve();
    for (let slice = await checker.readSlice(wait); slice !== null; slice = await checker.readSlice(wait)) {
      if (signal?.aborted) throw cancelled();
      writer.add(slice);
      // IndexedDB writes a slice while the next one is checked: one flush in flight at a time.
      await flushing;
      while (writer.backlogged) await writer.flush();
      flushing = writer.flush();
      // Awaited at the next slice; if the file turns out bad first, the transaction's abort reports the outcome.
      flushing.catch(() => undefined);
      onProgress?.({ phase: 'reading', done: slice.segment.start + slice.segment.versions.length - 1, total });
    }
    await flushing;
    if (signal?.aborted) throw cancelled();
    const { events, accounts, lastAt } = checker.summary();
    onProgress?.({ phase: 'writing', done: events, total });
    await writer.finish({ position: events, lastAt, mark: options.mark ?? newImportMark() });
    return { events, accounts };
  });
}

/**
 * Imports a whole-ledger export on this thread, in ONE transaction: every
 * event is checked, and the rules replayed, as it is read; the first bad
 * event throws, which aborts the transaction, so nothing of a bad file is
 * ever committed and the ledger is exactly as it was. The file is read a
 * slice at a time, so memory stays bounded. (importLedger runs this in a
 * Worker wherever there is one.)
 */
export async function importHere(db: LedgerDb, source: string | Blob, options: ImportOptions = {}): Promise<ImportResult> {
  options.onProgress?.({ phase: 'reading', done: 0, total: null });
  try {
    const result = await runAnyLayout(db, source, options);
    options.onProgress?.({ phase: 'done', done: result.events, total: result.events });
    return result;
  } catch (error) {
    throw storageFailure(error);
  }
}

/** Streams a file laid out one event per line; any other valid layout is parsed whole. */
async function runAnyLayout(db: LedgerDb, source: string | Blob, options: ImportOptions): Promise<ImportResult> {
  try {
    return await run(db, source, options, false);
  } catch (error) {
    if (!(error instanceof NotLineLayout)) throw error;
    return run(db, source, options, true);
  }
}
