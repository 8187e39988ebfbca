// The whole import, off the page's thread: the Worker opens the page's database, then reads, checks and
// writes the file in one transaction of its own. Nothing of it runs on the page, which keeps responding,
// and no thread waits for another inside the transaction.
import { ImportError, LedgerError } from '../domain/errors';
import { LedgerDb } from '../store/db';
import { importErrorParts } from './import-check';
import type { FromImporter, ToImporter } from './import-protocol';
import { checkHere, importHere, type ImportProgress } from './import-here';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const send = (message: FromImporter) => scope.postMessage(message);

function failed(error: unknown): FromImporter {
  if (error instanceof ImportError) return { kind: 'refused', error: importErrorParts(error) };
  const { name = 'Error', message = String(error) } = (error ?? {}) as { name?: string; message?: string };
  return { kind: 'failed', error: { name, message, ...(error instanceof LedgerError ? { code: error.code } : {}) } };
}

const onProgress = (progress: ImportProgress) => send({ kind: 'progress', progress });

async function run(task: ToImporter): Promise<FromImporter> {
  if (task.kind === 'check') return checkHere(task.source, { onProgress }).then((summary) => ({ kind: 'checked', summary }), failed);
  const { database, source, options } = task;
  const db = new LedgerDb(database.name, { timelineEvery: database.timelineEvery });
  try {
    const result = await importHere(db, source, { ...options, onProgress });
    return { kind: 'done', result };
  } catch (error) {
    return failed(error);
  } finally {
    db.close();
  }
}

scope.onmessage = ({ data }: MessageEvent<ToImporter>) => {
  void run(data).then(send);
};

send({ kind: 'ready' });
