import type { ProjectionBuilder } from '../projections/fold';
import { Projector, fullBuilder } from '../projections/projector';
import type { CommitRecord, LedgerDb } from '../store/db';
import { CommandBuckets } from '../store/command-index';
import type { FoldSegment } from '../store/records';
import { SnapshotPacks } from '../store/snapshots';
import type { CheckedSlice } from './import-check';

/**
 * Text an import record closes at: over 64 KiB, so that Chromium compresses it before it writes it, which
 * in a large transaction costs far less than writing it as it is (docs/architecture.md).
 */
export const IMPORT_RECORD_BYTES = 96 * 1024;
/** Text the growing records may hold together; over this, the largest are written as they are, so memory stays bounded. */
const HELD_BYTES = 192 * 2 ** 20;
/**
 * Commit records and snapshot packs written per request, so that no one request holds up the thread that
 * makes it (the page's, where there is no Worker).
 */
export const RECORDS_PER_REQUEST = 64;
/** Command-bucket groups, each a few thousand ids, written per request. */
const GROUP_BATCH = 4;

type OpenRecord = CommitRecord & { bytes: number };

/** Turns checked slices into commit records, snapshots and read models, inside the import's transaction. */
export class ImportWriter {
  /** Each stream's growing record. */
  private readonly open = new Map<string, OpenRecord>();
  private heldBytes = 0;
  /** Closed records, waiting to be written. */
  private closed: CommitRecord[] = [];
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
      if (record.bytes >= IMPORT_RECORD_BYTES) this.close(record);
      this.commands.add(commandIds[i]!, id, version);
    }
    if (this.heldBytes > this.heldLimit) {
      // Many streams, each growing slowly: the largest records are written short.
      for (const record of [...this.open.values()].sort((a, b) => b.bytes - a.bytes)) {
        if (this.heldBytes <= this.heldLimit * 0.75) break;
        this.close(record);
      }
    }
    // The read models fold the slice exactly as a rebuild folds the segment it is stored as.
    this.builder.applySegment(segment, rows);
    this.segments.push(segment);
    for (const snapshot of snapshots) this.snapshots.add(snapshot);
  }

  private close({ bytes, ...record }: OpenRecord): void {
    this.open.delete(record.streamId);
    this.heldBytes -= bytes;
    this.closed.push(record);
  }

  /** Writes what the slices so far have finished: closed records, segments, snapshots, read-model pieces. */
  async flush(): Promise<void> {
    const snapshots = this.snapshots.take(false);
    // Issued together: IndexedDB answers in order, one wait instead of four.
    await Promise.all([
      this.closed.length && this.db.commits.bulkAdd(this.closed.splice(0, RECORDS_PER_REQUEST)),
      this.segments.length && this.db.folds.bulkAdd(this.segments.splice(0)),
      snapshots.length && this.db.snapshots.bulkAdd(snapshots),
      this.projector.writeBuild(this.builder, null),
    ]);
    while (this.closed.length) await this.db.commits.bulkAdd(this.closed.splice(0, RECORDS_PER_REQUEST));
  }

  /**
   * After the last slice: every stream's last record and snapshots, and every command id, a batch per
   * request, then the log's head, then that the read models reach its end.
   */
  async finish(end: { position: number; lastAt: string; mark: string }): Promise<void> {
    for (const record of [...this.open.values()]) this.close(record);
    await this.flush();
    const packs = this.snapshots.take(true);
    for (let i = 0; i < packs.length; i += RECORDS_PER_REQUEST) await this.db.snapshots.bulkAdd(packs.slice(i, i + RECORDS_PER_REQUEST));
    for (const batch of this.commands.batches(GROUP_BATCH)) await this.db.commandBuckets.bulkAdd(batch);
    await this.db.meta.put({ key: 'log', position: end.position, lastAt: end.lastAt, importMark: end.mark });
    await this.projector.writeBuild(this.builder, { position: end.position, segmentsThrough: end.position });
  }
}
