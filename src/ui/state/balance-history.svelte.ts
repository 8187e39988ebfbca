import { balanceSeries, type BalancePoint } from '../../app/balance-series';
import type { LedgerService } from '../../app/service';
import type { AccountRow } from '../../projections/rows';
import { Live } from '../lib/live.svelte';

/** The points of one account's balance chart, live as money moves in any tab. */
export class BalanceHistory {
  readonly #account: () => AccountRow | undefined;
  readonly #series: Live<{ at: string; balance: string }[], string>;

  constructor(service: LedgerService, account: () => AccountRow | undefined) {
    this.#account = account;
    this.#series = new Live(
      () => this.#account()?.accountId ?? '',
      (accountId) => (accountId ? service.queries.balanceOverTime(accountId) : Promise.resolve([])),
    );
  }

  readonly points = $derived.by((): BalancePoint[] => {
    const series = this.#series.value;
    return this.#account() && series ? balanceSeries(series) : [];
  });

  get error(): string | null {
    return this.#series.error;
  }
}
