import { ImportError, StorageError, assertNever, type ErrorCode } from '../domain/errors';
import type { LedgerDb } from '../store/db';
import { importErrorFrom, type CheckSummary } from './import-check';
import type { FailureParts, FromImporter, ToImporter } from './import-protocol';
import { cancelled, checkHere, importHere, newImportMark, type CheckPlace, type ImportOptions, type ImportResult } from './import-here';

export { IMPORT_RECORD_BYTES, RECORDS_PER_REQUEST } from './import-writer';
export { importWhileSyncing } from './import-here';
export type { CheckPlace, ImportOptions, ImportPhase, ImportProgress, ImportResult } from './import-here';
export type { CheckSummary } from './import-check';

/** The import's Worker could not start (its script did not load): the same file can still be imported here. */
class WorkerUnavailable extends Error {}

/** Runs `there` in a Worker wherever there is one (unless `place` says otherwise), else `here`. */
async function inWorkerOrHere<T>(place: CheckPlace | undefined, there: () => Promise<T>, here: () => Promise<T>): Promise<T> {
  if (place ? place === 'worker' : typeof Worker === 'function') {
    try {
      return await there();
    } catch (error) {
      // A Worker whose script cannot load (a policy, a cache without it) costs responsiveness, not the work.
      if (!(error instanceof WorkerUnavailable)) throw error;
    }
  }
  return here();
}

/**
 * Imports a whole-ledger export in ONE transaction (see importHere): a bad
 * file leaves the ledger exactly as it was. Wherever there is a Worker the
 * whole import runs in one, reading, checking and writing off the page's
 * thread, so the page keeps responding and its memory does not grow;
 * otherwise (Node, or a Worker whose script cannot load) it runs here.
 */
export function importLedger(db: LedgerDb, source: string | Blob, options: ImportOptions = {}): Promise<ImportResult> {
  const mark = newImportMark();
  const { mode, snapshotEvery, heldBytes } = options;
  const start: ToImporter = {
    kind: 'start',
    database: { name: db.name, timelineEvery: db.timelineEvery },
    source,
    options: { mark, ...(mode && { mode }), ...(snapshotEvery !== undefined && { snapshotEvery }), ...(heldBytes !== undefined && { heldBytes }) },
  };
  /**
   * The Worker ended without an answer (a cancel, or it stopped): its transaction has ended with it, and a
   * read here waits for that. The import may have committed just before: then the head carries its mark,
   * and that is the outcome, not `otherwise`.
   */
  const outcome = async (otherwise: unknown): Promise<ImportResult> => {
    const head = await db.meta.get('log');
    if (head?.importMark !== mark) throw otherwise;
    return { events: head.position, accounts: await db.accounts.count() };
  };
  return inWorkerOrHere(
    options.checkIn,
    () => talk(start, options, (answer) => (answer.kind === 'done' ? answer.result : undefined), outcome),
    () => importHere(db, source, options),
  );
}

/** Checks a whole export, writing nothing, and says what it holds (see checkHere); in a Worker wherever there is one. */
export function checkImportFile(source: string | Blob, options: Pick<ImportOptions, 'onProgress' | 'signal' | 'checkIn'> = {}): Promise<CheckSummary> {
  return inWorkerOrHere(
    options.checkIn,
    () => talk({ kind: 'check', source }, options, (answer) => (answer.kind === 'checked' ? answer.summary : undefined), (otherwise) => Promise.reject(otherwise)),
    () => checkHere(source, options),
  );
}

/** A failure from the Worker as the same kind of error it was there. */
function failureFrom({ name, message, code }: FailureParts): Error {
  if (code !== undefined) return new StorageError(code as ErrorCode, message);
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Gives the import Worker one task and answers with what `take` finds in its answer. When the Worker ends
 * without one (a cancel, or it stopped), `outcome` decides.
 */
function talk<T>(task: ToImporter, options: Pick<ImportOptions, 'onProgress' | 'signal'>, take: (answer: FromImporter) => T | undefined, outcome: (otherwise: unknown) => Promise<T>): Promise<T> {
  const { onProgress, signal } = options;
  if (signal?.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
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
    const ended = (otherwise: unknown) => settle(() => outcome(otherwise).then(resolve, reject));
    // Ending the Worker closes its connection, which aborts the import's transaction unless it has committed.
    const abort = () => ended(cancelled());
    signal?.addEventListener('abort', abort, { once: true });
    worker.onmessage = ({ data }: MessageEvent<FromImporter>) => {
      switch (data.kind) {
        case 'ready':
          started = true;
          return;
        case 'progress':
          if (!settled) onProgress?.(data.progress);
          return;
        case 'refused':
          return settle(() => reject(importErrorFrom(data.error)));
        case 'failed':
          return settle(() => reject(failureFrom(data.error)));
        case 'done':
        case 'checked': {
          const answer = take(data);
          return settle(() => (answer === undefined ? reject(new Error(`The import Worker answered ${data.kind}`)) : resolve(answer)));
        }
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
      if (started) ended(stopped(message));
      else settle(() => reject(new WorkerUnavailable(message)));
    };
    worker.onmessageerror = () => ended(stopped('a message from its Worker could not be read'));
    worker.postMessage(task);
  });
}
