import type { CheckSummary, ImportErrorParts } from './import-check';
import type { ImportProgress, ImportResult } from './import-here';

/** The database the import Worker opens: the page's own, by name. */
export interface ImportDatabase {
  name: string;
  timelineEvery: number;
}

/** What the page asks of the import Worker: one check of a file, or one import, with the options that cross a thread. */
export type ToImporter =
  | { kind: 'check'; source: string | Blob }
  | {
      kind: 'start';
      database: ImportDatabase;
      source: string | Blob;
      options: { mode?: 'empty-only' | 'replace'; snapshotEvery?: number; heldBytes?: number; mark: string };
    };

/** A failure other than a refusal, as it crosses from the Worker: enough to throw the same kind of error again. */
export interface FailureParts {
  name: string;
  message: string;
  /** A LedgerError's code (a storage failure's, say). */
  code?: string;
}

/** What the import Worker answers: ready, progress, then the result or why there is none. */
export type FromImporter =
  /** The Worker's script runs: a failure from here on is the import's, not a Worker that could not start. */
  | { kind: 'ready' }
  | { kind: 'progress'; progress: ImportProgress }
  | { kind: 'done'; result: ImportResult }
  | { kind: 'checked'; summary: CheckSummary }
  | { kind: 'refused'; error: ImportErrorParts }
  | { kind: 'failed'; error: FailureParts };
