import { balanceSeries, type BalancePoint } from '../../app/balance-series';
import { allTransactions } from '../../app/read-all';
import type { LedgerService } from '../../app/service';
import type { AccountRow, TransactionRow } from '../../projections/rows';
import { Live } from '../lib/live.svelte';

/** The points of one account's balance chart, live as money moves in any tab. */
export class BalanceHistory {
  readonly #account: () => AccountRow | undefined;
  readonly #rows: Live<TransactionRow[], string>;

  constructor(service: LedgerService, account: () => AccountRow | undefined) {
    this.#account = account;
    this.#rows = new Live(
      () => this.#account()?.accountId ?? '',
      (accountId) => (accountId ? allTransactions(service.queries, accountId) : Promise.resolve([])),
    );
  }

  readonly points = $derived.by((): BalancePoint[] => {
    const account = this.#account();
    const rows = this.#rows.value;
    return account && rows ? balanceSeries(rows, account.openedAt) : [];
  });

  get error(): string | null {
    return this.#rows.error;
  }
}
