// The import's checker, off the page's thread: it parses and checks the file while the page writes what
// it already checked, so the two cores share the work and the page keeps responding.
import { ImportError } from '../domain/errors';
import { importErrorParts, SliceChecker } from './import-check';
import type { FromChecker, ToChecker } from './import-protocol';
import { SLICES_AHEAD } from './import-protocol';
import { NEED_MORE, NotLineLayout } from './import-source';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const send = (message: FromChecker) => scope.postMessage(message);

let credit = SLICES_AHEAD;
let wake: (() => void) | null = null;

async function check(source: string | Blob, whole: boolean, snapshotEvery: number): Promise<void> {
  const checker = new SliceChecker(source, whole, snapshotEvery);
  let header = checker.start();
  while (header === NEED_MORE) {
    await checker.fill();
    header = checker.start();
  }
  send({ kind: 'header', total: header.total });
  for (let slice = checker.next(); slice !== null; slice = checker.next()) {
    if (slice === NEED_MORE) {
      await checker.fill();
      continue;
    }
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
