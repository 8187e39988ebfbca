import { untrack } from 'svelte';

/**
 * How safe the data is in this browser: whether the storage is persistent (the
 * browser will not evict it under pressure) and how much is used. Persistence is
 * requested once the first real data exists, not on an empty first visit, where
 * a browser prompt would make no sense, and again when the app is installed.
 */
export class StorageStatus {
  readonly supported = typeof navigator !== 'undefined' && navigator.storage?.estimate !== undefined;
  #persisted = $state<boolean | null>(null);
  #usage = $state<number | null>(null);
  #quota = $state<number | null>(null);
  #requested = false;

  /** `records` is any live list that changes when the ledger does; its length says whether data exists. */
  constructor(records: () => readonly unknown[]) {
    $effect(() => {
      const hasData = records().length > 0;
      untrack(() => void this.#refresh(hasData));
    });
    // Installing the app is a moment the person chose to keep it: a browser may grant persistence then.
    $effect(() => {
      const installed = () => {
        this.#requested = false;
        void this.#refresh(records().length > 0);
      };
      window.addEventListener('appinstalled', installed);
      return () => window.removeEventListener('appinstalled', installed);
    });
  }

  /** null while unknown, or where the browser cannot tell. */
  get persisted(): boolean | null {
    return this.#persisted;
  }
  get usage(): number | null {
    return this.#usage;
  }
  get quota(): number | null {
    return this.#quota;
  }

  async #refresh(hasData: boolean): Promise<void> {
    if (!this.supported) return;
    try {
      const [estimate, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted()]);
      this.#measured(estimate, persisted);
      if (hasData && !persisted && !this.#requested) {
        this.#requested = true;
        this.#measured(estimate, await navigator.storage.persist());
      }
    } catch {
      // A browser that cannot tell (storage blocked, opaque origin) simply shows no storage badge.
    }
  }

  #measured(estimate: StorageEstimate, persisted: boolean): void {
    this.#usage = estimate.usage ?? null;
    this.#quota = estimate.quota ?? null;
    this.#persisted = persisted;
  }
}
