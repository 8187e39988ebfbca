import { NotFoundError } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { HISTORY_PAGE_SIZE, type AccountRow, type TransactionRow } from '../projections/rows';
import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';

export interface Page<T> {
  rows: T[];
  total: number;
  offset: number;
}

export interface PageRequest {
  offset?: number;
  limit?: number;
}

function bounds({ offset = 0, limit = 50 }: PageRequest): { offset: number; limit: number } {
  return { offset: Math.max(0, Math.floor(offset)), limit: Math.max(0, Math.min(1000, Math.floor(limit))) };
}

/** The read side: answers come from the read models (and the raw log for the event view), never from a replay. */
export class LedgerQueries {
  private readonly store: EventStore;
  constructor(private readonly db: LedgerDb) {
    this.store = new EventStore(db);
  }

  /** Accounts in the order they were opened. */
  async listAccounts(request: PageRequest = {}): Promise<Page<AccountRow>> {
    const { offset, limit } = bounds(request);
    const [total, rows] = await Promise.all([
      this.db.accounts.count(),
      this.db.accounts.orderBy('openedPosition').offset(offset).limit(limit).toArray(),
    ]);
    return { rows, total, offset };
  }

  async getAccount(accountId: string): Promise<AccountRow | undefined> {
    return this.db.accounts.get(accountId);
  }

  async requireAccount(accountId: string): Promise<AccountRow> {
    const row = await this.getAccount(accountId);
    if (!row) throw new NotFoundError(`Account ${accountId} does not exist.`);
    return row;
  }

  /** An account's money movements, newest first, each with the balance right after it. */
  async transactions(accountId: string, request: PageRequest = {}): Promise<Page<TransactionRow>> {
    const { offset, limit } = bounds(request);
    return this.db.transaction('r', this.db.accounts, this.db.history, async () => {
      const account = await this.requireAccount(accountId);
      const total = account.transactionCount;
      // Newest first: row i of the answer is transaction number total-1-i (0-based, oldest = 0).
      const newest = total - 1 - offset;
      const oldest = Math.max(0, newest - limit + 1);
      if (newest < 0 || limit === 0) return { rows: [], total, offset };
      const first = Math.floor(oldest / HISTORY_PAGE_SIZE);
      const last = Math.floor(newest / HISTORY_PAGE_SIZE);
      const pages = await this.db.history
        .where('[accountId+page]')
        .between([accountId, first], [accountId, last], true, true)
        .toArray();
      const rows = pages
        .flatMap((p) => p.rows)
        .slice(oldest - first * HISTORY_PAGE_SIZE, newest - first * HISTORY_PAGE_SIZE + 1)
        .reverse();
      return { rows, total, offset };
    });
  }

  /** The raw events of one stream, oldest first. */
  async streamEvents(accountId: string, request: PageRequest = {}): Promise<Page<RecordedEvent>> {
    const { offset, limit } = bounds(request);
    const account = await this.requireAccount(accountId);
    const rows = limit === 0 ? [] : await this.store.readStream(accountId, offset + 1, offset + limit);
    return { rows, total: account.version, offset };
  }
}
