// The whole import, off the page's thread: the Worker opens the page's database, then reads, checks and
// writes the file in one transaction of its own. Nothing of it runs on the page, which keeps responding,
// and no thread waits for another inside the transaction.
import { ImportError, LedgerError } from '../domain/errors';
import { LedgerDb } from '../store/db';
import { importErrorParts } from './import-check';
import type { FromImporter, ToImporter } from './import-protocol';
import { importHere } from './import-writer';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const send = (message: FromImporter) => scope.postMessage(message);

function failed(error: unknown): FromImporter {
  if (error instanceof ImportError) return { kind: 'refused', error: importErrorParts(error) };
  const { name = 'Error', message = String(error) } = (error ?? {}) as { name?: string; message?: string };
  return { kind: 'failed', error: { name, message, ...(error instanceof LedgerError ? { code: error.code } : {}) } };
}

scope.onmessage = ({ data: { database, source, options } }: MessageEvent<ToImporter>) => {
  const db = new LedgerDb(database.name, { timelineEvery: database.timelineEvery });
  importHere(db, source, { ...options, onProgress: (progress) => send({ kind: 'progress', progress }) })
    .then((result) => send({ kind: 'done', result }), (error: unknown) => send(failed(error)))
    .finally(() => db.close());
};

send({ kind: 'ready' });
