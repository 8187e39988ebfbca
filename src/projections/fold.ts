import { assertNever } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { Money, ZERO, toAmountString, type Currency } from '../domain/money';
import { FoldSegmentBuilder, KIND, segmentRows, type Kind } from '../store/fold-segments';
import type { FoldSegment } from '../store/records';
import { HISTORY_PACK, HISTORY_PAGE_SIZE, packPages, type AccountRow, type CheckpointAccount, type HistoryPage, type LedgerCheckpoint, type TransactionRow } from './rows';

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

/** An account while folding: its balance kept as a Decimal, or as the text a fold segment gives, whichever came last. */
interface Working {
  row: AccountRow;
  money: Money | null;
  text: string | null;
}

function balanceText(account: Working): string {
  return (account.text ??= toAmountString(account.money!, account.row.currency));
}

function balanceMoney(account: Working): Money {
  return (account.money ??= new Money(account.text!));
}

export interface BuildOptions {
  /** Take a ledger checkpoint at every multiple of this position (0: none). */
  timelineEvery?: number;
  /** Also write the events folded from now on as fold segments (see startSegments). */
  segments?: boolean;
  /** Extra positions to take a checkpoint at (the verifier asks for the ones stored). */
  checkpointPositions?: ReadonlySet<number>;
}

/** One event as the fold sees it. */
interface Step {
  streamId: string;
  kind: Kind;
  version: number;
  position: number;
  at: string;
  opened?: { ownerName: string; currency: Currency } | undefined;
  closedReason?: string | undefined;
}

/**
 * Folds events into the read models. The inline projector (seeded with the rows a command touches), the
 * rebuild, the import, the verifier and time travel all use this one fold, so they cannot disagree.
 */
export class ProjectionBuilder {
  private readonly working = new Map<string, Working>();
  private readonly touched = new Set<string>();
  readonly pages: HistoryPage[] = [];
  /** Whether some account started a new pack window of history pages since the last drain. */
  private packsCompleted = false;
  readonly checkpoints: LedgerCheckpoint[] = [];
  /** The fold segment being written, while the build writes segments. */
  private segment: FoldSegmentBuilder | null;

  constructor(
    seed: Iterable<AccountRow> = [],
    private readonly options: BuildOptions = {},
  ) {
    for (const row of seed) this.working.set(row.accountId, { row: { ...row }, money: null, text: row.balance });
    this.segment = options.segments ? new FoldSegmentBuilder() : null;
  }

  /** Writes the events folded from here on as fold segments: a rebuild keeps the segments it folded from. */
  startSegments(): void {
    this.segment ??= new FoldSegmentBuilder();
  }

  apply(event: RecordedEvent): void {
    const movement = movementOf(event);
    const account = this.step(
      {
        streamId: event.streamId,
        kind: KIND[event.type],
        version: event.version,
        position: event.position,
        at: event.metadata.at,
        opened: event.type === 'AccountOpened' ? event.data : undefined,
        closedReason: event.type === 'AccountClosed' ? event.data.reason : undefined,
      },
      (account) => {
        if (!movement) return;
        const before = balanceMoney(account);
        account.money = movement.incoming ? before.plus(movement.amount) : before.minus(movement.amount);
        account.text = null;
      },
    );
    // Every position has its row (a sound log has no event of an account it never opened).
    this.segment?.add(event, account ? balanceText(account) : '');
  }

  /**
   * The events of a fold segment, in order (see FoldSegment): rows `from` up to `to` (all by default);
   * `rows`, when the caller has split them already.
   */
  applySegment(segment: FoldSegment, rows = segmentRows(segment), from = 0, to = rows.streamIds.length): void {
    const opened = new Map(segment.opened.map(([row, ownerName, currency]) => [row, { ownerName, currency }]));
    const closed = new Map(segment.closed);
    const { versions, kinds, start } = segment;
    const { streamIds, ats, balances } = rows;
    for (let i = from; i < to; i++) {
      const kind = kinds[i] as Kind;
      this.step(
        { streamId: streamIds[i]!, kind, version: versions[i]!, position: start + i, at: ats[i]!, opened: opened.get(i), closedReason: closed.get(i) },
        (account) => {
          account.text = balances[i]!;
          account.money = null;
        },
      );
    }
  }

