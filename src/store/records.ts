import type { AccountStatus } from '../domain/account-state';
import type { AccountEventType, EventMetadata } from '../domain/events';
import type { Currency } from '../domain/money';
import type { TextColumn } from './text-column';

// The shape of every record the ledger's database stores, one interface per table (see LedgerDb).

/** One event inside a commit record; the stream id lives on the record. */
export interface StoredEvent {
  position: number;
  version: number;
  type: AccountEventType;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

/** Where a command's events are: [streamId, firstVersion, lastVersion] for each stream it wrote to. */
export type CommandRef = [string, number, number];

/**
 * A run of consecutive versions of one stream, keyed [streamId+version] by its first version, so two writers
 * of the same next version collide, across tabs too. An append writes one record per stream it touches; an
 * import groups many events per record, because IndexedDB's cost is per record, not per byte.
 */
export interface CommitRecord {
  streamId: string;
  version: number;
  lastVersion: number;
  /** Position of the first event; every event in the record is at or after it. */
  position: number;
  /** Global position of each event, so the log can be merged in order without parsing an event. */
  positions: number[];
  /** Each event as the JSON text of its exported form (version i = version + i): an export writes it out unchanged. */
  events: string[];
  /** On the first record an append writes for a command: its id (uniquely indexed) ... */
  commandId?: string;
  /** ... and where all of that command's events are. Imported records carry neither (see CommandBucket). */
  commandRefs?: CommandRef[];
}

/**
 * The commands of an imported log, hashed into COMMAND_BUCKETS buckets and stored a group of neighbouring
 * buckets to a record: an index entry per imported command would cost an import several times its writing.
 * Columns, one row per (command, stream).
 */
export interface CommandBucket {
  /** The group's first bucket. */
  bucket: number;
  /** Buckets the record holds, from `bucket` on. */
  span: number;
  ids: TextColumn;
  streams: TextColumn;
  /** Versions as text too: a lookup reads the whole group, and strings are far cheaper to read than numbers one by one. */
  firstVersions: TextColumn;
  lastVersions: TextColumn;
}

/** The log's head: one record, rewritten by every append. */
export interface LogMeta {
  key: 'log';
  /** Last global position written; the log is 1..position with no gaps. */
  position: number;
  /** Time of the last event; new events never get an earlier one, so time and position sort alike. */
  lastAt: string;
  /** The mark the last import left: the page tells by it whether an import it stopped had committed. */
  importMark?: string;
  /** When the log was last exported, and how far it reached then: the app reminds the person to keep a copy. */
  exported?: { at: string; position: number };
  /**
   * How far the read models have folded the log and with which projection code, and the last position the
   * fold segments hold (absent: never built; behind the log or of other code: the next open rebuilds them).
   */
  projections?: { position: number; version: number; segmentsThrough: number };
  /** Sync with a server; absent while sync is off. */
  sync?: SyncMeta;
}

/**
 * Where this copy of the ledger stands with its server. The log up to `syncedPosition` is the server's log;
 * every event after it is a command of this device the server has not confirmed yet (so the pending commands
 * are read from the log itself, never kept twice).
 */
export interface SyncMeta {
  /** This turning-on of sync: a round that began under another one (sync turned off and on meanwhile) stops. */
  id: string;
  /** The server's address, e.g. https://ledger.example.org. */
  server: string;
  token: string;
  syncedPosition: number;
  /** The id of the event at `syncedPosition`: a server whose log has another there was reset or replaced. */
  syncedEventId?: string;
  /** When a sync last reached the server's head. */
  syncedAt?: string;
  /** Commands of this device the server refused, for the person to see until they dismiss them. */
  refused: RefusedCommand[];
  /** Why the last round stopped, when it did (every tab shows it; the next round that gets through clears it). */
  problem?: { offline: boolean; message: string; at: string };
}

/** A command the server refused when it came to decide it (another device acted first, say). */
export interface RefusedCommand {
  commandId: string;
  /** The command as it was pushed (LedgerCommand's shape). */
  command: { type: string; data: Record<string, unknown> };
  /** When this device ran it. */
  at: string;
  code: string;
  message: string;
  /** The amounts the message names (MoneyMention's shape), for the screen to format. */
  amounts?: { text: string; amount: string; currency: string }[];
}

/** One snapshot of a stream's state, versioned; a stale or damaged one is skipped, never trusted. */
export interface SnapshotEntry {
  version: number;
  schemaVersion: number;
  position: number;
  at: string;
  state: unknown;
}

/** A snapshot, or (from an import) a pack of a stream's snapshots, keyed by its first one's version. */
export interface SnapshotRecord extends SnapshotEntry {
  streamId: string;
  /** Later snapshots of the same stream, oldest first. */
  later?: SnapshotEntry[];
}

/** Read model: one row per account, what the account list shows. */
export interface AccountRow {
  accountId: string;
  ownerName: string;
  currency: Currency;
  status: AccountStatus;
  /** Decimal string with the currency's minor digits. */
  balance: string;
  openedAt: string;
  openedPosition: number;
  lastActivityAt: string;
  /** Money movements (deposits, withdrawals, transfers in and out). */
  transactionCount: number;
  /** Stream version the row reflects. */
  version: number;
  closedReason?: string;
}

/**
 * Read model behind an account's transaction history: for every page of HISTORY_PAGE_SIZE movements, the
 * version of its first movement and the balance just before it, so a page of rows is one short read of the
 * stream. A full build (import, rebuild) packs an account's pages HISTORY_PACK to a record.
 */
export interface HistoryPage {
  accountId: string;
  page: number;
  firstVersion: number;
  openingBalance: string;
  /** Time of the page's first movement: the pages double as a balance-over-time series. */
  at: string;
  /** The account's next pages, when this record is a pack. */
  later?: PackedPage[];
}

/** [firstVersion, openingBalance, at] of a page inside a pack. */
export type PackedPage = [number, string, string];

/** [accountId, ownerName, currency, status, balance, version]: one account in a ledger checkpoint. */
export type CheckpointAccount = [string, string, Currency, AccountStatus, string, number];

/** Every account's state right after `position`, one every timelineEvery positions: where time travel starts. */
export interface LedgerCheckpoint {
  position: number;
  at: string;
  accounts: CheckpointAccount[];
}

/**
 * A run of the log in position order, reduced to what the read models and time travel take from each event:
 * row i is the event at position start + i. Commit records are grouped per stream, so this is how a rebuild
 * and time travel read the log by position. Columns, because IndexedDB copies one long string far faster
 * than many small objects.
 */
export interface FoldSegment {
  start: number;
  /** The format of these columns: a segment of another format is rebuilt, never read. */
  version: number;
  streamIds: TextColumn;
  versions: number[];
  /** One KIND letter per event. */
  kinds: string;
  ats: TextColumn;
  /** The account's balance right after each event. */
  balances: TextColumn;
  /** Rows that open an account: [row, ownerName, currency]. */
  opened: [number, string, Currency][];
  /** Rows that close an account: [row, reason]. */
  closed: [number, string][];
  /** Rows whose event belongs to the same commit as the event before it (a transfer's second half): no point in time falls between. */
  joined: number[];
}
