import Dexie, { type Table, type Transaction } from 'dexie';
import type { CommandBucket, CommandRef } from './command-index';
import type { CommandFilterRecord } from './command-filter';
import type { FoldColumns, FoldSegment } from './fold-columns';
import type { AccountEventType, EventMetadata } from '../domain/events';
import { TIMELINE_EVERY, type AccountRow, type HistoryPage, type JournalWindow, type LedgerCheckpoint } from '../projections/rows';

/** One event inside a commit record; the stream id lives on the record. */
export interface StoredEvent {
  position: number;
  version: number;
  type: AccountEventType;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/**
 * A run of consecutive versions of one stream. An append writes one record per
 * stream it touches; an import groups many events per record, because
 * IndexedDB's cost is per record, not per byte. The primary key
 * [streamId+version] (version = first version in the record) makes two writers
 * of the same next version collide, across tabs too.
 */
export interface CommitRecord {
  streamId: string;
  version: number;
  lastVersion: number;
  /** Position of the first event; every event in the record is at or after it. */
  position: number;
  /** Global position of each event, so the log can be merged in order without parsing a single event. */
  positions: number[];
  /**
   * Each event as the JSON text of its exported form (version i = version + i).
   * IndexedDB copies a string far faster than a graph of small objects, and an
   * export writes the text out unchanged.
   */
  events: string[];
  /** On the first record an append writes for a command: its id (uniquely indexed) ... */
  commandId?: string;
  /** ... and where all of that command's events are. Imported records carry neither (see CommandBucket). */
  commandRefs?: CommandRef[];
  /** What the read models take from these events, for a rebuild without JSON (records written before lack it). */
  fold?: FoldColumns;
}

/** The newest version of a stream and its newest event, as its last commit record says. */
export interface StreamHead {
  streamId: string;
  version: number;
  /** Id of the stream's newest event: a cache of the stream is current only if this matches. */
  lastEventId: string;
}

/**
 * The log's head: one record rewritten by every append, so everything an
 * append must move with the log lives here (IndexedDB pays per record).
 */
export interface LogMeta {
  key: 'log';
  /** Last global position written; the log is 1..position with no gaps. */
  position: number;
  /** Time of the last event; new events never get an earlier one, so time and position sort alike. */
  lastAt: string;
  /**
   * Id of the newest event, or a mark an import or rebuild leaves: it changes
   * with every write, so a tab that finds the one it left knows nothing else was written.
   */
  lastWrite?: string;
  /** True once an import wrote hashed command buckets: a command's id must then be looked up there too. */
  imported?: boolean;
  /** The write mark of the import that wrote them, which also keys the Bloom filter of its command ids. */
  importMark?: string;
  /** How far the read models have folded the log, and with which projection code (absent: never built). */
  projections?: { position: number; version: number };
}

export interface SnapshotRecord {
  streamId: string;
  version: number;
  schemaVersion: number;
  position: number;
  at: string;
  state: unknown;
  /**
   * Later snapshots of the same stream, oldest first, kept in this record: an
   * import writes a stream's snapshots a pack to a record (IndexedDB's cost is
   * per record). The record's key is its first snapshot's version.
   */
  later?: SnapshotEntry[];
}

/** One snapshot inside a pack. */
export type SnapshotEntry = Omit<SnapshotRecord, 'streamId' | 'later'>;

export interface ProjectionCheckpoint {
  name: string;
  /** Last global position folded into the read model. */
  position: number;
  /** Version of the projection code; a different one means rebuild. */
  version: number;
}

// Dexie turns its debugging aids on (a console task per request) whenever the page is on localhost, which is
// where `npm start` serves the production build; they cost every command time, so production turns them off.
if (import.meta.env.PROD) Dexie.debug = false;

/**
 * Keeps `tx` alive until `promise` settles, as Dexie.waitFor does for the
 * transaction of the current zone; this one holds wherever the zone was lost.
 * (Dexie's Transaction has the method; its typings list only the static one.)
 * waitFor hands the outcome over from its keep-alive requests, which stop once
 * the transaction has failed: a failed transaction ends the wait itself, with
 * its own error, or the wait would never end.
 */
export function waitInTransaction<T>(tx: Transaction, promise: Promise<T>): Promise<T> {
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

/**
 * IndexedDB as Dexie sees it, except that an open without a version refuses a
 * database stored by a newer schema than this code's. Dexie asks for this
 * code's version; when the stored one is higher, IndexedDB refuses with
 * VersionError, and Dexie then opens again without a version, taking the
 * database as it finds it (and, if this code declares something it lacks,
 * upgrading it to patch that in). Here that second open still opens without
 * a version (which never upgrades an existing database), then reports
 * VersionError instead of success when the stored schema is newer: Dexie
 * fails the open before it reads, writes or patches anything. So an old copy
 * of the app, or the import Worker it starts, never touches what a newer
 * release stored, on the first open or any reopen (after another tab's
 * upgrade, or the page coming back from the back-forward cache). A database
 * Dexie patched under this same schema (native version 81 for schema 8) still
 * opens. storageFailure turns the VersionError into STORAGE_SCHEMA_NEWER.
 * Schema versions must therefore stay whole numbers: a release declaring 8.5
 * would store native 85, which reads here as a patched schema 8.
 */
function neverNewer(factory: IDBFactory, declaredSchema: () => number): IDBFactory {
  return new Proxy(factory, {
    get(target, property) {
      if (property === 'open') {
        return (name: string, version?: number) =>
          version === undefined ? (new UnlessNewer(target.open(name), declaredSchema()) as unknown as IDBOpenDBRequest) : target.open(name, version);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A versionless open request as Dexie uses one (its handlers, result, error, transaction), failing when the stored schema is newer. */
class UnlessNewer {
  onsuccess: ((event: Event) => unknown) | null = null;
  onerror: ((event: Event) => unknown) | null = null;
  onupgradeneeded: ((event: IDBVersionChangeEvent) => unknown) | null = null;
  onblocked: ((event: Event) => unknown) | null = null;
  error: DOMException | null = null;

  constructor(
    private readonly request: IDBOpenDBRequest,
    schema: number,
  ) {
    // Without a version, an upgrade only creates a database that is not there (deleted meanwhile).
    request.onupgradeneeded = (event) => this.onupgradeneeded?.(event);
    request.onblocked = (event) => this.onblocked?.(event);
    request.onerror = (event) => {
      this.error = request.error;
      return this.onerror?.(event);
    };
    request.onsuccess = (event) => {
      const stored = request.result.version;
      if (Math.floor(stored / 10) <= schema) return this.onsuccess?.(event);
      request.result.close();
      this.error = new DOMException(`The database is stored at version ${stored}, newer than this code's ${schema * 10}.`, 'VersionError');
      const refused = { type: 'error', target: this, preventDefault() {}, stopPropagation() {} };
      return this.onerror?.(refused as unknown as Event);
    };
  }

  get result(): IDBDatabase {
    return this.request.result;
  }
  get transaction(): IDBTransaction | null {
    return this.request.transaction;
  }
  get readyState(): IDBRequestReadyState {
    return this.request.readyState;
  }
}

export class LedgerDb extends Dexie {
  commits!: Table<CommitRecord, [string, number]>;
  commandBuckets!: Table<CommandBucket, number>;
  meta!: Table<LogMeta, string>;
  snapshots!: Table<SnapshotRecord, [string, number]>;
  accounts!: Table<AccountRow, string>;
  history!: Table<HistoryPage, [string, number]>;
  ledgerCheckpoints!: Table<LedgerCheckpoint, number>;
  journal!: Table<JournalWindow, number>;
  checkpoints!: Table<ProjectionCheckpoint, string>;
  folds!: Table<FoldSegment, number>;
  commandFilters!: Table<CommandFilterRecord, string>;

  /** Positions between two ledger checkpoints (time travel replays at most about this many events). */
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
      // No query cache: a command may write through IndexedDB's own transaction (see writeDirect), which the
      // cache would not see, and live queries then read what is stored.
      cache: 'disabled',
      ...dexieOptions,
      ...(factory && { indexedDB: neverNewer(factory, () => declared.db?.verno ?? 0) }),
    });
    declared.db = this;
    this.timelineEvery = timelineEvery;
    this.version(1).stores({
      commits: '[streamId+version], position',
      commands: 'commandId',
      commandBuckets: 'bucket',
      streams: 'streamId',
      meta: 'key',
      snapshots: '[streamId+version]',
      accounts: 'accountId, openedPosition',
      history: '[accountId+page]',
      ledgerCheckpoints: 'position, at',
      journal: 'start',
      checkpoints: 'name',
    });
    // A command writes two records fewer: stream heads are read from each stream's last commit record, and the
    // command index is a unique index on the first commit record each command writes.
    this.version(2)
      .stores({ commits: '[streamId+version], position, &commandId', streams: null })
      .upgrade(async (tx) => {
        const commits = tx.table<CommitRecord, [string, number]>('commits');
        const rows = await tx.table<{ commandId: string; refs: CommandRef[] }, string>('commands').toArray();
        await Promise.all(rows.map(({ commandId, refs }) => commits.update([refs[0]![0], refs[0]![1]], { commandId, commandRefs: refs })));
      });
    this.version(3).stores({ commands: null });
    // The fold columns of imported events, in position order (see FoldSegment).
    this.version(4).stores({ folds: 'start' });
    // No table changes: the columnar records (fold segments, journal windows, command buckets) now keep each text
    // column as one string, which an older release cannot read. Moving the version closes its open tabs, which
    // then ask the person to reload.
    this.version(5).stores({});
    // A Bloom filter of an import's command ids, so a new command need not read the buckets (see CommandFilter).
    this.version(6).stores({ commandFilters: 'mark' });
    // No table changes: an import now packs history pages and snapshots, and groups command buckets, several to a
    // record, which an older release would misread (it would miss pages, and imported command ids).
    this.version(7).stores({});
    // No table changes: an import writes no journal now (time travel reads its fold segments instead), which an
    // older release would take for a journal that is there, and answer wrongly.
    this.version(8).stores({});
  }

  /** Set on a view from `bound`: its tables belong to one transaction. */
  readonly transactionBound: boolean = false;

  /**
   * This database with every table bound to one transaction: work through it
   * joins that transaction whether or not Dexie's zone survived the awaits
   * before it. A table outside the transaction's scope throws when used.
   */
  bound(tx: Transaction): LedgerDb {
    const view = Object.create(this) as LedgerDb;
    for (const { name } of this.tables) Object.defineProperty(view, name, { get: () => tx.table(name) });
    Object.defineProperty(view, 'transactionBound', { value: true });
    return view;
  }

  /** Every table a command touches, for one read-write transaction. */
  get writeTables(): Table[] {
    return [
      this.commits,
      this.commandBuckets,
      this.meta,
      this.snapshots,
      this.accounts,
      this.history,
      this.ledgerCheckpoints,
      this.journal,
      this.checkpoints,
      this.folds,
      this.commandFilters,
    ];
  }
}
