import type { LedgerDb } from './db';

/** Where a command's events are: [streamId, firstVersion, lastVersion] for each stream it wrote to. */
export type CommandRef = [string, number, number];

/** One row per command appended in this ledger. */
export interface CommandRecord {
  commandId: string;
  refs: CommandRef[];
}

/**
 * The commands of an imported log, hashed into a fixed number of buckets:
 * an import of a million events writes a thousand records instead of a
 * million, and a lookup still reads one record.
 */
export interface CommandBucket {
  bucket: number;
  ids: string[];
  refs: CommandRef[];
}

export const COMMAND_BUCKETS = 1024;

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
  private readonly buckets = new Map<number, CommandBucket>();
  private last: { id: string; ref: CommandRef } | null = null;

  add(commandId: string, streamId: string, version: number): void {
    // A command's events in one stream are consecutive: extend the last ref instead of adding one.
    if (this.last && this.last.id === commandId && this.last.ref[0] === streamId && this.last.ref[2] === version - 1) {
      this.last.ref[2] = version;
      return;
    }
    const n = bucketOf(commandId);
    let bucket = this.buckets.get(n);
    if (!bucket) this.buckets.set(n, (bucket = { bucket: n, ids: [], refs: [] }));
    const ref: CommandRef = [streamId, version, version];
    bucket.ids.push(commandId);
    bucket.refs.push(ref);
    this.last = { id: commandId, ref };
  }

  records(): CommandBucket[] {
    return [...this.buckets.values()];
  }
}

/** Where an earlier command's events are, or null when the id is new to this ledger. */
export async function findCommand(db: LedgerDb, commandId: string): Promise<CommandRef[] | null> {
  const [appended, bucket] = await Promise.all([db.commands.get(commandId), db.commandBuckets.get(bucketOf(commandId))]);
  if (appended) return appended.refs;
  if (!bucket) return null;
  const refs = bucket.refs.filter((_, i) => bucket.ids[i] === commandId);
  return refs.length ? refs : null;
}
