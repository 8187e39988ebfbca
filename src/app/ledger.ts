import Dexie, { type Table, type Transaction } from 'dexie';
import { decide, evolve, replay, type AccountState } from '../domain/account';
import type { LedgerCommand } from '../domain/commands';
import { ConcurrencyError, assertNever } from '../domain/errors';
import type { AccountEvent, RecordedEvent } from '../domain/events';
import { decideTransfer } from '../domain/transfer';
import { PROJECTION_VERSION, Projector, projectInline } from '../projections/projector';
import { HISTORY_PAGE_SIZE, type AccountRow } from '../projections/rows';
import { findImportedCommand } from '../store/command-index';
import { CommandFilter } from '../store/command-filter';
import { FoldColumnsBuilder, type FoldColumns } from '../store/fold-columns';
import { toAmountString } from '../domain/money';
import { LedgerDb, type CommitRecord, type LogMeta, type SnapshotRecord } from '../store/db';
import { readDirect } from '../store/direct-read';
import { LogMoved, writeDirect, type DirectWrite } from '../store/direct-write';
import { EventStore, buildAppend, eventsIn, storageFailure, type BuiltAppend, type StreamAppend } from '../store/event-store';
import { DEFAULT_SNAPSHOT_EVERY, SnapshotStore, crossesSnapshotPoint, snapshotRecord, usableSnapshot, type UsableSnapshot } from '../store/snapshots';

export interface LedgerOptions {
  /** Where time comes from; the domain never reads a clock. */
  clock?: () => Date;
  /** Where event ids come from. */
  newId?: () => string;
  /** Take a snapshot of a stream each time its version crosses a multiple of this. */
  snapshotEvery?: number;
  /** Take a ledger checkpoint each time the log crosses a multiple of this (tests use small values). */
  timelineEvery?: number;
}

export interface CommandResult {
  commandId: string;
  events: RecordedEvent[];
  /** True when this command id had already been executed: nothing new was written. */
  duplicate: boolean;
}

export interface LoadedAccount {
  state: AccountState;
  version: number;
}

interface CachedAccount extends LoadedAccount {
  /** The account's read-model row as this tab's last write left it. */
  row?: AccountRow;
}

/** What a command's transaction did, for the tab to remember once it has committed. */
interface Committed {
  result: CommandResult;
  touched: Map<string, CachedAccount>;
  /** The log's head after the transaction. */
  head: LogMeta;
}

/** The database and the stores that work on it, possibly bound to one transaction. */
interface Tools {
  db: LedgerDb;
  store: EventStore;
  snapshots: SnapshotStore;
  projector: Projector;
}

/** A command decided from this tab's cache, to be written if the log is still as this tab left it. */
interface Plan {
  expected: LogMeta;
  touched: Map<string, CachedAccount>;
  appends: StreamAppend[];
}

/** What a command writes, worked out before any of it is written. */
interface Composed extends BuiltAppend {
  /** Each stream's state and version after the command. */
  after: Map<string, CachedAccount>;
  snapshots: SnapshotRecord[];
}

/** The tables a command may write through writeDirect: plain adds and puts, no reads. */
const DIRECT_TABLES = new Set(['commits', 'meta', 'accounts', 'history', 'snapshots']);

/** The log was not as this tab expected: the optimistic transaction is aborted and the command checked again. */
class NotAsExpected extends Error {}

/** Whether a failed write means the log moved under an optimistic command (or its id was used), not a real failure. */
function isConflict(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return error instanceof ConcurrencyError || name === 'BulkError' || name === 'ConstraintError';
}

/** Record keys read from a stream's end with its snapshot: enough to find where the tail starts when snapshots are on. */
const TAIL_RECORDS = 100;
/**
 * Records read whole from a stream's end with its snapshot, in the same round: an imported record holds
 * hundreds of events and snapshots come every hundred, so these usually hold the whole tail after the
 * snapshot, while an imported stream's records (~100-250 KB each) are not read more than needed.
 */
const TAIL_VALUES = 2;

/** An account as a snapshot (or, with none, the empty state) and the events after it leave it. */
function afterSnapshot(snapshot: UsableSnapshot | null, tail: readonly RecordedEvent[]): LoadedAccount {
  const version = tail.length > 0 ? tail[tail.length - 1]!.version : (snapshot?.version ?? 0);
  return { state: replay(tail, snapshot?.state), version };
}

