import type { LedgerService } from '../../app/service';
import type { LedgerCommand } from '../../domain/commands';
import { handleError } from './handle-error';

/**
 * The life of one command form: pending, refused, done. It keeps the same
 * command id until the command succeeds, so a double click or a retry after a
 * lost answer is recognised by the ledger and takes effect once.
 */
export class CommandForm {
  readonly #service: LedgerService;
  #commandId: string;
  #pending = $state(false);
  #error = $state<string | null>(null);
  #notice = $state<string | null>(null);

  constructor(service: LedgerService) {
    this.#service = service;
    this.#commandId = service.newCommandId();
  }

  get pending(): boolean {
    return this.#pending;
  }
  get error(): string | null {
    return this.#error;
  }
  get notice(): string | null {
    return this.#notice;
  }

  /** Executes the command; returns true when it was recorded (or had been already). */
  async submit(build: (commandId: string) => LedgerCommand, success: string): Promise<boolean> {
    if (this.#pending) return false;
    this.#pending = true;
    this.#error = null;
    this.#notice = null;
    try {
      await this.#service.execute(build(this.#commandId));
      this.#commandId = this.#service.newCommandId();
      this.#notice = success;
      return true;
    } catch (error) {
      this.#error = handleError(error);
      return false;
    } finally {
      this.#pending = false;
    }
  }

  /** A validation failure before anything was sent: old outcome messages no longer apply. */
  clearOutcome(): void {
    this.#error = null;
    this.#notice = null;
  }
}
