import Dexie, { type Table, type Transaction } from 'dexie';
import { evolve, replay } from '../domain/account';
import type { LedgerCommand } from '../domain/commands';
import { decideCommand, streamsOf, type LoadedAccount } from '../domain/decide-command';
import type { RecordedEvent } from '../domain/events';
import { PROJECTION_VERSION, Projector } from '../projections/projector';
import type { AccountRow } from '../projections/rows';
import { LedgerDb, type LogMeta, type SnapshotRecord } from '../store/db';
import { EventStore, buildAppend, type BuiltAppend, type StreamAppend } from '../store/event-store';
import { storageFailure } from '../store/storage-failure';
import { DEFAULT_SNAPSHOT_EVERY, SnapshotStore, crossesSnapshotPoint, snapshotRecord, type UsableSnapshot } from '../store/snapshots';

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

export type { LoadedAccount };

/** The database and the stores that work on it, bound to one transaction. */
export interface BoundStores {
  db: LedgerDb;
  store: EventStore;
  snapshots: SnapshotStore;
  projector: Projector;
}

/** What a command writes, worked out before any of it is written. */
interface CommandWrites extends BuiltAppend {
  snapshots: SnapshotRecord[];
}

/**
 * Record keys read from a stream's end beside its snapshot, so the tail after the snapshot is one more read
 * instead of a search (a round less on every command's load).
 */
const TAIL_RECORDS = 100;

/** An account as a snapshot (or, with none, the empty state) and the events after it leave it. */
function afterSnapshot(snapshot: UsableSnapshot | null, tail: readonly RecordedEvent[]): LoadedAccount {
  const version = tail.length > 0 ? tail[tail.length - 1]!.version : (snapshot?.version ?? 0);
  return { state: replay(tail, snapshot?.state), version };
}

const defaultId = (): string => crypto.randomUUID();

/**
 * The write side. Every command takes one path: in one read-write Dexie transaction, look the command id
 * up, load the aggregate(s), decide, append with the expected version, fold the new events into the read
 * models and take a snapshot when due. IndexedDB serializes read-write transactions, across tabs too, so
 * the read-decide-write is atomic.
 */
