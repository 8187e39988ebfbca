import type { CheckSummary, CheckedSlice, ImportErrorParts } from './import-check';

/** What the page asks of the import Worker. */
export type ToChecker =
  | { kind: 'start'; source: string | Blob; whole: boolean; snapshotEvery: number }
  /** The page took a slice: the checker may send one more. */
  | { kind: 'taken' };

/** What the import Worker answers, in this order: ready, a header, slices, then an end or a refusal. */
export type FromChecker =
  /** The Worker's script runs: a failure from here on is the checker's, not a Worker that could not start. */
  | { kind: 'ready' }
  | { kind: 'header'; total: number | null }
  | { kind: 'slice'; slice: CheckedSlice }
  | { kind: 'end'; summary: CheckSummary }
  | { kind: 'refused'; error: ImportErrorParts }
  /** The file is JSON but not one event per line: the page starts again, parsing it whole. */
  | { kind: 'not-line-layout' }
  | { kind: 'failed'; message: string }
  /** Not sent by the Worker but said of it, by the page: it never started (its script could not load). */
  | { kind: 'unavailable'; message: string };

/** Slices the checker may run ahead of the writer: both cores busy, and memory bounded. */
export const SLICES_AHEAD = 4;