/** How many aggregates stay in memory between commands. */
const CACHE_LIMIT = 5_000;

const defaultId = (): string => crypto.randomUUID();

/** The streams a command reads and writes. */
function streamsOf(command: LedgerCommand): string[] {
  return command.type === 'Transfer' ? [command.data.fromAccountId, command.data.toAccountId] : [command.data.accountId];
}

/**
 * The write side: each command is one read-decide-append-project step inside
 * one IndexedDB transaction, so it is atomic across tabs as well.
 */
export class Ledger {
  readonly store: EventStore;
  readonly snapshots: SnapshotStore;
  readonly projector: Projector;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly snapshotEvery: number;
  /**
   * Aggregates as the last command here left them. An entry is used only when
   * the stream's head (read inside the command's transaction) still names the
   * same last event, so a write from another tab or an import can never be missed.
   */
  private readonly cache = new Map<string, CachedAccount>();
  /**
   * The log's head as this tab's last transaction left it. While the head
   * still names the same last write, nobody else wrote, and every cached
   * aggregate and row is current.
   */
  private known: LogMeta | null = null;
  /** The Bloom filter of the command ids of the import that wrote the log's command buckets. */
  private importFilter: { mark: string; filter: CommandFilter } | null = null;

  constructor(
    readonly db: LedgerDb,
    options: LedgerOptions = {},
  ) {
    this.store = new EventStore(db);
    this.snapshots = new SnapshotStore(db);
    this.projector = new Projector(db);
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? defaultId;
    this.snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  }

  /** Opens the database (never one a newer release stored: see LedgerDb) and repairs read models left behind by an older app version. */
  static async open(name = 'ledger', options: LedgerOptions = {}): Promise<Ledger> {
    const ledger = new Ledger(new LedgerDb(name, options.timelineEvery ? { timelineEvery: options.timelineEvery } : {}), options);
    try {
      await ledger.db.open();
      if (!(await ledger.projector.isCurrent())) await ledger.projector.rebuild();
    } catch (error) {
      // Nobody gets the ledger to close, and an open connection would block other tabs' upgrades and deletes.
      ledger.close();
      throw storageFailure(error);
    }
    return ledger;
  }

  close(): void {
    this.db.close();
  }

  /** The state of one account at `maxVersion` (default: now): latest good snapshot plus the events after it. */
  async loadAccount(accountId: string, maxVersion = Number.MAX_SAFE_INTEGER): Promise<LoadedAccount> {
    return (await this.loadDirect(accountId, maxVersion, false))?.loaded ?? this.load(this, accountId, maxVersion);
  }

  /**
   * An account read on IndexedDB's own transaction (see readDirect): its newest snapshot at or before
   * maxVersion, its last TAIL_VALUES records and the keys of its last TAIL_RECORDS in one round, and only
   * when the tail after the snapshot starts before those records, the ones before them in a second round
   * of the same transaction. With `withRow`, the log's head and the account's row are read in the first
   * round too, as of the same moment. With `settle`, it resolves once the transaction has completed (see
   * readDirect). Null where readDirect is, inside a Dexie transaction (its reads are the caller's: they must
   * see what it wrote, and keep it open), or when the newest snapshot cannot be used (walking back past it is
   * the snapshot store's).
   */
  private async loadDirect(accountId: string, maxVersion: number, withRow: boolean, settle = false) {
    if (Dexie.currentTransaction) return null;
    const from = [accountId, Dexie.minKey];
    const to = [accountId, maxVersion];
    const tables = withRow ? ['snapshots', 'commits', 'meta', 'accounts'] : ['snapshots', 'commits'];
    return readDirect(this.db, tables, async (read) => {
      const [packs, newest, keys, head, row] = (await read([
        { table: 'snapshots', from, to, last: 1 },
        { table: 'commits', from, to, last: TAIL_VALUES },
        { table: 'commits', from, to, last: TAIL_RECORDS, keysOnly: true },
        ...(withRow ? [{ table: 'meta', key: 'log' }, { table: 'accounts', key: accountId }] : []),
      ])) as [SnapshotRecord[], CommitRecord[], [string, number][], LogMeta?, AccountRow?];
      const snapshot = usableSnapshot(packs[0], accountId, maxVersion);
      if (packs[0] && !snapshot) return null;
      const start = (snapshot?.version ?? 0) + 1;
      const records = newest.reverse();
      const first = records[0];
      if (first && first.version > start && records.length === TAIL_VALUES) {
        // From the record that holds `start` (the stream's first one when the keys read do not reach it) up to those read.
        const holder = keys.find(([, version]) => version <= start);
        const [earlier] = (await read([{ table: 'commits', from: holder ?? from, to: [accountId, first.version], toOpen: true }])) as [CommitRecord[]];
        records.unshift(...earlier);
      }
      return { loaded: afterSnapshot(snapshot, records.flatMap((record) => eventsIn(record, start, maxVersion))), head, row };
    }, { settle });
  }

