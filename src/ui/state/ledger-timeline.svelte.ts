import { untrack } from 'svelte';
import type { LedgerService } from '../../app/service';
import type { LedgerAtPoint } from '../../app/temporal';
import type { RecordedEvent } from '../../domain/events';
import type { LogMeta } from '../../app/service';
import { toLocalInput } from '../lib/format';
import { handleError } from '../lib/handle-error';
import { LatestOnly } from '../lib/latest';
import { Live } from '../lib/live.svelte';

/**
 * The whole ledger as it was after global position p, or at a chosen time. Only the ends of commits can be
 * shown (never a transfer half done): a move stops at the nearest one in its direction.
 */
export class LedgerTimeline {
  readonly #service: LedgerService;
  readonly #head: Live<LogMeta>;
  /** null follows the newest position as other tabs write. */
  #position = $state<number | null>(null);
  #result = $state.raw<LedgerAtPoint | null>(null);
  /** The events of the commit that ends at the point shown. */
  #commit = $state.raw<RecordedEvent[]>([]);
  #toward: 'earlier' | 'later' = 'earlier';
  #error = $state<string | null>(null);
  #timeInput = $state('');
  #timeFollowsPosition = true;
  readonly #runner: LatestOnly<number>;

  /** `at`: open at the commit that holds that position, as of its end (the event has happened). */
  constructor(service: LedgerService, at?: number) {
    this.#service = service;
    if (at !== undefined) {
      this.#position = at;
      this.#toward = 'later';
    }
    this.#head = new Live(
      () => undefined,
      () => service.logHead(),
    );
    this.#runner = new LatestOnly((position) => this.#load(position));
    $effect(() => {
      // Every write gives a new head object, so this also reloads after an import replaced the log.
      const head = this.#head.value;
      if (!head) return;
      const position = Math.min(this.#position ?? head.position, head.position);
      untrack(() => this.#runner.request(position));
    });
  }

  get head(): number {
    return this.#head.value?.position ?? 0;
  }
  get position(): number {
    return Math.min(this.#position ?? this.head, this.head);
  }
  get following(): boolean {
    return this.#position === null;
  }
  get result(): LedgerAtPoint | null {
    return this.#result;
  }
  get commit(): readonly RecordedEvent[] {
    return this.#commit;
  }
  get error(): string | null {
    return this.#error ?? this.#head.error;
  }
  get timeInput(): string {
    return this.#timeInput;
  }

  moveTo(position: number): void {
    this.#timeFollowsPosition = true;
    this.#toward = position > this.position ? 'later' : 'earlier';
    this.#position = position >= this.head ? null : Math.max(0, position);
  }

  /** Jumps to the last event at or before a local date-time ("2026-03-01T09:30:00"). */
  async showTime(local: string): Promise<void> {
    this.#timeInput = local;
    if (!local) return;
    this.#timeFollowsPosition = false;
    try {
      const at = await this.#service.time.ledgerAtTime(new Date(local));
      this.#toward = 'earlier';
      this.#position = at.position >= this.head ? null : at.position;
    } catch (error) {
      this.#error = handleError(error);
    }
  }

  async #load(position: number): Promise<void> {
    try {
      const result = await this.#service.time.ledgerAtPosition(position, this.#toward);
      this.#commit = await this.#service.time.commitEndingAt(result.position);
      this.#result = result;
      this.#error = null;
      // The slider rests where the ledger can be shown.
      if (this.#position !== null && result.position !== position) this.#position = result.position;
      if (this.#timeFollowsPosition) this.#timeInput = result.at ? toLocalInput(result.at) : '';
    } catch (error) {
      this.#error = handleError(error);
    }
  }
}
