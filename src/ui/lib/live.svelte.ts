import { liveQuery } from 'dexie';
import { untrack } from 'svelte';
import { handleError } from './handle-error';

/**
 * A Dexie liveQuery as reactive state. `key` is read inside an effect, so the
 * query re-subscribes when the state it depends on changes; Dexie re-runs it
 * whenever any tab writes to what it read. Create it during component setup.
 */
export class Live<T, K = void> {
  #value = $state.raw<T | undefined>(undefined);
  #error = $state<string | null>(null);
  #loading = $state(true);

  constructor(key: () => K, query: (key: K) => Promise<T>) {
    $effect(() => {
      const current = key();
      let active = true;
      // Only `key` decides when to re-subscribe; what the query reads is Dexie's to watch, not Svelte's.
      const subscription = untrack(() => {
        this.#loading = true;
        return liveQuery(() => query(current)).subscribe({
          next: (value) => {
            if (!active) return;
            this.#value = value;
            this.#error = null;
            this.#loading = false;
          },
          error: (error: unknown) => {
            if (!active) return;
            this.#error = handleError(error);
            this.#loading = false;
          },
        });
      });
      return () => {
        active = false;
        subscription.unsubscribe();
      };
    });
  }

  /** The latest answer; kept while a new key loads, so pages do not flash empty. */
  get value(): T | undefined {
    return this.#value;
  }
  get error(): string | null {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }
}
