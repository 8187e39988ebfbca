// The import's checker, off the page's thread: it parses and checks the file while the page writes what
// it already checked, so the two cores share the work and the page keeps responding.
import { ImportError } from '../domain/errors';
import { importErrorParts, SliceChecker } from './import-check';
import type { FromChecker, ToChecker } from './import-protocol';
import { SLICES_AHEAD } from './import-protocol';
import { NotLineLayout } from './import-source';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const send = (message: FromChecker) => scope.postMessage(message);

let credit = SLICES_AHEAD;
let wake: (() => void) | null = null;

/** In a Worker, waiting for the file's bytes is only waiting. */
const wait = <T>(promise: Promise<T>) => promise;

async function check(source: string | Blob, whole: boolean, snapshotEvery: number): Promise<void> {
  const checker = new SliceChecker(source, whole, snapshotEvery);
  send({ kind: 'header', total: (await checker.readHeader(wait)).total });
  for (let slice = await checker.readSlice(wait); slice !== null; slice = await checker.readSlice(wait)) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    send({ kind: 'slice', slice });
  }
  send({ kind: 'end', summary: checker.summary() });
}

send({ kind: 'ready' });

scope.onmessage = (event: MessageEvent<ToChecker>) => {
  const message = event.data;
  if (message.kind === 'taken') {
    credit++;
    wake?.();
    wake = null;
    return;
  }
  check(message.source, message.whole, message.snapshotEvery).catch((error: unknown) => {
    if (error instanceof ImportError) send({ kind: 'refused', error: importErrorParts(error) });
    else if (error instanceof NotLineLayout) send({ kind: 'not-line-layout' });
    else send({ kind: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  });
};
