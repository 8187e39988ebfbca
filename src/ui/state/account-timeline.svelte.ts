import { untrack } from 'svelte';
import type { AccountState } from '../../domain/account';
import { amountOf, type RecordedEvent } from '../../domain/events';
import { toAmountString } from '../../domain/money';
import type { LedgerService } from '../../app/service';
import type { AccountRow } from '../../projections/rows';
import { handleError } from '../lib/handle-error';
import { LatestOnly } from '../lib/latest';
import type { AccountDirectory } from './accounts.svelte';

export interface AccountAtVersion {
  accountId: string;
  version: number;
  state: AccountState;
  /** The event that produced this version; none at version 0. */
  event: RecordedEvent | undefined;
  /** What that event did to the balance, signed ("-20.00" for money out); null when it moved no money. */
  movement: string | null;
}

function movementOf(event: RecordedEvent | undefined): string | null {
  const amount = event ? amountOf(event) : null;
  if (!event || amount === null) return null;
  return event.type === 'MoneyWithdrawn' || event.type === 'TransferSent' ? `-${amount}` : amount;
}

/** One account replayed to any of its versions, 0 (before it was opened) to now. */
export class AccountTimeline {
  readonly #service: LedgerService;
  readonly #accounts: AccountDirectory;
  #chosenId = $state('');
  /** null follows the newest version. */
  #version = $state<number | null>(null);
  #result = $state.raw<AccountAtVersion | null>(null);
  #error = $state<string | null>(null);
  readonly #runner: LatestOnly<{ accountId: string; version: number }>;

  constructor(service: LedgerService, accounts: AccountDirectory, accountId = '') {
    this.#service = service;
    this.#accounts = accounts;
    this.#chosenId = accountId;
    this.#runner = new LatestOnly((at) => this.#load(at.accountId, at.version));
    $effect(() => {
      const account = this.account;
      if (!account) return;
      const at = { accountId: account.accountId, version: this.version };
      untrack(() => this.#runner.request(at));
    });
  }

  readonly account = $derived.by(() => this.#chosenAccount());
  readonly maxVersion = $derived(this.account?.version ?? 0);
  readonly version = $derived(Math.min(this.#version ?? this.maxVersion, this.maxVersion));

  get result(): AccountAtVersion | null {
    return this.#result?.accountId === this.account?.accountId ? this.#result : null;
  }
  get error(): string | null {
    return this.#error;
  }

  /** The balance at the chosen version, with the currency's minor digits; null before the account existed. */
  readonly balance = $derived.by(() => {
    const state = this.result?.state;
    return state && state.status !== 'none' ? toAmountString(state.balance, state.currency) : null;
  });

  /** The chosen account, or the first one when none was chosen yet. */
  #chosenAccount(): AccountRow | undefined {
    if (this.#chosenId) return this.#accounts.find(this.#chosenId);
    return this.#accounts.rows[0];
  }

  choose(accountId: string): void {
    this.#chosenId = accountId;
    this.#version = null;
  }

  moveTo(version: number): void {
    this.#version = version >= this.maxVersion ? null : Math.max(0, version);
  }

  async #load(accountId: string, version: number): Promise<void> {
    try {
      const [loaded, events] = await Promise.all([
        this.#service.time.accountAtVersion(accountId, version),
        version > 0 ? this.#service.queries.streamEvents(accountId, { offset: version - 1, limit: 1 }) : null,
      ]);
      const event = events?.rows[0];
      this.#result = { accountId, version: loaded.version, state: loaded.state, event, movement: movementOf(event) };
      this.#error = null;
    } catch (error) {
      this.#error = handleError(error);
    }
  }
}