  private async load(t: Tools, accountId: string, maxVersion = Number.MAX_SAFE_INTEGER): Promise<LoadedAccount> {
    if (maxVersion === Number.MAX_SAFE_INTEGER) {
      // The common case, now: the snapshot and where the stream's newest records start are read together,
      // so the tail is one more read instead of a search.
      const [snapshot, starts] = await Promise.all([
        t.snapshots.latest(accountId),
        t.store.newestRecordVersions(accountId, TAIL_RECORDS),
      ]);
      const from = (snapshot?.version ?? 0) + 1;
      const start = starts.find((version) => version <= from);
      if (start !== undefined || starts.length < TAIL_RECORDS) {
        return afterSnapshot(snapshot, start === undefined && starts.length === 0 ? [] : await t.store.readStreamFrom(accountId, start ?? 1, from));
      }
    }
    const snapshot = await t.snapshots.latest(accountId, maxVersion);
    return afterSnapshot(snapshot, await t.store.readStream(accountId, (snapshot?.version ?? 0) + 1, maxVersion));
  }

  /**
   * Loads an account into this tab's cache ahead of its commands (the app does
   * so when an account's page opens), so the first one can take the one-round
   * path too. The aggregate, its row and the log's head are read in one
   * transaction, so the entry is current as of that head.
   */
  async prefetch(accountId: string): Promise<void> {
    if (this.cache.get(accountId)?.row) return;
    const { commits, snapshots, meta, accounts } = this.db;
    const read =
      (await this.loadDirect(accountId, Number.MAX_SAFE_INTEGER, true, true)) ??
      (await Dexie.ignoreTransaction(() =>
        this.db.transaction('r', [commits, snapshots, meta, accounts], async (tx) => {
          const t = this.tools(tx);
          const [head, row, loaded] = await Promise.all([t.store.meta(), t.db.accounts.get(accountId), this.load(t, accountId)]);
          return { head, row, loaded };
        }),
      ));
    if (!read.row || !read.head || read.loaded.version === 0) return;
    // Entries must all be current as of `known`: a head this tab did not leave starts the cache afresh.
    if (!this.unchanged(read.head)) {
      this.cache.clear();
      this.known = read.head;
    }
    this.remember(accountId, { ...read.loaded, row: read.row });
    await this.loadImportFilter(read.head);
  }

  async execute(command: LedgerCommand): Promise<CommandResult> {
    const planned = await this.plan(command);
    if (planned) {
      try {
        return await this.executeAsExpected(command, planned);
      } catch (error) {
        // The log was not as this tab left it (or the command id was seen before): take the checked path.
        if (!(error instanceof NotAsExpected)) throw storageFailure(error);
      }
    }
    return this.executeChecked(command);
  }

  /**
   * Decides a command from this tab's cache, before any transaction, when
   * every account it touches is cached. Null when it cannot: an account is
   * not cached, or the command is refused (a refusal may still be the retry
   * of a command that succeeded, which only the checked path can tell).
   */
  private async plan(command: LedgerCommand): Promise<Plan | null> {
    const expected = this.known;
    if (!expected) return null;
    const touched = new Map<string, CachedAccount>();
    try {
      const appends = await this.decide(command, touched, (id) => {
        const cached = this.cache.get(id);
        if (!cached?.row) throw new NotAsExpected();
        return cached;
      });
      return { expected, touched, appends };
    } catch {
      return null;
    }
  }

