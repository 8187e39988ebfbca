import Dexie, { type Table } from 'dexie';
import type { CommandBucket, CommandRecord } from './command-index';
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
}

/** The newest version of a stream, so an append checks its expected version without reading a commit. */
export interface StreamHead {
  streamId: string;
  version: number;
  /** Id of the stream's newest event: a cache of the stream is current only if this matches. */
  lastEventId: string;
}

export interface LogMeta {
  key: 'log';
  /** Last global position written; the log is 1..position with no gaps. */
  position: number;
  /** Time of the last event; new events never get an earlier one, so time and position sort alike. */
  lastAt: string;
}

export interface SnapshotRecord {
  streamId: string;
  version: number;
  schemaVersion: number;
  position: number;
  at: string;
  state: unknown;
}

export interface ProjectionCheckpoint {
  name: string;
  /** Last global position folded into the read model. */
  position: number;
  /** Version of the projection code; a different one means rebuild. */
  version: number;
}

export type LedgerDbOptions = NonNullable<ConstructorParameters<typeof Dexie>[1]> & { timelineEvery?: number };

export class LedgerDb extends Dexie {
  commits!: Table<CommitRecord, [string, number]>;
  commands!: Table<CommandRecord, string>;
  commandBuckets!: Table<CommandBucket, number>;
  streams!: Table<StreamHead, string>;
  meta!: Table<LogMeta, string>;
  snapshots!: Table<SnapshotRecord, [string, number]>;
  accounts!: Table<AccountRow, string>;
  history!: Table<HistoryPage, [string, number]>;
  ledgerCheckpoints!: Table<LedgerCheckpoint, number>;
  journal!: Table<JournalWindow, number>;
  checkpoints!: Table<ProjectionCheckpoint, string>;

  /** Positions between two ledger checkpoints (time travel replays at most about this many events). */
  readonly timelineEvery: number;

  constructor(name = 'ledger', options: LedgerDbOptions = {}) {
    const { timelineEvery = TIMELINE_EVERY, ...dexieOptions } = options;
    // 'relaxed': a commit is done once the browser has handed it to the OS, as Chromium does by default;
    // it survives a tab or browser crash, and saves a disk flush on every command.
    super(name, { chromeTransactionDurability: 'relaxed', ...dexieOptions });
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
  }

  /** Every table a command touches, for one read-write transaction. */
  get writeTables(): Table[] {
    return [
      this.commits,
      this.commands,
      this.commandBuckets,
      this.streams,
      this.meta,
      this.snapshots,
      this.accounts,
      this.history,
      this.ledgerCheckpoints,
      this.journal,
      this.checkpoints,
    ];
  }
}
