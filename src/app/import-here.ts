import { ImportError } from '../domain/errors';
import { waitInTransaction, type LedgerDb } from '../store/db';
import { storageFailure } from '../store/storage-failure';
import { DEFAULT_SNAPSHOT_EVERY } from '../store/snapshot-state';
import { SliceChecker, type CheckSummary } from './import-check';
import { anyLayout } from './import-source';
import { ImportWriter } from './import-writer';

// The import itself, on whatever thread runs it: the page's, or the import Worker's (see import.ts).

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
  /** Event text the writer's growing records may hold before it writes the largest early (default HELD_BYTES; tests pass a small one). */
  heldBytes?: number;
  /**
   * The mark the import leaves in the log's head (default: a fresh one). importLedger chooses it, so that it
   * can tell from the head whether an import it had to stop had committed already.
   */
  mark?: string;
}

export interface ImportResult {
  events: number;
  accounts: number;
}

/** A fresh mark for an import to leave in the log's head. */
export const newImportMark = () => `#import-${crypto.randomUUID()}`;

/** A syncing ledger's log is the server's: a file would replace it on this device alone. */
export const importWhileSyncing = (server: string) =>
  new ImportError('IMPORT_WHILE_SYNCING', `This ledger syncs with ${server}, whose log it follows: a file cannot replace it here. Turn sync off first (Data screen), then import.`);

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
    if (meta?.sync) throw importWhileSyncing(meta.sync.server);
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

const runAnyLayout = (db: LedgerDb, source: string | Blob, options: ImportOptions) => anyLayout((whole) => run(db, source, options, whole));

/**
 * Checks a whole file as the import would, writing nothing, and says what it holds: the person is asked
 * to import it only once it is known to be good. (The import checks it again as it writes: the file may
 * have changed since.)
 */
export function checkHere(source: string | Blob, { onProgress, signal }: Pick<ImportOptions, 'onProgress' | 'signal'> = {}): Promise<CheckSummary> {
  const cancel = signal && cancelledBy(signal);
  const wait = <T>(promise: Promise<T>) => (cancel ? Promise.race([promise, cancel]) : promise);
  return anyLayout(async (whole) => {
    const checker = new SliceChecker(source, whole, 0);
    const { total } = await checker.readHeader(wait);
    onProgress?.({ phase: 'reading', done: 0, total });
    for (let slice = await checker.readSlice(wait); slice !== null; slice = await checker.readSlice(wait)) {
      if (signal?.aborted) throw cancelled();
      onProgress?.({ phase: 'reading', done: slice.segment.start + slice.segment.versions.length - 1, total });
    }
    return checker.summary();
  });
}
