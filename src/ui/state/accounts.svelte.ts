import { allAccounts } from '../../app/read-all';
import type { LedgerService } from '../../app/service';
import { totalsByCurrency } from '../../app/totals';
import type { AccountRow } from '../../projections/rows';
import { Live } from '../lib/live.svelte';

/** Every account, kept live across tabs; the list screen, transfer targets and history all read it. */
export class AccountDirectory {
  readonly #live: Live<AccountRow[]>;

  constructor(service: LedgerService) {
    this.#live = new Live(
      () => undefined,
      () => allAccounts(service.queries),
    );
  }

  get rows(): AccountRow[] {
    return this.#live.value ?? [];
  }
  /** True until the first answer arrives: an empty list before then means "not known yet", not "none". */
  get loading(): boolean {
    return this.#live.value === undefined && this.#live.error === null;
  }
  get error(): string | null {
    return this.#live.error;
  }

  readonly totals = $derived(totalsByCurrency(this.rows));
  readonly openCount = $derived(this.rows.filter((a) => a.status === 'open').length);

  find(accountId: string): AccountRow | undefined {
    return this.rows.find((a) => a.accountId === accountId);
  }

  /** Where money from `from` may go: other open accounts in the same currency. */
  transferTargets(from: AccountRow): AccountRow[] {
    return this.rows.filter((a) => a.status === 'open' && a.currency === from.currency && a.accountId !== from.accountId);
  }
}
