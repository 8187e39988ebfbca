import Dexie, { type Table, type Transaction } from 'dexie';
import { migrateToSchema9 } from './migrate';
import { neverNewer } from './never-newer';
import type {
  AccountRow,
  CommandBucket,
  CommitRecord,
  FoldSegment,
  HistoryPage,
  LedgerCheckpoint,
  LogMeta,
  SnapshotRecord,
} from './records';

export type * from './records';

/** Positions between two ledger checkpoints: time travel replays at most about this many events. */
export const TIMELINE_EVERY = 10_000;

// Dexie turns its debugging aids on (a console task per request) whenever the page is on localhost, which is
// where `npm start` serves the production build; they cost every command time, so production turns them off.
if (import.meta.env.PROD) Dexie.debug = false;

/**
 * Keeps `tx` alive until `promise` settles, as Dexie.waitFor does for the transaction of the current zone;
 * this one holds wherever the zone was lost. A failed transaction ends the wait with its own error, since
 * waitFor's keep-alive requests stop when it fails and the wait would never end.
 */
export function waitInTransaction<T>(tx: Transaction, promise: Promise<T>): Promise<T> {
  // Dexie's Transaction has the method; its typings list only the static one.
  const kept = (tx as Transaction & { waitFor<U>(promise: PromiseLike<U>): Promise<U> }).waitFor(promise);
  return Promise.race([kept, failureOf(tx)]);
}

const failures = new WeakMap<Transaction, Promise<never>>();

function failureOf(tx: Transaction): Promise<never> {
  let failure = failures.get(tx);
  if (!failure) {
    failure = new Promise<never>((_, reject) => {
      const native = tx.idbtrans;
      native.addEventListener('abort', () => reject(native.error ?? new DOMException('The transaction was aborted.', 'AbortError')));
    });
    // Most transactions end well, or fail while nobody waits: neither is an unhandled rejection.
    failure.catch(() => undefined);
    failures.set(tx, failure);
  }
  return failure;
}

export type LedgerDbOptions = NonNullable<ConstructorParameters<typeof Dexie>[1]> & { timelineEvery?: number };

/** The ledger's database. Every table, with why it exists; a record's shape is in records.ts. */
export class LedgerDb extends Dexie {
  /** The event log: commit records keyed [streamId+version], found by position and by command id. */
  commits!: Table<CommitRecord, [string, number]>;
  /** The command ids of imported events, hashed into groups of buckets (appended commands are on their commits). */
  commandBuckets!: Table<CommandBucket, number>;
  /** The log's head: its last position and time, and how far the read models reach. */
  meta!: Table<LogMeta, string>;
  /** Each stream's state every snapshotEvery versions, so a load reads the events after the newest one only. */
  snapshots!: Table<SnapshotRecord, [string, number]>;
  /** Read model: the account list. */
  accounts!: Table<AccountRow, string>;
  /** Read model: where each page of an account's transaction history starts, and its opening balance. */
  history!: Table<HistoryPage, [string, number]>;
  /** Read model for time travel: every account's state every timelineEvery positions. */
  ledgerCheckpoints!: Table<LedgerCheckpoint, number>;
  /** Read model for time travel and rebuilds: the imported and rebuilt log in position order, as columns. */
  folds!: Table<FoldSegment, number>;

  /** Positions between two ledger checkpoints. */
  readonly timelineEvery: number;

  constructor(name = 'ledger', options: LedgerDbOptions = {}) {
    const { timelineEvery = TIMELINE_EVERY, ...dexieOptions } = options;
    // The schema this code declares, read when Dexie opens (a test may declare a further version after this).
    const declared: { db?: LedgerDb } = {};
    const factory = (dexieOptions.indexedDB as IDBFactory | undefined) ?? (Dexie.dependencies.indexedDB as IDBFactory | undefined);
    super(name, {
      // 'relaxed': a commit is done once the browser has handed it to the OS, as Chromium does by default;
      // it survives a tab or browser crash, and saves a disk flush on every command.
      chromeTransactionDurability: 'relaxed',
      // No query cache: live queries read what is stored, whichever connection (another tab, the import Worker) wrote it.
      cache: 'disabled',
      ...dexieOptions,
      ...(factory && { indexedDB: neverNewer(factory, () => declared.db?.verno ?? 0) }),
    });
    declared.db = this;
    this.timelineEvery = timelineEvery;
    // Schema 9, the first whose layout a release keeps, and the only one declared: Dexie drops the tables of
    // an earlier, unreleased layout (events kept as text, versions 1-8), and migrateToSchema9 rebuilds what
    // is derived from the events.
    this.version(9)
      .stores({
        commits: '[streamId+version], position, &commandId',
        commandBuckets: 'bucket',
        meta: 'key',
        snapshots: '[streamId+version]',
        accounts: 'accountId, openedPosition',
        history: '[accountId+page]',
        ledgerCheckpoints: 'position, at',
        folds: 'start',
      })
      .upgrade(migrateToSchema9);
  }

  /** Set on a view from `bound`: its tables belong to one transaction. */
  readonly transactionBound: boolean = false;

  /**
   * This database with every table bound to one transaction: work through it joins that transaction whether
   * or not Dexie's zone survived the awaits before it. A table outside the transaction's scope throws when used.
   */
  bound(tx: Transaction): LedgerDb {
    const view = Object.create(this) as LedgerDb;
    for (const { name } of this.tables) Object.defineProperty(view, name, { get: () => tx.table(name) });
    Object.defineProperty(view, 'transactionBound', { value: true });
    return view;
  }

  /** Every table: the scope of a command's transaction (which reads or writes most of them) and of an import's. */
  get writeTables(): Table[] {
    return [this.commits, this.commandBuckets, this.meta, this.snapshots, this.accounts, this.history, this.ledgerCheckpoints, this.folds];
  }
}
