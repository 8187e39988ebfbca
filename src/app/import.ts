import Dexie from 'dexie';
import { ImportError } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { LedgerCheck } from '../domain/ledger-check';
import type { ProjectionBuilder } from '../projections/fold';
import { Projector, fullBuilder } from '../projections/projector';
import type { CommitRecord, LedgerDb, SnapshotRecord } from '../store/db';
import { eventText } from '../store/event-text';
import { CommandBuckets } from '../store/command-index';
import { FoldSegmentBuilder } from '../store/fold-columns';
import { toAmountString } from '../domain/money';
import { storageFailure } from '../store/event-store';
import { DEFAULT_SNAPSHOT_EVERY, SNAPSHOT_SCHEMA_VERSION, serializeState } from '../store/snapshots';
import { EventReader, NEED_MORE, NotLineLayout, checkCount } from './import-source';

export type ImportPhase = 'reading' | 'writing' | 'done';

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
}

export interface ImportResult {
  events: number;
  accounts: number;
}

/** Events one import record holds: IndexedDB pays per record, and a stream's tail stays a short read. */
export const IMPORT_RECORD_EVENTS = 256;

/** Turns checked events into commit records, snapshots and read models, a slice at a time. */
class ImportWriter {
  private readonly open = new Map<string, CommitRecord>();
  /** The fold columns of the events accepted since the last flush. */
  private readonly segment = new FoldSegmentBuilder();
  private ready: CommitRecord[] = [];
  private snapshots: SnapshotRecord[] = [];
  private readonly commands = new CommandBuckets();
  readonly builder: ProjectionBuilder;
  private readonly projector: Projector;

  constructor(
    private readonly db: LedgerDb,
    private readonly check: LedgerCheck,
    private readonly snapshotEvery: number,
  ) {
    this.projector = new Projector(db);
    this.builder = fullBuilder(db);
  }

  /** `text` is the event's stored form: its line in the file, or its canonical JSON. */
  add(event: RecordedEvent, text: string): void {
    const id = event.streamId;
    let record = this.open.get(id);
    if (!record || record.events.length >= IMPORT_RECORD_EVENTS) {
      record = { streamId: id, version: event.version, lastVersion: event.version, position: event.position, positions: [], events: [] };
      this.open.set(id, record);
      this.ready.push(record);
    }
    record.events.push(text);
    record.positions.push(event.position);
    record.lastVersion = event.version;
    this.commands.add(event.metadata.commandId, id, event.version);
    const state = this.check.accountStates().get(id);
    const open = state && state.status !== 'none' ? state : null;
    const balance = open ? toAmountString(open.balance, open.currency) : '';
    this.segment.add(event, balance);
    this.builder.apply(event, open?.balance, balance);
    if (this.snapshotEvery > 0 && event.version % this.snapshotEvery === 0) {
      if (state) {
        const at = event.metadata.at;
        this.snapshots.push({ streamId: id, version: event.version, position: event.position, at, schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: serializeState(state) });
      }
    }
  }

  /** Writes every record that can no longer grow, plus finished read-model pieces. */
  async flush(final: { position: number; lastAt: string } | null): Promise<void> {
    const done: CommitRecord[] = [];
    const growing: CommitRecord[] = [];
    for (const record of this.ready) {
      const finished = final || record.events.length >= IMPORT_RECORD_EVENTS || this.open.get(record.streamId) !== record;
      (finished ? done : growing).push(record);
    }
    this.ready = growing;
    if (done.length) await this.db.commits.bulkAdd(done);
    const segment = this.segment.take();
    if (segment) await this.db.folds.add(segment);
    if (this.snapshots.length) await this.db.snapshots.bulkAdd(this.snapshots.splice(0));
    if (final) {
      await this.db.commandBuckets.bulkAdd(this.commands.records());
      // A new write mark: a tab's Ledger trusts its cached aggregates only while the head carries the mark it left.
      await this.db.meta.put({ key: 'log', position: final.position, lastAt: final.lastAt, lastWrite: `#import-${crypto.randomUUID()}`, imported: true });
    }
    // Last: with the whole log written, this records that the read models reach its end.
    await this.projector.writeBuild(this.builder, final && { position: final.position });
  }
}

