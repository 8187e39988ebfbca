import type { Table } from 'dexie';
import type { CommandBucket, CommandRef, CommitRecord } from './records';

/** The tables a lookup reads (the database's, or bound to a transaction). */
interface CommandTables {
  commits: Table<CommitRecord, [string, number]>;
  commandBuckets: Table<CommandBucket, number>;
}
import { fromColumn, rowsHolding, toColumn } from './text-column';

/** A bucket as it is filled, its columns still arrays. */
interface OpenBucket {
  bucket: number;
  ids: string[];
  streams: string[];
  firstVersions: number[];
  lastVersions: number[];
}

export const COMMAND_BUCKETS = 1024;
/**
 * Rows a stored group holds at least, where the import has enough: enough that Chromium compresses the
 * record (over 64 KiB, far cheaper in a large transaction: docs/architecture.md), few enough that the one
 * group a command's lookup reads stays small.
 */
const GROUP_ROWS = 1024;

/** Buckets per stored group for an import of `rows` rows: a power of two, so groups tile the buckets. */
export function groupSpan(rows: number): number {
  let groups = 1;
  while (groups < COMMAND_BUCKETS && groups * 2 * GROUP_ROWS <= rows) groups *= 2;
  return COMMAND_BUCKETS / groups;
}

/** FNV-1a: a fast, well-spread string hash; only the bucket number depends on it. */
export function bucketOf(commandId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < commandId.length; i++) {
    hash ^= commandId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % COMMAND_BUCKETS;
}

/** Gathers the commands of a log as it is imported. */
export class CommandBuckets {
  private readonly buckets = new Map<number, OpenBucket>();
  private last: { id: string; streamId: string; bucket: OpenBucket; row: number } | null = null;

  add(commandId: string, streamId: string, version: number): void {
    const last = this.last;
    // A command's events in one stream are consecutive: extend the last row instead of adding one.
    if (last && last.id === commandId && last.streamId === streamId && last.bucket.lastVersions[last.row] === version - 1) {
      last.bucket.lastVersions[last.row] = version;
      return;
    }
    const n = bucketOf(commandId);
    let bucket = this.buckets.get(n);
    if (!bucket) this.buckets.set(n, (bucket = { bucket: n, ids: [], streams: [], firstVersions: [], lastVersions: [] }));
    bucket.ids.push(commandId);
    bucket.streams.push(streamId);
    bucket.firstVersions.push(version);
    bucket.lastVersions.push(version);
    this.last = { id: commandId, streamId, bucket, row: bucket.ids.length - 1 };
  }

  /** Rows gathered: one per command and stream. */
  get size(): number {
    let rows = 0;
    for (const bucket of this.buckets.values()) rows += bucket.ids.length;
    return rows;
  }

  /**
   * The buckets as they are stored, in groups of `groupSpan(size)` buckets,
   * `size` groups at a time (an import's million ids written at once would
   * hold the page up).
   */
  *batches(size: number): Generator<CommandBucket[]> {
    const span = groupSpan(this.size);
    const groups: OpenBucket[][] = [];
    for (const bucket of [...this.buckets.values()].sort((a, b) => a.bucket - b.bucket)) {
      const group = groups[groups.length - 1];
      if (group && Math.floor(group[0]!.bucket / span) === Math.floor(bucket.bucket / span)) group.push(bucket);
      else groups.push([bucket]);
    }
    for (let i = 0; i < groups.length; i += size) {
      yield groups.slice(i, i + size).map((group) => {
        const ids = group.flatMap((bucket) => bucket.ids);
        return {
          bucket: group[0]!.bucket - (group[0]!.bucket % span),
          span,
          ids: toColumn(ids),
          streams: toColumn(group.flatMap((bucket) => bucket.streams)),
          firstVersions: toColumn(group.flatMap((bucket) => bucket.firstVersions).map(String)),
          lastVersions: toColumn(group.flatMap((bucket) => bucket.lastVersions).map(String)),
        };
      });
    }
  }
}

/** Where an earlier command's events are, or null when the id is new to this ledger. */
export async function findCommand(db: CommandTables, commandId: string): Promise<CommandRef[] | null> {
  const [appended, imported] = await Promise.all([db.commits.get({ commandId }), findImportedCommand(db, commandId)]);
  return appended?.commandRefs ?? imported;
}

/** Where an imported command's events are, from the group that holds its hash bucket; null when no import carried it. */
async function findImportedCommand(db: CommandTables, commandId: string): Promise<CommandRef[] | null> {
  const n = bucketOf(commandId);
  // The group holding bucket n is the last one starting at or before it, if it reaches that far.
  const bucket = await db.commandBuckets.where('bucket').belowOrEqual(n).last();
  if (!bucket || n >= bucket.bucket + bucket.span) return null;
  // Nearly every id looked up is new: searching the column as one string spares splitting it into thousands.
  const rows = rowsHolding(bucket.ids, commandId);
  if (rows.length === 0) return null;
  const [streams, firsts, lasts] = [bucket.streams, bucket.firstVersions, bucket.lastVersions].map(fromColumn) as [string[], string[], string[]];
  return rows.map((i): CommandRef => [streams[i]!, Number(firsts[i]), Number(lasts[i])]);
}