  /**
   * The usual case: this tab wrote the log's newest event, so its cached
   * aggregates and account rows are current and the command was decided from
   * them. Every request, the reads that prove the cache current and the writes
   * that follow from it, goes out in one round; the log's head is read first,
   * and IndexedDB answers a transaction's requests in order, so it shows the
   * log as it was before this command's writes. If it is not what this tab
   * expects, the transaction is aborted, nothing is written, and the command
   * runs again on the checked path.
   */
  private async executeAsExpected(command: LedgerCommand, { expected, touched, appends }: Plan): Promise<CommandResult> {
    const buckets = this.mayBeImported(expected, command.commandId);
    const scope = this.scopeOf(expected, touched, appends, buckets);
    const rows = [...touched.values()].map((a) => a.row);
    // The usual scope is only plain puts and adds: IndexedDB's own transaction does them for much less.
    if (expected.lastWrite !== undefined && scope.every((table) => DIRECT_TABLES.has(table.name))) {
      const direct = await this.commitDirect(command, appends, touched, expected, expected.lastWrite, rows);
      if (direct) {
        this.commit(direct);
        return direct.result;
      }
    }
    const committed = await this.transaction(scope, async (t) => {
      const head = t.store.meta();
      const imported = buckets ? findImportedCommand(t.db, command.commandId) : null;
      const staged = this.write(t, command, appends, touched, expected, rows).catch((error: unknown) => {
        throw isConflict(error) ? new NotAsExpected() : error;
      });
      // Either may be left unawaited when the other fails; the transaction's own outcome reports it.
      staged.catch(() => undefined);
      const [meta, earlier] = await Promise.all([head, imported]);
      // Compared with what the plan was made from (this tab may have written since, in another transaction).
      if (meta.lastWrite === undefined || meta.lastWrite !== expected.lastWrite || earlier) throw new NotAsExpected();
      return staged;
    });
    this.commit(committed);
    return committed.result;
  }

  /**
   * The tables a planned command writes. Few tables make a cheaper transaction,
   * and the rarely written ones are known from the plan: a new history page,
   * a snapshot or a ledger checkpoint each start at a multiple of a fixed count.
   */
  private scopeOf(expected: LogMeta, touched: Map<string, CachedAccount>, appends: StreamAppend[], buckets: boolean): Table[] {
    const { commits, meta, accounts, commandBuckets, history, snapshots, ledgerCheckpoints } = this.db;
    const scope: Table[] = [commits, meta, accounts];
    if (buckets) scope.push(commandBuckets);
    const total = appends.reduce((n, a) => n + a.events.length, 0);
    const reaches = (from: number, count: number, every: number) => count > 0 && crossesSnapshotPoint(from - 1, from + count - 1, every);
    if (appends.some((a) => reaches(touched.get(a.streamId)!.row!.transactionCount, a.events.length, HISTORY_PAGE_SIZE))) scope.push(history);
    if (appends.some((a) => reaches(a.expectedVersion + 1, a.events.length, this.snapshotEvery))) scope.push(snapshots);
    if (reaches(expected.position + 1, total, this.db.timelineEvery)) scope.push(ledgerCheckpoints);
    return scope;
  }

