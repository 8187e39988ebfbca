import { type CheckSummary, type CheckedSlice, SliceChecker, type Wait } from './import-check';

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

/** The checker on the writer's own thread (a Worker's, where importLedger runs the import in one). */
export function checkedSlices(source: string | Blob, whole: boolean, snapshotEvery: number, wait: Wait): CheckedSlices {
  const checker = new SliceChecker(source, whole, snapshotEvery);
  return {
    start: () => checker.readHeader(wait),
    next: () => checker.readSlice(wait),
    summary: () => checker.summary(),
    close: () => undefined,
  };
}
