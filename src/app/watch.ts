import { liveQuery } from 'dexie';
import { storageFailure } from '../store/event-store';

export interface Watcher<T> {
  next(value: T): void;
  error(error: unknown): void;
}

/**
 * Runs `query` now, and again whenever this tab or another writes to what it read (Dexie's live queries).
 * Failures arrive as the ledger's own errors where there is one. Returns the way to stop watching.
 */
export function watch<T>(query: () => Promise<T>, watcher: Watcher<T>): () => void {
  const subscription = liveQuery(query).subscribe({ next: (value) => watcher.next(value), error: (error: unknown) => watcher.error(storageFailure(error)) });
  return () => subscription.unsubscribe();
}
