import type { Page, PageRequest } from '../../app/queries';
import { Live } from '../lib/live.svelte';

/**
 * One page of a long list, live. Only the visible page is read, so paging
 * stays fast however long the list grows.
 */
export class PagedLive<T> {
  readonly #limit: number;
  #offset = $state(0);
  readonly #live: Live<Page<T>, number>;

  constructor(limit: number, read: (request: PageRequest) => Promise<Page<T>>) {
    this.#limit = limit;
    this.#live = new Live(
      () => this.#offset,
      (offset) => read({ offset, limit }),
    );
  }

  get rows(): T[] {
    return this.#live.value?.rows ?? [];
  }
  get total(): number {
    return this.#live.value?.total ?? 0;
  }
  get loaded(): boolean {
    return this.#live.value !== undefined;
  }
  get loading(): boolean {
    return this.#live.loading;
  }
  get error(): string | null {
    return this.#live.error;
  }

  /** Where the rows on screen start: the loaded page's offset, so the "51–100" text and the rows always agree. */
  get #shownOffset(): number {
    return this.#live.value?.offset ?? 0;
  }
  /** 1-based numbers of the first and last row shown. */
  readonly first = $derived(this.rows.length === 0 ? 0 : this.#shownOffset + 1);
  readonly last = $derived(this.#shownOffset + this.rows.length);
  readonly hasPrevious = $derived(this.#offset > 0);
  readonly hasNext = $derived.by(() => this.#offset + this.#pageSize() < this.total);

  next(): void {
    if (this.hasNext) this.#offset += this.#limit;
  }
  previous(): void {
    this.#offset = Math.max(0, this.#offset - this.#limit);
  }

  // A method, not a field read, so the derived above may be declared before the constructor sets the size.
  #pageSize(): number {
    return this.#limit;
  }
}
