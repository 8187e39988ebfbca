import { SvelteSet } from 'svelte/reactivity';
import type { Direction, EventLogPage, EventLogRequest, EventLogRow } from '../../app/event-log';
import type { LedgerService } from '../../app/service';
import type { AccountEventType } from '../../domain/events';
import { Live } from '../lib/live.svelte';

const EVENT_LOG_PAGE = 50;

/** Where the page starts; no position follows the newest event as other tabs write. */
interface Cursor {
  at?: number;
  direction: Direction;
}

/** A datetime-local value as an instant; a value that is no date goes as it is, for the ledger to refuse in words. */
function instant(local: string, plusMs = 0): string {
  const time = new Date(local).getTime();
  return Number.isNaN(time) ? local : new Date(time + plusMs).toISOString();
}

/** The ledger's event log, a page at a time (keyed by position, so a page costs the same anywhere), filtered. */
export class EventLogView {
  #accountId = $state('');
  #type = $state<AccountEventType | ''>('');
  #since = $state('');
  #until = $state('');
  #cursor = $state.raw<Cursor>({ direction: 'older' });
  /** The position a person jumped to: marked in the list. */
  #focus = $state<number | null>(null);
  readonly #expanded = new SvelteSet<number>();
  readonly #live: Live<EventLogPage, EventLogRequest>;

  constructor(service: LedgerService, at?: number) {
    if (at !== undefined) this.jumpTo(at);
    this.#live = new Live(
      () => this.#request(),
      (request) => service.eventLog.page(request),
    );
  }

  #request(): EventLogRequest {
    return {
      ...this.#cursor,
      limit: EVENT_LOG_PAGE,
      accountId: this.#accountId || undefined,
      type: this.#type || undefined,
      since: this.#since ? instant(this.#since) : undefined,
      // The field shows whole seconds: an event later within the chosen second is still "at" it.
      until: this.#until ? instant(this.#until, 999) : undefined,
    };
  }

  get rows(): EventLogRow[] {
    return this.#live.value?.rows ?? [];
  }
  get head(): number {
    return this.#live.value?.head ?? 0;
  }
  get hasOlder(): boolean {
    return this.#live.value?.hasOlder ?? false;
  }
  get hasNewer(): boolean {
    return this.#live.value?.hasNewer ?? false;
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
  get focus(): number | null {
    return this.#focus;
  }
  get accountId(): string {
    return this.#accountId;
  }
  get type(): AccountEventType | '' {
    return this.#type;
  }
  get since(): string {
    return this.#since;
  }
  get until(): string {
    return this.#until;
  }
  readonly filtered = $derived(this.#accountId !== '' || this.#type !== '' || this.#since !== '' || this.#until !== '');

  chooseAccount(accountId: string): void {
    this.#accountId = accountId;
    this.#refilter();
  }
  chooseType(type: AccountEventType | ''): void {
    this.#type = type;
    this.#refilter();
  }
  showSince(local: string): void {
    this.#since = local;
    this.#refilter();
  }
  showUntil(local: string): void {
    this.#until = local;
    this.#refilter();
  }
  clearFilters(): void {
    [this.#accountId, this.#type, this.#since, this.#until] = ['', '', '', ''];
    this.#refilter();
  }

  /** A new filter shows the newest matching events, at or before the position jumped to when there is one. */
  #refilter(): void {
    this.#cursor = this.#focus === null ? { direction: 'older' } : { at: this.#focus, direction: 'older' };
  }

  jumpTo(position: number): void {
    this.#focus = position;
    this.#cursor = { at: position, direction: 'older' };
  }
  newest(): void {
    this.#move({ direction: 'older' });
  }
  oldest(): void {
    this.#move({ direction: 'newer' });
  }
  older(): void {
    const last = this.rows[this.rows.length - 1];
    if (last) this.#move({ at: last.position - 1, direction: 'older' });
  }
  newer(): void {
    const first = this.rows[0];
    if (first) this.#move({ at: first.position + 1, direction: 'newer' });
  }
  #move(cursor: Cursor): void {
    this.#focus = null;
    this.#cursor = cursor;
  }

  /** Whether a row's stored JSON is shown. */
  expanded(position: number): boolean {
    return this.#expanded.has(position);
  }
  toggle(position: number): void {
    if (!this.#expanded.delete(position)) this.#expanded.add(position);
  }
}

/** An event's stored text, indented for reading (its keys in the order stored). */
export function readableJson(json: string): string {
  return JSON.stringify(JSON.parse(json), null, 2);
}
