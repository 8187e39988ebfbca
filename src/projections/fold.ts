import { assertNever } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { Money, toAmountString } from '../domain/money';
import { HISTORY_PAGE_SIZE, type AccountRow, type HistoryPage, type TransactionRow } from './rows';

/**
 * Pure folds from events to read-model rows. The inline projector, the full
 * rebuild and the verifier all use these, so they cannot disagree.
 */
export function foldAccount(row: AccountRow | undefined, event: RecordedEvent): AccountRow | undefined {
  const touched = (r: AccountRow): AccountRow => ({ ...r, version: event.version, lastActivityAt: event.metadata.at });
  switch (event.type) {
    case 'AccountOpened':
      return {
        accountId: event.data.accountId,
        ownerName: event.data.ownerName,
        currency: event.data.currency,
        status: 'open',
        balance: toAmountString(new Money(0), event.data.currency),
        openedAt: event.metadata.at,
        openedPosition: event.position,
        lastActivityAt: event.metadata.at,
        transactionCount: 0,
        version: event.version,
      };
    case 'MoneyDeposited':
    case 'MoneyWithdrawn':
    case 'TransferSent':
    case 'TransferReceived': {
      if (!row) return row;
      const amount = new Money(event.data.amount);
      const incoming = event.type === 'MoneyDeposited' || event.type === 'TransferReceived';
      const balance = new Money(row.balance)[incoming ? 'plus' : 'minus'](amount);
      return {
        ...touched(row),
        balance: toAmountString(balance, row.currency),
        transactionCount: row.transactionCount + 1,
      };
    }
    case 'AccountClosed':
      return row && { ...touched(row), status: 'closed', closedReason: event.data.reason };
    default:
      return assertNever(event, 'event');
  }
}

/** The transaction row an event adds to its account's history, given the account row after the event. */
export function transactionOf(event: RecordedEvent, after: AccountRow): TransactionRow | null {
  const base = { version: event.version, position: event.position, at: event.metadata.at, balanceAfter: after.balance };
  const amount = (sign: '' | '-', value: string) => (sign === '-' ? `-${value}` : value);
  switch (event.type) {
    case 'MoneyDeposited':
      return { ...base, kind: 'deposit', amount: event.data.amount, description: event.data.description };
    case 'MoneyWithdrawn':
      return { ...base, kind: 'withdrawal', amount: amount('-', event.data.amount), description: event.data.description };
    case 'TransferSent':
      return {
        ...base,
        kind: 'transfer-out',
        amount: amount('-', event.data.amount),
        counterpartyId: event.data.toAccountId,
        description: event.data.description,
      };
    case 'TransferReceived':
      return {
        ...base,
        kind: 'transfer-in',
        amount: event.data.amount,
        counterpartyId: event.data.fromAccountId,
        description: event.data.description,
      };
    case 'AccountOpened':
    case 'AccountClosed':
      return null;
    default:
      return assertNever(event, 'event');
  }
}

/** In-memory read models built from a run of events; used by rebuild, import and the verifier. */
export class ProjectionBuilder {
  readonly accounts = new Map<string, AccountRow>();
  readonly pages = new Map<string, HistoryPage[]>();

  constructor(seed: { accounts?: Iterable<AccountRow>; lastPages?: Iterable<HistoryPage> } = {}) {
    for (const row of seed.accounts ?? []) this.accounts.set(row.accountId, row);
    for (const page of seed.lastPages ?? []) this.pages.set(page.accountId, [{ ...page, rows: [...page.rows] }]);
  }

  apply(event: RecordedEvent): void {
    const id = event.streamId;
    const row = foldAccount(this.accounts.get(id), event);
    if (!row) return;
    this.accounts.set(id, row);
    const tx = transactionOf(event, row);
    if (!tx) return;
    const index = row.transactionCount - 1;
    const pageNo = Math.floor(index / HISTORY_PAGE_SIZE);
    let pages = this.pages.get(id);
    if (!pages) this.pages.set(id, (pages = []));
    let page = pages[pages.length - 1];
    if (!page || page.page !== pageNo) pages.push((page = { accountId: id, page: pageNo, rows: [] }));
    page.rows.push(tx);
  }

  allPages(): HistoryPage[] {
    return [...this.pages.values()].flat();
  }
}
