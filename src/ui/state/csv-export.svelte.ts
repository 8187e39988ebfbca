import { transactionsCsv } from '../../app/csv';
import { allTransactions } from '../../app/read-all';
import type { LedgerService } from '../../app/service';
import type { AccountRow } from '../../projections/rows';
import { dateStamp, downloadText } from '../lib/download';
import { handleError } from '../lib/handle-error';

/** Downloads every transaction of an account as CSV, oldest first like a bank statement. */
export class CsvExport {
  readonly #service: LedgerService;
  #busy = $state(false);
  #error = $state<string | null>(null);

  constructor(service: LedgerService) {
    this.#service = service;
  }

  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  async download(account: AccountRow): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#error = null;
    try {
      const rows = await allTransactions(this.#service.queries, account.accountId);
      // The byte-order mark tells spreadsheet apps the file is UTF-8, so owner names keep their accents.
      downloadText(
        '\uFEFF' + transactionsCsv(rows, account.currency),
        `transactions-${account.accountId}-${dateStamp()}.csv`,
        'text/csv;charset=utf-8',
      );
    } catch (error) {
      this.#error = handleError(error);
    } finally {
      this.#busy = false;
    }
  }
}
