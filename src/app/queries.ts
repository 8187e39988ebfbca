import { NotFoundError } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { Money, toAmountString } from '../domain/money';
import { movementOf, transactionOf } from '../projections/fold';
import { HISTORY_PACK, HISTORY_PAGE_SIZE, type AccountRow, type HistoryPage, type TransactionRow, unpackPages } from '../projections/rows';
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

  /**
   * An account's money movements, newest first, each with the balance right
   * after it: the history pages give the balance where a page starts, the
   * stream gives the events, so a page costs the same at row 10 or 1,000,000.
   */
  async transactions(accountId: string, request: PageRequest = {}): Promise<Page<TransactionRow>> {
    const { offset, limit } = bounds(request);
    return this.db.transaction('r', [this.db.accounts, this.db.history, this.db.commits], async () => {
      const account = await this.requireAccount(accountId);
      const total = account.transactionCount;
      // Row i of the answer is movement number total-1-offset-i (0 = the oldest).
      const newest = total - 1 - offset;
      const oldest = Math.max(0, newest - limit + 1);
      if (newest < 0 || limit === 0) return { rows: [], total, offset };
      const first = Math.floor(oldest / HISTORY_PAGE_SIZE);
      const last = Math.floor(newest / HISTORY_PAGE_SIZE);
      // One page past the last says where the last one ends.
      const pages = await this.pages(accountId, first, last + 1);
      const start = pages[0];
      if (!start) return { rows: [], total, offset };
      const end = pages.find((p) => p.page === last + 1)?.firstVersion;
      const events = await this.store.readStream(accountId, start.firstVersion, end === undefined ? account.version : end - 1);
      let balance = new Money(start.openingBalance);
      let index = first * HISTORY_PAGE_SIZE;
      const rows: TransactionRow[] = [];
      for (const event of events) {
        const movement = movementOf(event);
        if (!movement) continue;
        balance = movement.incoming ? balance.plus(movement.amount) : balance.minus(movement.amount);
        if (index >= oldest && index <= newest) rows.push(transactionOf(event, toAmountString(balance, account.currency))!);
        index++;
      }
      return { rows: rows.reverse(), total, offset };
    });
  }

  /**
   * An account's balance over time, oldest first: its balance before every
   * HISTORY_PAGE_SIZE-th movement (from the history page index, one small
   * record each) and after each of its latest movements, ending at today's
   * balance. A chart of 100,000 movements reads 1,000 records, not 100,000 rows.
   */
  async balanceOverTime(accountId: string): Promise<{ at: string; balance: string }[]> {
    return this.db.transaction('r', [this.db.accounts, this.db.history, this.db.commits], async () => {
      const account = await this.requireAccount(accountId);
      const pages = await this.pages(accountId, 0, Infinity);
      const latest = await this.transactions(accountId, { offset: 0, limit: account.transactionCount % HISTORY_PAGE_SIZE || HISTORY_PAGE_SIZE });
      const points = [{ at: account.openedAt, balance: toAmountString(new Money(0), account.currency) }];
      for (const page of pages.slice(0, -1)) points.push({ at: page.at, balance: page.openingBalance });
      for (const row of latest.rows.reverse()) points.push({ at: row.at, balance: row.balanceAfter });
      return points;
    });
  }

  /** An account's history pages from..to, in order, whether stored one to a record or in packs. */
  private async pages(accountId: string, from: number, to: number): Promise<HistoryPage[]> {
    // A pack starts at a multiple of HISTORY_PACK: the one holding `from` starts at most that far before it.
    const records = await this.db.history
      .where('[accountId+page]')
      .between([accountId, from - (from % HISTORY_PACK)], [accountId, to], true, true)
      .toArray();
    return unpackPages(records)
      .filter((page) => page.page >= from && page.page <= to)
      .sort((a, b) => a.page - b.page);
  }

  /** The raw events of one stream, oldest first. */
  async streamEvents(accountId: string, request: PageRequest = {}): Promise<Page<RecordedEvent>> {
    const { offset, limit } = bounds(request);
    const account = await this.requireAccount(accountId);
    const rows = limit === 0 ? [] : await this.store.readStream(accountId, offset + 1, offset + limit);
    return { rows, total: account.version, offset };
  }
}
