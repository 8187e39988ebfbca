import { assertNever } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { Money, ZERO, toAmountString } from '../domain/money';
import {
  HISTORY_PAGE_SIZE,
  TIMELINE_EVERY,
  type AccountRow,
  type CheckpointAccount,
  type HistoryPage,
  type JournalWindow,
  type LedgerCheckpoint,
  type TransactionRow,
} from './rows';

/** The signed change an event makes to its account's balance, or null when it moves no money. */
export function movementOf(event: RecordedEvent): { incoming: boolean; amount: string } | null {
  switch (event.type) {
    case 'MoneyDeposited':
    case 'TransferReceived':
      return { incoming: true, amount: event.data.amount };
    case 'MoneyWithdrawn':
    case 'TransferSent':
      return { incoming: false, amount: event.data.amount };
    case 'AccountOpened':
    case 'AccountClosed':
      return null;
    default:
      return assertNever(event, 'event');
  }
}

/** The history row of a money event, given the balance right after it; null for other events. */
export function transactionOf(event: RecordedEvent, balanceAfter: string): TransactionRow | null {
  const base = { version: event.version, position: event.position, at: event.metadata.at, balanceAfter };
  switch (event.type) {
    case 'MoneyDeposited':
      return { ...base, kind: 'deposit', amount: event.data.amount, description: event.data.description };
    case 'MoneyWithdrawn':
      return { ...base, kind: 'withdrawal', amount: `-${event.data.amount}`, description: event.data.description };
    case 'TransferSent':
      return {
        ...base,
        kind: 'transfer-out',
        amount: `-${event.data.amount}`,
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

interface Working {
  row: AccountRow;
  /** Kept as a Decimal while folding; written into row.balance only when rows are taken out. */
  balance: Money;
}

export interface BuildOptions {
  /** Take a ledger checkpoint at every multiple of this position (0: none). */
  timelineEvery?: number;
  /** Also build the position-ordered journal for time travel. */
  journal?: boolean;
  /** Extra positions to take a checkpoint at (the verifier asks for the ones stored). */
  checkpointPositions?: ReadonlySet<number>;
}

/**
 * Folds events into the read models. The inline projector (seeded with the
 * rows a command touches), the full rebuild, import and the verifier all use
 * this one fold, so they cannot disagree.
 */
export class ProjectionBuilder {
  private readonly working = new Map<string, Working>();
  private readonly touched = new Set<string>();
  readonly pages: HistoryPage[] = [];
  readonly checkpoints: LedgerCheckpoint[] = [];
  /** Windows of the journal; the last one may still be filling. */
  private readonly journal: JournalWindow[] = [];

  constructor(
    seed: Iterable<AccountRow> = [],
    private readonly options: BuildOptions = {},
  ) {
    for (const row of seed) this.working.set(row.accountId, { row: { ...row }, balance: new Money(row.balance) });
  }

  /**
   * `balanceAfter`, when the caller already knows it (import replays the rules
   * and has it), saves parsing and adding the amount a second time.
   */
  apply(event: RecordedEvent, balanceAfter?: Money): void {
    const id = event.streamId;
    let account = this.working.get(id);
    if (event.type === 'AccountOpened') {
      account = {
        row: {
          accountId: id,
          ownerName: event.data.ownerName,
          currency: event.data.currency,
          status: 'open',
          balance: '',
          openedAt: event.metadata.at,
          openedPosition: event.position,
          lastActivityAt: event.metadata.at,
          transactionCount: 0,
          version: event.version,
        },
        balance: ZERO,
      };
      this.working.set(id, account);
    } else if (event.type === 'AccountClosed') {
      if (account) {
        account.row.status = 'closed';
        account.row.closedReason = event.data.reason;
      }
    } else if (account) {
      const { row } = account;
      const movement = movementOf(event)!;
      if (row.transactionCount % HISTORY_PAGE_SIZE === 0) {
        this.pages.push({
          accountId: id,
          page: row.transactionCount / HISTORY_PAGE_SIZE,
          firstVersion: event.version,
          openingBalance: toAmountString(account.balance, row.currency),
          at: event.metadata.at,
        });
      }
      account.balance = balanceAfter ?? (movement.incoming ? account.balance.plus(movement.amount) : account.balance.minus(movement.amount));
      row.transactionCount++;
    }
    if (!account) return;
    account.row.version = event.version;
    account.row.lastActivityAt = event.metadata.at;
    this.touched.add(id);
    if (this.options.journal) this.journalize(event, account);
    const every = this.options.timelineEvery ?? 0;
    if ((every > 0 && event.position % every === 0) || this.options.checkpointPositions?.has(event.position)) {
      this.checkpoints.push(this.checkpointAt(event));
    }
  }

  /**
   * Hands over the pages, checkpoints and finished journal windows built so
   * far and forgets them, so a long build holds only what is not written yet.
   */
  drain(all: boolean): { pages: HistoryPage[]; checkpoints: LedgerCheckpoint[]; journal: JournalWindow[] } {
    const keep = all ? 0 : Math.min(1, this.journal.length);
    const out = {
      pages: this.pages.splice(0),
      checkpoints: this.checkpoints.splice(0),
      journal: this.journal.splice(0, this.journal.length - keep),
    };
    return out;
  }

  /** The rows this build changed (all of them after a full build), balances written out. */
  rows(): AccountRow[] {
    return [...this.touched].map((id) => this.finish(this.working.get(id)!));
  }

  private finish(account: Working): AccountRow {
    account.row.balance = toAmountString(account.balance, account.row.currency);
    return account.row;
  }

  private checkpointAt(event: RecordedEvent): LedgerCheckpoint {
    const accounts = [...this.working.values()].map(({ row, balance }): CheckpointAccount => [
      row.accountId,
      row.ownerName,
      row.currency,
      row.status,
      toAmountString(balance, row.currency),
      row.version,
    ]);
    return { position: event.position, at: event.metadata.at, accounts };
  }

  private journalize(event: RecordedEvent, { row, balance }: Working): void {
    const every = this.options.timelineEvery || TIMELINE_EVERY;
    let window = this.journal[this.journal.length - 1];
    // Rows are implicit positions: a new window starts at each multiple of `every` (and, defensively, at any gap).
    if (!window || (event.position - 1) % every === 0 || event.position !== window.start + window.accountIds.length) {
      window = { start: event.position, accountIds: [], balances: [], ats: [], opened: [], closed: [] };
      this.journal.push(window);
    }
    const index = window.accountIds.length;
    window.accountIds.push(row.accountId);
    window.balances.push(toAmountString(balance, row.currency));
    window.ats.push(event.metadata.at);
    if (event.type === 'AccountOpened') window.opened.push([index, row.ownerName, row.currency]);
    if (event.type === 'AccountClosed') window.closed.push(index);
  }
}
