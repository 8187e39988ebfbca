import { liveQuery } from 'dexie';

export interface Watcher<T> {
  next(value: T): void;
  error(error: unknown): void;
}

/** Runs `query` now, and again whenever this tab or another writes to what it read (Dexie's live queries). Returns the way to stop watching. */
export function watch<T>(query: () => Promise<T>, watcher: Watcher<T>): () => void {
  const subscription = liveQuery(query).subscribe({ next: (value) => watcher.next(value), error: (error: unknown) => watcher.error(error) });
  return () => subscription.unsubscribe();
}
