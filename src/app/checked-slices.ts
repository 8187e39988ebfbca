import { type CheckSummary, type CheckedSlice, SliceChecker, type Wait, importErrorFrom } from './import-check';
import { assertNever } from '../domain/errors';
import { type FromChecker, type ToChecker } from './import-protocol';
import { NotLineLayout } from './import-source';

/**
 * The checked slices of an import file, as the writer takes them inside its
 * transaction: every wait goes through `wait`, which keeps the transaction
 * alive while nothing of IndexedDB is pending.
 */
export interface CheckedSlices {
  /** The event count the file's header gives, when it gives one. */
  start(): Promise<{ total: number | null }>;
  /** The next slice, null after the last (when the file as a whole has passed its checks too). */
  next(): Promise<CheckedSlice | null>;
  /** Valid once `next` has answered null. */
  summary(): CheckSummary;
  close(): void;
}

export type CheckPlace = 'worker' | 'thread';

/** The checker's Worker could not start; the same file can still be checked on the page's thread. */
export class CheckerUnavailable extends Error {}


/** A Worker where the platform has one (browsers), else the same checker on this thread (Node's tests). */
export function checkedSlices(source: string | Blob, whole: boolean, snapshotEvery: number, wait: Wait, place?: CheckPlace): CheckedSlices {
  const inWorker = place ? place === 'worker' : typeof Worker === 'function';
  return inWorker ? new WorkerSlices(source, whole, snapshotEvery, wait) : new ThreadSlices(new SliceChecker(source, whole, snapshotEvery), wait);
}

class ThreadSlices implements CheckedSlices {
  constructor(
    private readonly checker: SliceChecker,
    private readonly wait: Wait,
  ) {}

  start(): Promise<{ total: number | null }> {
    return this.checker.readHeader(this.wait);
  }

  next(): Promise<CheckedSlice | null> {
    return this.checker.readSlice(this.wait);
  }

  summary(): CheckSummary {
    return this.checker.summary();
  }

  close(): void {}
}

/** The checker in a Worker, running up to SLICES_AHEAD slices ahead of the writer. */
class WorkerSlices implements CheckedSlices {
  private readonly worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module', name: 'ledger-import' });
  private readonly inbox: FromChecker[] = [];
  private waiting: ((message: FromChecker) => void) | null = null;
  private ended: CheckSummary | null = null;
  private started = false;

  constructor(
    source: string | Blob,
    whole: boolean,
    snapshotEvery: number,
    private readonly wait: Wait,
  ) {
    this.worker.onmessage = (event: MessageEvent<FromChecker>) => {
      if (event.data.kind === 'ready') this.started = true;
      else this.deliver(event.data);
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const message = event.message || 'the import checker stopped';
      // Only a script that never ran is "unavailable": a checker that fails later (out of memory on a huge
      // file) must not hand its file to the page's thread.
      this.deliver({ kind: this.started ? 'failed' : 'unavailable', message });
    };
    this.worker.onmessageerror = () => this.deliver({ kind: 'failed', message: 'a checked slice could not be read' });
    this.post({ kind: 'start', source, whole, snapshotEvery });
  }

  private post(message: ToChecker): void {
    this.worker.postMessage(message);
  }

  private deliver(message: FromChecker): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(message);
    else this.inbox.push(message);
  }

  private async receive(): Promise<FromChecker> {
    const queued = this.inbox.shift();
    const message = queued ?? (await this.wait(new Promise<FromChecker>((resolve) => (this.waiting = resolve))));
    switch (message.kind) {
      case 'refused':
        throw importErrorFrom(message.error);
      case 'not-line-layout':
        throw new NotLineLayout();
      case 'failed':
        throw new Error(`The import could not be checked: ${message.message}`);
      case 'unavailable':
        throw new CheckerUnavailable(message.message);
      case 'ready':
      case 'header':
      case 'slice':
      case 'end':
        return message;
      default:
        return assertNever(message, 'message from the import checker');
    }
  }

  async start(): Promise<{ total: number | null }> {
    const message = await this.receive();
    if (message.kind !== 'header') throw new Error(`The import checker sent ${message.kind} before the header`);
    return { total: message.total };
  }

  async next(): Promise<CheckedSlice | null> {
    if (this.ended) return null;
    const message = await this.receive();
    if (message.kind === 'end') {
      this.ended = message.summary;
      return null;
    }
    if (message.kind !== 'slice') throw new Error(`The import checker sent ${message.kind} among the slices`);
    this.post({ kind: 'taken' });
    return message.slice;
  }

  summary(): CheckSummary {
    if (!this.ended) throw new Error('The import checker has not finished');
    return this.ended;
  }

  close(): void {
    this.worker.terminate();
  }
}
