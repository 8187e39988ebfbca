import { StorageError } from '../domain/errors';

/** Translates IndexedDB's failures into the ledger's own errors; rethrows the rest. */
export function storageFailure(error: unknown): unknown {
  const name = (error as { name?: string } | null)?.name;
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name;
  if (name === 'QuotaExceededError' || inner === 'QuotaExceededError') {
    return new StorageError(
      'STORAGE_QUOTA_EXCEEDED',
      'The browser refused to store more data (storage quota exceeded). Nothing was written; export the ledger and free some space.',
    );
  }
  // LedgerDb never opens a database stored at a newer version than its code's (see neverNewer in db.ts).
  if (name === 'VersionError' || inner === 'VersionError') {
    return new StorageError(
      'STORAGE_SCHEMA_NEWER',
      'This ledger was saved by a newer version of Ledger than this page runs. Reload the page to get the newer version; nothing stored was read or changed.',
    );
  }
  return error;
}