  /** Reads everything a command depends on, checks each cached aggregate against its stream's head, then writes. */
  private async executeChecked(command: LedgerCommand): Promise<CommandResult> {
    const touched = new Map<string, CachedAccount>();
    let committed: Committed;
    try {
      committed = await this.transaction(this.db.writeTables, async (t) => {
        // Every read a command needs is independent of the others: issue them together, one round trip.
        const meta = t.store.meta();
        const rows = t.db.accounts.bulkGet(streamsOf(command));
        // The filter this tab holds rules out most ids without a bucket read; it counts only if the head still names its import.
        const ruledOut = this.ruledOutBy(command.commandId);
        const [found, appends, head, read] = await Promise.all([
          t.store.eventsOfCommand(command.commandId, { imported: ruledOut === null }),
          this.decide(command, touched, (id) => this.current(t, id, meta)).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          ),
          meta,
          rows,
        ]);
        // Another tab (or an import) wrote since this tab last did: only what was checked just now can stay cached.
        if (!this.unchanged(head)) this.cache.clear();
        const earlier = ruledOut !== null && this.mayBeImported(head, command.commandId) ? await t.store.eventsOfCommand(command.commandId) : found;
        if (earlier.length > 0) return { result: { commandId: command.commandId, events: earlier, duplicate: true }, touched: new Map(), head };
        if ('error' in appends) throw appends.error;
        return this.write(t, command, appends.value, touched, head, read);
      });
    } catch (error) {
      throw storageFailure(error);
    }
    this.commit(committed);
    await this.loadImportFilter(committed.head);
    return committed.result;
  }

  /** Whether a command id may be one an import wrote: false only when this tab holds that import's filter and it says so. */
  private mayBeImported(meta: LogMeta, commandId: string): boolean {
    return meta.imported === true && this.ruledOutBy(commandId) !== meta.importMark;
  }

  /** The mark of the import whose filter, held by this tab, says the id is certainly not one of its commands. */
  private ruledOutBy(commandId: string): string | null {
    const held = this.importFilter;
    return held && !held.filter.mightHave(commandId) ? held.mark : null;
  }

  /** Reads the filter of the import the log's head names, once per import; without it, commands read the buckets. */
  private async loadImportFilter(head: LogMeta): Promise<void> {
    const mark = head.importMark;
    if (!head.imported || mark === undefined || this.importFilter?.mark === mark) return;
    try {
      const filter = CommandFilter.from(await Dexie.ignoreTransaction(() => this.db.commandFilters.get(mark)));
      if (filter) this.importFilter = { mark, filter };
    } catch {
      // A filter that cannot be read costs a bucket read per command, nothing more.
    }
  }

  /**
   * What a command writes to the log and its snapshots, from the accounts it
   * was decided on and the log's head: no I/O, so the same for every path.
   */
  private compose(appends: StreamAppend[], touched: Map<string, CachedAccount>, meta: LogMeta): Composed {
    const columns = (streamId: string, batch: RecordedEvent[]): FoldColumns => {
      const fold = new FoldColumnsBuilder();
      let state = touched.get(streamId)!.state;
      for (const event of batch) {
        state = evolve(state, event);
        fold.add(event, state.status === 'none' ? '' : toAmountString(state.balance, state.currency));
      }
      return fold.done();
    };
    const versions = appends.map((a) => touched.get(a.streamId)!.version);
    const built = buildAppend(appends, this.clock().toISOString(), meta, versions, { projection: PROJECTION_VERSION, columns });
    const after = new Map<string, CachedAccount>();
    for (const event of built.events) {
      const before = after.get(event.streamId) ?? touched.get(event.streamId)!;
      after.set(event.streamId, { state: evolve(before.state, event), version: event.version });
    }
    const snapshots = appends
      .filter((a) => crossesSnapshotPoint(a.expectedVersion, after.get(a.streamId)?.version ?? a.expectedVersion, this.snapshotEvery))
      .map((a) => {
        const last = built.events.findLast((e) => e.streamId === a.streamId)!;
        return snapshotRecord(a.streamId, last.version, last.position, last.metadata.at, after.get(a.streamId)!.state);
      })
      .filter((record): record is SnapshotRecord => record !== null);
    return { ...built, after, snapshots };
  }

  /**
   * Appends, folds the read models and takes due snapshots, all as one round
   * of writes in the current transaction; resolves when they are done.
   */
  private async write(
    t: Tools,
    command: LedgerCommand,
    appends: StreamAppend[],
    touched: Map<string, CachedAccount>,
    meta: LogMeta,
    rows: (AccountRow | undefined)[],
  ): Promise<Committed> {
    const composed = this.compose(appends, touched, meta);
    const { events, after, head } = composed;
    const [, projected] = await Promise.all([
      t.store.write(appends, composed),
      t.projector.applyInline(events, rows),
      composed.snapshots.length > 0 ? t.db.snapshots.bulkPut(composed.snapshots) : null,
    ]);
    return this.committed(command, events, after, projected, head);
  }

  /**
   * The planned command written with IndexedDB's own transaction (see
   * writeDirect), when the log's head still names this tab's last write.
   * Null when the connection is not open, for Dexie's path to deal with.
   */
  private async commitDirect(
    command: LedgerCommand,
    appends: StreamAppend[],
    touched: Map<string, CachedAccount>,
    expected: LogMeta,
    lastWrite: string,
    rows: (AccountRow | undefined)[],
  ): Promise<Committed | null> {
    const composed = this.compose(appends, touched, expected);
    const { events, after, head } = composed;
    const projected = projectInline(events, rows);
    const writes: DirectWrite[] = [
      { table: 'commits', values: composed.records, add: true },
      { table: 'accounts', values: projected.rows },
      { table: 'history', values: projected.pages },
      { table: 'snapshots', values: composed.snapshots },
    ];
    try {
      const written = await writeDirect(this.db, lastWrite, writes.filter((w) => w.values.length > 0), head);
      return written ? this.committed(command, events, after, projected.rows, head) : null;
    } catch (error) {
      throw error instanceof LogMoved ? new NotAsExpected() : error;
    }
  }

  /** What a command's transaction did, with each account's new row beside its new state. */
  private committed(command: LedgerCommand, events: RecordedEvent[], after: Map<string, CachedAccount>, rows: AccountRow[], head: LogMeta): Committed {
    for (const row of rows) {
      const account = after.get(row.accountId);
      if (account) account.row = row;
    }
    return { result: { commandId: command.commandId, events, duplicate: false }, touched: after, head };
  }

  /**
   * A command's transaction, with the tools it works through bound to it.
   * Dexie finds the current transaction by a zone it carries across awaits,
   * and with two transactions in flight in one tab that zone can be lost
   * after a chain of awaits: a write would then run in a transaction of its
   * own, outside the command's. Bound tables never depend on it. For the same
   * reason a command's transaction is started outside any zone: it starts
   * after awaiting, where a finished transaction's zone may linger.
   */
  private transaction<T>(scope: Table[], work: (t: Tools) => Promise<T>): Promise<T> {
    return Dexie.ignoreTransaction(() =>
      this.db.transaction('rw', scope, (tx) => work(this.tools(tx))),
    );
  }

  /** The database and its stores, bound to one transaction. */
  private tools(tx: Transaction): Tools {
    const db = this.db.bound(tx);
    return { db, store: new EventStore(db), snapshots: new SnapshotStore(db), projector: new Projector(db) };
  }

  /** Whether the log's head is the one this tab's last transaction left: nobody else has written since. */
  private unchanged(head: LogMeta): boolean {
    return this.known !== null && head.lastWrite !== undefined && head.lastWrite === this.known.lastWrite;
  }

  /** After a transaction committed: what it wrote is now what this tab knows. */
  private commit({ touched, head }: Committed): void {
    for (const [id, account] of touched) this.remember(id, account);
    this.known = head;
  }

  private remember(accountId: string, account: CachedAccount): void {
    this.cache.delete(accountId);
    this.cache.set(accountId, account);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }

  /** The current state of an account for a command: the cached one while nobody else has written, else loaded. */
  private async current(t: Tools, accountId: string, meta: Promise<LogMeta>): Promise<CachedAccount> {
    if (this.cache.has(accountId) && this.unchanged(await meta)) {
      // Looked up again after the read: this tab's other transactions may have committed meanwhile.
      const cached = this.cache.get(accountId);
      if (cached) return cached;
    }
    return this.load(t, accountId);
  }

  private async decide(
    command: LedgerCommand,
    touched: Map<string, CachedAccount>,
    load: (accountId: string) => CachedAccount | Promise<CachedAccount>,
  ): Promise<StreamAppend[]> {
    const current = async (accountId: string) => {
      const account = await load(accountId);
      touched.set(accountId, account);
      return account;
    };
    const pending = (events: AccountEvent[]) =>
      events.map((event) => ({ event, metadata: { eventId: this.newId(), commandId: command.commandId } }));
    switch (command.type) {
      case 'OpenAccount':
      case 'Deposit':
      case 'Withdraw':
      case 'CloseAccount': {
        const { state, version } = await current(command.data.accountId);
        return [{ streamId: command.data.accountId, expectedVersion: version, events: pending(decide(command, state)) }];
      }
      case 'Transfer': {
        const { fromAccountId, toAccountId } = command.data;
        const [from, to] = await Promise.all([current(fromAccountId), current(toAccountId)]);
        const { sent, received } = decideTransfer(command, from.state, to.state);
        return [
          { streamId: fromAccountId, expectedVersion: from.version, events: pending([sent]) },
          { streamId: toAccountId, expectedVersion: to.version, events: pending([received]) },
        ];
      }
      default:
        return assertNever(command, 'command');
    }
  }

  /** Takes a snapshot of a stream's current state (also on demand). */
  async snapshot(accountId: string): Promise<void> {
    const run = async () => {
      const { state, version } = await this.loadAccount(accountId);
      if (version === 0) return;
      const [last] = await this.store.readStream(accountId, version, version);
      await this.snapshots.save(accountId, version, last!.position, last!.metadata.at, state);
    };
    if (Dexie.currentTransaction) return run();
    return this.db.transaction('rw', [this.db.commits, this.db.snapshots], run);
  }
}