/** A line of a file could carry any amount of padding; a longer one is stored in canonical form. */
const MAX_KEPT_LINE = 4096;

/**
 * The text an imported event is kept as: its own line when the file had one
 * event per line (already checked, and free to keep), else canonical JSON.
 * Either way it holds the file's data as written, older schema versions
 * included, so an export gives the same events back.
 */
function storedText(event: RecordedEvent, raw: unknown, line: string | undefined): string {
  if (line !== undefined && line.length <= MAX_KEPT_LINE) return line;
  const { data } = raw as { data: Record<string, unknown> };
  const { position, version, type, schemaVersion, metadata } = event;
  return eventText(event.streamId, { position, version, type, schemaVersion, data, metadata });
}

async function run(database: LedgerDb, source: string | Blob, options: ImportOptions, whole: boolean): Promise<ImportResult> {
  const { onProgress, signal } = options;
  // Tables bound to the transaction: the slices' writes overlap the parsing of the next slice, and must not
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
    const reader = new EventReader(source, whole);
    // Reading a file is the one non-IndexedDB wait; Dexie.waitFor keeps the transaction open across it.
    while (reader.start() === NEED_MORE) await Dexie.waitFor(reader.fill());
    const header = reader.document;
    const total = typeof header.eventCount === 'number' ? header.eventCount : null;
    const check = new LedgerCheck();
    const writer = new ImportWriter(db, check, options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY);
    let index = 0;
    let last: RecordedEvent | undefined;
    let flushing: Promise<void> = Promise.resolve();
    for (let slice = reader.next(); slice !== null; slice = reader.next()) {
      if (slice === NEED_MORE) {
        await Dexie.waitFor(reader.fill());
        continue;
      }
      if (signal?.aborted) throw new ImportError('IMPORT_CANCELLED', 'The import was cancelled; the ledger is unchanged.');
      const texts = reader.texts;
      slice.forEach((raw, i) => {
        last = check.accept(raw, index++);
        writer.add(last, storedText(last, raw, texts?.[i]));
      });
      // IndexedDB writes a slice while the next one is parsed and checked: one flush in flight at a time.
      await flushing;
      flushing = writer.flush(null);
      // Awaited at the next slice; if the file turns out bad first, the transaction's abort reports the outcome.
      flushing.catch(() => undefined);
      onProgress?.({ phase: 'reading', done: index, total });
    }
    await flushing;
    check.finish();
    checkCount(header, index);
    if (signal?.aborted) throw new ImportError('IMPORT_CANCELLED', 'The import was cancelled; the ledger is unchanged.');
    onProgress?.({ phase: 'writing', done: index, total });
    await writer.flush({ position: last?.position ?? 0, lastAt: last?.metadata.at ?? '' });
    return { events: index, accounts: check.accountStates().size };
  });
}

/**
 * Imports a whole-ledger export in ONE transaction: every event is checked,
 * and the rules replayed, as it is read; the first bad event throws, which
 * aborts the transaction, so nothing of a bad file is ever committed and the
 * ledger is exactly as it was. The file is read a slice at a time, so memory
 * stays bounded and the page keeps responding between slices.
 */
export async function importLedger(db: LedgerDb, source: string | Blob, options: ImportOptions = {}): Promise<ImportResult> {
  options.onProgress?.({ phase: 'reading', done: 0, total: null });
  try {
    let result: ImportResult;
    try {
      result = await run(db, source, options, false);
    } catch (error) {
      if (!(error instanceof NotLineLayout)) throw error;
      result = await run(db, source, options, true);
    }
    options.onProgress?.({ phase: 'done', done: result.events, total: result.events });
    return result;
  } catch (error) {
    throw storageFailure(error);
  }
}