export class Ledger {
  readonly store: EventStore;
  readonly snapshots: SnapshotStore;
  readonly projector: Projector;
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly snapshotEvery: number;

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
    if (Dexie.currentTransaction) return this.load(this, accountId, maxVersion);
    return this.db.transaction('r', [this.db.commits, this.db.snapshots], (tx) => this.load(this.bind(tx), accountId, maxVersion));
  }

  /** An account as its newest usable snapshot at or before `maxVersion` and the events after it leave it. */
  private async load(t: BoundStores, accountId: string, maxVersion = Number.MAX_SAFE_INTEGER): Promise<LoadedAccount> {
    if (maxVersion === Number.MAX_SAFE_INTEGER) {
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

  async execute(command: LedgerCommand): Promise<CommandResult> {
    try {
      return await this.transaction(this.db.writeTables, async (t) => this.executeIn(t, command));
    } catch (error) {
      throw storageFailure(error);
    }
  }

  /** Runs a command in a transaction the caller holds over every table (see within). */
  async executeIn(t: BoundStores, command: LedgerCommand): Promise<CommandResult> {
    const loaded = new Map<string, LoadedAccount>();
    // Every read a command needs is independent of the others: issue them together, one round trip.
    const [earlier, appends, head, rows] = await Promise.all([
      t.store.eventsOfCommand(command.commandId),
      this.decide(command, loaded, (id) => this.load(t, id)).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      t.store.meta(),
      t.db.accounts.bulkGet(streamsOf(command)),
    ]);
    // A repeated command id answers with what the first one wrote, and writes nothing (even if it would now be refused).
    if (earlier.length > 0) return { commandId: command.commandId, events: earlier, duplicate: true };
    if ('error' in appends) throw appends.error;
    const events = await this.write(t, appends.value, loaded, head, rows);
    return { commandId: command.commandId, events, duplicate: false };
  }

  /** Work in one read-write transaction over every table, through stores bound to it (a sync's rebase). */
  async within<T>(work: (t: BoundStores) => Promise<T>): Promise<T> {
    try {
      return await this.transaction(this.db.writeTables, work);
    } catch (error) {
      throw storageFailure(error);
    }
  }

  /** What a command writes to the log and its snapshots, from the accounts it was decided on and the log's head. */
  private compose(appends: StreamAppend[], loaded: Map<string, LoadedAccount>, meta: LogMeta): CommandWrites {
    const versions = appends.map((a) => loaded.get(a.streamId)!.version);
    const built = buildAppend(appends, this.clock().toISOString(), meta, versions, PROJECTION_VERSION);
    const after = new Map<string, LoadedAccount>();
    for (const event of built.events) {
      const before = after.get(event.streamId) ?? loaded.get(event.streamId)!;
      after.set(event.streamId, { state: evolve(before.state, event), version: event.version });
    }
    const snapshots = appends
      .filter((a) => crossesSnapshotPoint(a.expectedVersion, after.get(a.streamId)?.version ?? a.expectedVersion, this.snapshotEvery))
      .map((a) => {
        const last = built.events.findLast((e) => e.streamId === a.streamId)!;
        return snapshotRecord(a.streamId, last.version, last.position, last.metadata.at, after.get(a.streamId)!.state);
      })
      .filter((record): record is SnapshotRecord => record !== null);
    return { ...built, snapshots };
  }

  /** Appends, folds the read models and takes due snapshots, all in the command's transaction. */
  private async write(
    t: BoundStores,
    appends: StreamAppend[],
    loaded: Map<string, LoadedAccount>,
    meta: LogMeta,
    rows: (AccountRow | undefined)[],
  ): Promise<RecordedEvent[]> {
    const writes = this.compose(appends, loaded, meta);
    await Promise.all([
      t.store.write(appends, writes),
      t.projector.applyInline(writes.events, rows),
      writes.snapshots.length > 0 ? t.db.snapshots.bulkPut(writes.snapshots) : null,
    ]);
    return writes.events;
  }

  /**
   * A command's transaction, with the stores it works through bound to it. Dexie finds the current
   * transaction by a zone it carries across awaits, and with two transactions in flight in one tab that
   * zone can be lost after a chain of awaits; bound tables never depend on it. The transaction starts
   * outside any zone, since a finished transaction's zone may linger after an await.
   */
  private transaction<T>(scope: Table[], work: (t: BoundStores) => Promise<T>): Promise<T> {
    return Dexie.ignoreTransaction(() => this.db.transaction('rw', scope, (tx) => work(this.bind(tx))));
  }

  /** The database and its stores, bound to one transaction. */
  private bind(tx: Transaction): BoundStores {
    const db = this.db.bound(tx);
    return { db, store: new EventStore(db), snapshots: new SnapshotStore(db), projector: new Projector(db) };
  }

  /** Loads the accounts the command touches (into `loaded`) and decides it on them. */
  private async decide(
    command: LedgerCommand,
    loaded: Map<string, LoadedAccount>,
    load: (accountId: string) => Promise<LoadedAccount>,
  ): Promise<StreamAppend[]> {
    await Promise.all(streamsOf(command).map(async (id) => loaded.set(id, await load(id))));
    return decideCommand(command, loaded).map(({ streamId, expectedVersion, events }) => ({
      streamId,
      expectedVersion,
      events: events.map((event) => ({ event, metadata: { eventId: this.newId(), commandId: command.commandId } })),
    }));
  }

  /**
   * Snapshots of the streams whose versions crossed a snapshot point in events this device did not decide
   * (a sync's), so that a load after them starts near their end, as after a command.
   */
  async snapshotCrossedIn(t: BoundStores, events: readonly { streamId: string; version: number }[]): Promise<void> {
    const first = new Map<string, number>();
    const last = new Map<string, number>();
    for (const { streamId, version } of events) {
      if (!first.has(streamId)) first.set(streamId, version - 1);
      last.set(streamId, version);
    }
    for (const [streamId, from] of first) {
      if (!crossesSnapshotPoint(from, last.get(streamId)!, this.snapshotEvery)) continue;
      const { state, version } = await this.load(t, streamId);
      const [event] = await t.store.readStream(streamId, version, version);
      await t.snapshots.save(streamId, version, event!.position, event!.metadata.at, state);
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
