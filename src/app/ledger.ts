import Dexie from 'dexie';
import { decide, evolve, replay, type AccountState } from '../domain/account';
import type { LedgerCommand } from '../domain/commands';
import { assertNever } from '../domain/errors';
import type { AccountEvent, RecordedEvent } from '../domain/events';
import { decideTransfer } from '../domain/transfer';
import { Projector } from '../projections/projector';
import { LedgerDb } from '../store/db';
import { EventStore, storageFailure, type StreamAppend } from '../store/event-store';
import { DEFAULT_SNAPSHOT_EVERY, SnapshotStore, crossesSnapshotPoint } from '../store/snapshots';

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
  lastEventId: string;
  /** The stream head's version as read in the current transaction (the expected version of an append). */
  headVersion: number;
}

/** Record keys read from a stream's end with its snapshot: enough to find where the tail starts when snapshots are on. */
const TAIL_RECORDS = 100;

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

  /** Opens the database and repairs read models left behind by an older app version. */
  static async open(name = 'ledger', options: LedgerOptions = {}): Promise<Ledger> {
    const ledger = new Ledger(new LedgerDb(name, options.timelineEvery ? { timelineEvery: options.timelineEvery } : {}), options);
    try {
      await ledger.db.open();
      if (!(await ledger.projector.isCurrent())) await ledger.projector.rebuild();
    } catch (error) {
      // Nobody gets the ledger to close, and an open connection would block other tabs' upgrades and deletes.
      ledger.close();
      throw error;
    }
    return ledger;
  }

  close(): void {
    this.db.close();
  }

  /** The state of one account at `maxVersion` (default: now): latest good snapshot plus the events after it. */
  async loadAccount(accountId: string, maxVersion = Number.MAX_SAFE_INTEGER): Promise<LoadedAccount> {
    if (maxVersion === Number.MAX_SAFE_INTEGER) {
      // The common case, now: the snapshot and where the stream's newest records start are read together,
      // so the tail is one more read instead of a search.
      const [snapshot, starts] = await Promise.all([
        this.snapshots.latest(accountId),
        this.store.newestRecordVersions(accountId, TAIL_RECORDS),
      ]);
      const from = (snapshot?.version ?? 0) + 1;
      const start = starts.find((version) => version <= from);
      if (start !== undefined || starts.length < TAIL_RECORDS) {
        const tail = start === undefined && starts.length === 0 ? [] : await this.store.readStreamFrom(accountId, start ?? 1, from);
        const version = tail.length > 0 ? tail[tail.length - 1]!.version : (snapshot?.version ?? 0);
        return { state: replay(tail, snapshot?.state), version };
      }
    }
    const snapshot = await this.snapshots.latest(accountId, maxVersion);
    const tail = await this.store.readStream(accountId, (snapshot?.version ?? 0) + 1, maxVersion);
    const state = replay(tail, snapshot?.state);
    const version = tail.length > 0 ? tail[tail.length - 1]!.version : (snapshot?.version ?? 0);
    return { state, version };
  }

  async execute(command: LedgerCommand): Promise<CommandResult> {
    const touched = new Map<string, CachedAccount>();
    let result: CommandResult;
    try {
      result = await this.db.transaction('rw', this.db.writeTables, async () => {
        // Every read a command needs is independent of the others: issue them together, one round trip.
        const meta = this.store.meta();
        const rows = this.db.accounts.bulkGet(streamsOf(command));
        const [earlier, appends] = await Promise.all([
          this.store.eventsOfCommand(command.commandId),
          this.decide(command, touched).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          ),
          meta,
          rows,
        ]);
        if (earlier.length > 0) return { commandId: command.commandId, events: earlier, duplicate: true };
        if ('error' in appends) throw appends.error;
        const at = this.clock().toISOString();
        const versions = new Map([...touched].map(([id, account]) => [id, account.headVersion]));
        const { events, written } = await this.store.stage(appends.value, at, { meta, versions });
        // The read models' writes go out with the log's, in the same transaction: all land or none.
        await Promise.all([written, this.projector.applyInline(events, rows)]);
        await this.snapshotIfDue(appends.value, events);
        for (const event of events) {
          const before = touched.get(event.streamId)!;
          touched.set(event.streamId, {
            state: evolve(before.state, event),
            version: event.version,
            lastEventId: event.metadata.eventId,
            headVersion: event.version,
          });
        }
        return { commandId: command.commandId, events, duplicate: false };
      });
    } catch (error) {
      throw storageFailure(error);
    }
    // Only a committed transaction may feed the cache.
    if (!result.duplicate) for (const [id, account] of touched) this.remember(id, account);
    return result;
  }

  private remember(accountId: string, account: CachedAccount): void {
    this.cache.delete(accountId);
    this.cache.set(accountId, account);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }

  /** The current state of an account for a command, from the cache when the stream has not moved. */
  private async current(accountId: string, touched: Map<string, CachedAccount>): Promise<LoadedAccount> {
    const cached = this.cache.get(accountId);
    // Without a cached copy the load cannot wait for the head anyway: read both at once.
    const [head, fresh] = await Promise.all([this.store.head(accountId), cached ? null : this.loadAccount(accountId)]);
    const loaded: CachedAccount =
      cached && head && cached.lastEventId === head.lastEventId
        ? { ...cached, headVersion: head.version }
        : { ...(fresh ?? (await this.loadAccount(accountId))), lastEventId: head?.lastEventId ?? '', headVersion: head?.version ?? 0 };
    touched.set(accountId, loaded);
    return loaded;
  }

  private async decide(command: LedgerCommand, touched: Map<string, CachedAccount>): Promise<StreamAppend[]> {
    const pending = (events: AccountEvent[]) =>
      events.map((event) => ({ event, metadata: { eventId: this.newId(), commandId: command.commandId } }));
    switch (command.type) {
      case 'OpenAccount':
      case 'Deposit':
      case 'Withdraw':
      case 'CloseAccount': {
        const { state, version } = await this.current(command.data.accountId, touched);
        return [{ streamId: command.data.accountId, expectedVersion: version, events: pending(decide(command, state)) }];
      }
      case 'Transfer': {
        const { fromAccountId, toAccountId } = command.data;
        const [from, to] = await Promise.all([this.current(fromAccountId, touched), this.current(toAccountId, touched)]);
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

  private async snapshotIfDue(appends: StreamAppend[], events: RecordedEvent[]): Promise<void> {
    for (const a of appends) {
      const mine = events.filter((e) => e.streamId === a.streamId);
      const last = mine[mine.length - 1];
      if (!last || !crossesSnapshotPoint(a.expectedVersion, last.version, this.snapshotEvery)) continue;
      await this.snapshot(a.streamId);
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
