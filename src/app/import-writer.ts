import type { ProjectionBuilder } from '../projections/fold';
import { Projector, fullBuilder } from '../projections/projector';
import type { CommitRecord, LedgerDb } from '../store/db';
import { CommandBuckets } from '../store/command-index';
import type { FoldSegment } from '../store/records';
import { SnapshotPacks } from '../store/snapshots';
import type { CheckedSlice } from './import-check';

/**
 * Text an import record closes at. Chromium compresses a value over 64 KiB before it writes it, and in a
 * large transaction its cost grows with the bytes written, so an import writes no small record it can
 * avoid: a stream's short last record joins the full one before it (see finish, and docs/architecture.md).
 */
export const IMPORT_RECORD_BYTES = 96 * 1024;
/**
 * Text the records still held may hold together (growing ones, and each stream's last closed one, kept back
 * until the growing one is large enough to stand alone): over this, those already compressed close early,
 * then the largest others, and kept-back ones are written as they are.
 */
const HELD_BYTES = 192 * 2 ** 20;
/** Text over which a record is surely compressed (64 KiB, with room for the rest of the record). */
const COMPRESSED_BYTES = 72 * 1024;
/**
 * Closed records waiting to be written, as a share of the held text; over this, the import writes them a
 * task's worth at a time before it takes the next slice. Streams that grow evenly fill their records at about
 * the same time, and writing them all in one task would stall the page.
 */
const BACKLOG_SHARE = 1 / 6;
/** Text written per task, as a share of the held text, so that the page keeps responding. */
const TASK_SHARE = 1 / 48;

/** The most record text one write of an import carries, beyond a single record (which is written whole). */
export function importTaskBytes(heldBytes = HELD_BYTES): number {
  return heldBytes * TASK_SHARE;
}
/** Snapshot packs (small) and command-bucket groups (large) written per request at the end of an import. */
const PACK_BATCH = 64;
const GROUP_BATCH = 4;

type OpenRecord = CommitRecord & { bytes: number };

/** Turns checked slices into commit records, snapshots and read models, inside the import's transaction. */
export class ImportWriter {
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
    await this.projector.writeBuild(this.builder, { position: end.position, segmentsThrough: end.position });
  }
}
