import { evolve, initialState, type AccountState } from '../domain/account';
import { ImportError } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { LedgerCheck } from '../domain/ledger-check';
import type { CommitRecord, LedgerDb, SnapshotRecord, StoredEvent } from '../store/db';
import { headOf, storageFailure } from '../store/event-store';
import { SNAPSHOT_SCHEMA_VERSION, serializeState } from '../store/snapshots';
import { Projector } from '../projections/projector';
import { EXPORT_KEYS, FORMAT_NAME, FORMAT_VERSION } from './export-format';
import { DEFAULT_SNAPSHOT_EVERY } from '../store/snapshots';

export type ImportPhase = 'parsing' | 'checking' | 'writing' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total: number;
}

export interface ImportOptions {
  /** 'empty-only' (default) refuses a ledger that has events; 'replace' swaps the whole ledger in one transaction. */
  mode?: 'empty-only' | 'replace';
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
  snapshotEvery?: number;
}

export interface ImportResult {
  events: number;
  accounts: number;
}

/** Events a single import record may hold: IndexedDB pays per record, so fewer, larger records import faster. */
export const IMPORT_RECORD_EVENTS = 512;
const CHECK_SLICE = 5_000;

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function cancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ImportError('IMPORT_CANCELLED', 'The import was cancelled; the ledger is unchanged.');
}

function parseDocument(text: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ImportError('IMPORT_INVALID', `The file is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ImportError('IMPORT_INVALID', 'The file is not a ledger export: expected a JSON object at the top.');
  }
  const d = doc as Record<string, unknown>;
  if (d.format !== FORMAT_NAME) {
    throw new ImportError('IMPORT_INVALID', `The file is not a ledger export: "format" must be "${FORMAT_NAME}".`);
  }
  if (d.version !== FORMAT_VERSION) {
    throw new ImportError(
      'IMPORT_INVALID',
      `Export format version ${JSON.stringify(d.version)} is not supported (this app reads version ${FORMAT_VERSION}).`,
    );
  }
  for (const key of Object.keys(d)) {
    if (!EXPORT_KEYS.has(key)) throw new ImportError('IMPORT_INVALID', `Unknown top-level field "${key}".`);
  }
  if (!Array.isArray(d.events)) throw new ImportError('IMPORT_INVALID', '"events" must be an array.');
  if (d.eventCount !== undefined && d.eventCount !== d.events.length) {
    throw new ImportError(
      'IMPORT_INVALID',
      `"eventCount" says ${JSON.stringify(d.eventCount)} but the file holds ${d.events.length} events; the file is probably truncated.`,
    );
  }
  return d.events;
}

/** Splits each stream's events into records of consecutive versions. */
function toRecords(events: readonly { recorded: RecordedEvent; stored: StoredEvent }[]): CommitRecord[] {
  const open = new Map<string, CommitRecord>();
  const records: CommitRecord[] = [];
  for (const { recorded, stored } of events) {
    let record = open.get(recorded.streamId);
    if (!record || record.events.length >= IMPORT_RECORD_EVENTS) {
      record = { streamId: recorded.streamId, version: stored.version, lastVersion: stored.version, position: stored.position, commandIds: [], events: [] };
      open.set(recorded.streamId, record);
      records.push(record);
    }
    record.events.push(stored);
    record.lastVersion = stored.version;
    if (record.commandIds[record.commandIds.length - 1] !== stored.metadata.commandId) {
      record.commandIds.push(stored.metadata.commandId);
    }
  }
  for (const record of records) record.commandIds = [...new Set(record.commandIds)];
  return records;
}

function snapshotsOf(events: readonly RecordedEvent[], every: number): SnapshotRecord[] {
  const states = new Map<string, AccountState>();
  const snapshots: SnapshotRecord[] = [];
  for (const event of events) {
    const state = evolve(states.get(event.streamId) ?? initialState, event);
    states.set(event.streamId, state);
    if (every > 0 && event.version % every === 0) {
      snapshots.push({
        streamId: event.streamId,
        version: event.version,
        position: event.position,
        at: event.metadata.at,
        schemaVersion: SNAPSHOT_SCHEMA_VERSION,
        state: serializeState(state),
      });
    }
  }
  return snapshots;
}

/**
 * Imports a whole-ledger export. Every event is checked and the rules are
 * replayed before anything is written; then one transaction writes the log,
 * the snapshots and the read models. A bad file changes nothing.
 */
export async function importLedger(db: LedgerDb, text: string, options: ImportOptions = {}): Promise<ImportResult> {
  const { onProgress, signal } = options;
  onProgress?.({ phase: 'parsing', done: 0, total: 0 });
  const raw = parseDocument(text);
  const total = raw.length;
  const check = new LedgerCheck();
  const checked: { recorded: RecordedEvent; stored: StoredEvent }[] = [];
  for (let i = 0; i < total; i++) {
    if (i % CHECK_SLICE === 0) {
      onProgress?.({ phase: 'checking', done: i, total });
      await yieldToPage();
      cancelled(signal);
    }
    const source = raw[i] as Record<string, unknown>;
    const recorded = check.accept(source, i);
    // Stored exactly as the file has it (older schema versions included), so an export gives the same bytes back.
    const stored: StoredEvent = {
      position: recorded.position,
      version: recorded.version,
      type: recorded.type,
      schemaVersion: recorded.schemaVersion,
      data: source.data as Record<string, unknown>,
      metadata: recorded.metadata,
    };
    checked.push({ recorded, stored });
  }
  check.finish();
  cancelled(signal);
  onProgress?.({ phase: 'writing', done: total, total });
  const recorded = checked.map((c) => c.recorded);
  const records = toRecords(checked);
  const snapshots = snapshotsOf(recorded, options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY);
  try {
    await db.transaction('rw', db.writeTables, async () => {
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
      await db.commits.bulkAdd(records);
      const heads = new Map(records.map((r) => [r.streamId, headOf(r)]));
      await db.streams.bulkAdd([...heads.values()]);
      await db.snapshots.bulkAdd(snapshots);
      const last = recorded[recorded.length - 1];
      await db.meta.put({ key: 'log', position: last?.position ?? 0, lastAt: last?.metadata.at ?? '' });
      await new Projector(db).replaceWith(recorded, last?.position ?? 0);
    });
  } catch (error) {
    throw storageFailure(error);
  }
  const accounts = new Set(recorded.map((e) => e.streamId)).size;
  onProgress?.({ phase: 'done', done: total, total });
  return { events: total, accounts };
}
