import { ImportError, StorageError, assertNever, type ErrorCode } from '../domain/errors';
import type { LedgerDb } from '../store/db';
import { importErrorFrom } from './import-check';
import type { FailureParts, FromImporter, ToImporter } from './import-protocol';
import { cancelled, importHere, newImportMark, type ImportOptions, type ImportResult } from './import-here';

export { IMPORT_RECORD_BYTES, importTaskBytes } from './import-writer';
export type { CheckPlace, ImportOptions, ImportPhase, ImportProgress, ImportResult } from './import-here';

/** The import's Worker could not start (its script did not load): the same file can still be imported here. */
class WorkerUnavailable extends Error {}

/**
 * Imports a whole-ledger export in ONE transaction (see importHere): a bad
 * file leaves the ledger exactly as it was. Wherever there is a Worker the
 * whole import runs in one, reading, checking and writing off the page's
 * thread, so the page keeps responding and its memory does not grow;
 * otherwise (Node, or a Worker whose script cannot load) it runs here.
 */
export async function importLedger(db: LedgerDb, source: string | Blob, options: ImportOptions = {}): Promise<ImportResult> {
  const inWorker = options.checkIn ? options.checkIn === 'worker' : typeof Worker === 'function';
  if (inWorker) {
    try {
      return await importInWorker(db, source, options);
    } catch (error) {
      // A Worker whose script cannot load (a policy, a cache without it) costs responsiveness, not the import.
      if (!(error instanceof WorkerUnavailable)) throw error;
    }
  }
  return importHere(db, source, options);
}

/** A failure from the Worker as the same kind of error it was there. */
function failureFrom({ name, message, code }: FailureParts): Error {
  if (code !== undefined) return new StorageError(code as ErrorCode, message);
  const error = new Error(message);
  error.name = name;
  return error;
}

function importInWorker(db: LedgerDb, source: string | Blob, options: ImportOptions): Promise<ImportResult> {
  const { onProgress, signal, mode, snapshotEvery, heldBytes } = options;
  if (signal?.aborted) return Promise.reject(cancelled());
  const mark = newImportMark();
  return new Promise<ImportResult>((resolve, reject) => {
    /**
     * The Worker ended without an answer (a cancel, or it stopped): its transaction has ended with it, and a
     * read here waits for that. The import may have committed just before: then the head carries its mark,
     * and that is the outcome, not `otherwise`.
     */
    const outcome = (otherwise: unknown) =>
      db.meta
        .get('log')
        .then(async (head) => (head?.importMark === mark ? resolve({ events: head.position, accounts: await db.accounts.count() }) : reject(otherwise)))
        .catch(reject);
    const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module', name: 'ledger-import' });
    let started = false;
    let settled = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      worker.terminate();
      signal?.removeEventListener('abort', abort);
      then();
    };
    // Ending the Worker closes its connection, which aborts the import's transaction unless it has committed.
    const abort = () => settle(() => outcome(cancelled()));
    signal?.addEventListener('abort', abort, { once: true });
    worker.onmessage = ({ data }: MessageEvent<FromImporter>) => {
      switch (data.kind) {
        case 'ready':
          started = true;
          return;
        case 'progress':
          if (!settled) onProgress?.(data.progress);
          return;
        case 'done':
          return settle(() => resolve(data.result));
        case 'refused':
          return settle(() => reject(importErrorFrom(data.error)));
        case 'failed':
          return settle(() => reject(failureFrom(data.error)));
        default:
          return assertNever(data, 'message from the import Worker');
      }
    };
    const stopped = (why: string) => new ImportError('IMPORT_STOPPED', `The import stopped before it finished (${why}); nothing of it was kept. Try again, perhaps after closing other tabs.`);
    worker.onerror = (event) => {
      event.preventDefault();
      const message = event.message || 'its Worker stopped';
      // Only a script that never ran is "unavailable": an import that fails later (out of memory on a huge file)
      // must not start again on the page.
      settle(() => (started ? outcome(stopped(message)) : reject(new WorkerUnavailable(message))));
    };
    worker.onmessageerror = () => settle(() => outcome(stopped('a message from its Worker could not be read')));
    const start: ToImporter = {
      kind: 'start',
      database: { name: db.name, timelineEvery: db.timelineEvery },
      source,
      options: { mark, ...(mode && { mode }), ...(snapshotEvery !== undefined && { snapshotEvery }), ...(heldBytes !== undefined && { heldBytes }) },
    };
    worker.postMessage(start);
  });
}
