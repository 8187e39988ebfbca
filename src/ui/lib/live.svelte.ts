import { untrack } from 'svelte';
import { watch } from '../../app/watch';
import { handleError } from './handle-error';

/**
 * A watched query (see watch) as reactive state. `key` is read inside an effect, so the query re-subscribes
 * when the state it depends on changes, and it runs again whenever any tab writes to what it read. Create
 * it during component setup.
 */
export class Live<T, K = void> {
  #value = $state.raw<T | undefined>(undefined);
  #error = $state<string | null>(null);
  #loading = $state(true);

  constructor(key: () => K, query: (key: K) => Promise<T>) {
    $effect(() => {
      const current = key();
      let active = true;
      // Only `key` decides when to re-subscribe; what the query reads is watch's to follow, not Svelte's.
      const stop = untrack(() => {
        this.#loading = true;
        return watch(() => query(current), {
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
        stop();
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