  /** Folds one event; the account it touched, if it is one the log opened. */
  private step(event: Step, move: (account: Working) => void): Working | undefined {
    const id = event.streamId;
    let account = this.working.get(id);
    if (event.kind === KIND.AccountOpened) {
      const { ownerName, currency } = event.opened!;
      account = {
        row: {
          accountId: id,
          ownerName,
          currency,
          status: 'open',
          balance: '',
          openedAt: event.at,
          openedPosition: event.position,
          lastActivityAt: event.at,
          transactionCount: 0,
          version: event.version,
        },
        money: ZERO,
        text: null,
      };
      this.working.set(id, account);
    } else if (event.kind === KIND.AccountClosed) {
      if (account) {
        account.row.status = 'closed';
        account.row.closedReason = event.closedReason!;
      }
    } else if (account) {
      const { row } = account;
      if (row.transactionCount % HISTORY_PAGE_SIZE === 0) {
        const page = row.transactionCount / HISTORY_PAGE_SIZE;
        // A page that starts a pack window completes the window before it.
        if (page > 0 && page % HISTORY_PACK === 0) this.packsCompleted = true;
        this.pages.push({
          accountId: id,
          page,
          firstVersion: event.version,
          openingBalance: balanceText(account),
          at: event.at,
        });
      }
      move(account);
      row.transactionCount++;
    }
    if (!account) return undefined;
    account.row.version = event.version;
    account.row.lastActivityAt = event.at;
    this.touched.add(id);
    const every = this.options.timelineEvery ?? 0;
    if ((every > 0 && event.position % every === 0) || this.options.checkpointPositions?.has(event.position)) {
      this.checkpoints.push(this.checkpointAt(event));
    }
    return account;
  }

  /**
   * Hands over the pages, checkpoints and fold segment built so far and forgets them, so a long build holds
   * only what is not written yet.
   */
  drain(all: boolean): { pages: HistoryPage[]; checkpoints: LedgerCheckpoint[]; segments: FoldSegment[] } {
    const segment = this.segment?.take();
    if (segment) this.segment = new FoldSegmentBuilder(this.segment!.lastCommand);
    return {
      pages: packPages(all ? this.pages.splice(0) : this.completePacks()),
      checkpoints: this.checkpoints.splice(0),
      segments: segment ? [segment] : [],
    };
  }

  /** The pages whose pack can no longer grow: their account has started a page past the pack's end. */
  private completePacks(): HistoryPage[] {
    if (!this.packsCompleted) return [];
    this.packsCompleted = false;
    const complete: HistoryPage[] = [];
    const growing: HistoryPage[] = [];
    for (const page of this.pages) {
      const count = this.working.get(page.accountId)!.row.transactionCount;
      const latest = Math.floor((count - 1) / HISTORY_PAGE_SIZE);
      (latest >= (Math.floor(page.page / HISTORY_PACK) + 1) * HISTORY_PACK ? complete : growing).push(page);
    }
    this.pages.length = 0;
    for (const page of growing) this.pages.push(page);
    return complete;
  }

  /** The rows this build changed (all of them after a full build), balances written out. */
  rows(): AccountRow[] {
    return [...this.touched].map((id) => this.finish(this.working.get(id)!));
  }

  /** Every account the build knows, seeded or folded, balances written out. */
  accounts(): AccountRow[] {
    return [...this.working.values()].map((account) => this.finish(account));
  }

  private finish(account: Working): AccountRow {
    account.row.balance = balanceText(account);
    return account.row;
  }

  private checkpointAt(event: Step): LedgerCheckpoint {
    const accounts = [...this.working.values()].map((account): CheckpointAccount => {
      const { row } = account;
      return [row.accountId, row.ownerName, row.currency, row.status, balanceText(account), row.version];
    });
    return { position: event.position, at: event.at, accounts };
  }
}
