import Dexie from 'dexie';
import type { AccountState } from '../domain/account';
import { SNAPSHOT_SCHEMA_VERSION, deserializeState, serializeState } from './snapshot-state';
import type { LedgerDb, SnapshotEntry, SnapshotRecord } from './db';

export { DEFAULT_SNAPSHOT_EVERY, SNAPSHOT_SCHEMA_VERSION, deserializeState, serializeState } from './snapshot-state';

/** Whether an append from `fromVersion` to `toVersion` crosses (or lands on) a multiple of `every`. */
export function crossesSnapshotPoint(fromVersion: number, toVersion: number, every: number): boolean {
  return every > 0 && Math.floor(toVersion / every) > Math.floor(fromVersion / every);
}

/** The record of one snapshot; null for a state with nothing to keep (an account never opened). */
export function snapshotRecord(streamId: string, version: number, position: number, at: string, state: AccountState): SnapshotRecord | null {
  const saved = serializeState(state);
  return saved ? { streamId, version, position, at, schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: saved } : null;
}

/** A snapshot to load from. */
export interface UsableSnapshot {
  version: number;
  state: AccountState;
  at: string;
}

/**
 * The newest snapshot of a record at or before `maxVersion` (and, when given, taken no later than `maxAt`)
 * that this app can trust; null when there is none. A pack's key is its first snapshot's version, so the
 * record starting at or before maxVersion may hold later ones.
 */
export function usableSnapshot(record: SnapshotRecord | undefined, streamId: string, maxVersion: number, maxAt?: string): UsableSnapshot | null {
  if (!record) return null;
  for (const entry of entriesNewestFirst(record)) {
    if (entry.version > maxVersion || (maxAt !== undefined && entry.at > maxAt)) continue;
    const state = deserializeState({ streamId, ...entry }, streamId);
    if (state) return { version: entry.version, state, at: entry.at };
  }
  return null;
}

export class SnapshotStore {
  constructor(private readonly db: LedgerDb) {}

  async save(streamId: string, version: number, position: number, at: string, state: AccountState): Promise<void> {
    const record = snapshotRecord(streamId, version, position, at, state);
    if (record) await this.db.snapshots.put(record);
  }

  /**
   * The newest trustworthy snapshot at or before `maxVersion` (and, when given,
   * taken no later than `maxAt`). Damaged or outdated snapshots are skipped.
   */
  async latest(
    streamId: string,
    maxVersion = Number.MAX_SAFE_INTEGER,
    maxAt?: string,
  ): Promise<UsableSnapshot | null> {
    const range = () =>
      this.db.snapshots.where('[streamId+version]').between([streamId, Dexie.minKey], [streamId, maxVersion], true, true);
    const usable = (record: SnapshotRecord | undefined) => usableSnapshot(record, streamId, maxVersion, maxAt);
    // The newest one is almost always the answer; walk back only past a damaged, stale or too-late one.
    const newest = usable(await range().last());
    if (newest) return newest;
    let found: UsableSnapshot | null = null;
    await range()
      .reverse()
      .until(() => found !== null)
      .each((record) => {
        found ??= usable(record);
      });
    return found;
  }
}

function entriesNewestFirst({ later, ...first }: SnapshotRecord): SnapshotEntry[] {
  // A damaged pack is skipped like a damaged snapshot: whatever `later` holds that is not a list counts for nothing.
  return [first, ...(Array.isArray(later) ? later : [])].reverse();
}

/** Snapshots a pack holds at most: a load reads one pack, and 32 states are a few KB. */
export const SNAPSHOT_PACK = 32;

/** Gathers an import's snapshots into packs of up to SNAPSHOT_PACK per stream, in version order. */
export class SnapshotPacks {
  private readonly open = new Map<string, SnapshotRecord & { later: SnapshotEntry[] }>();
  private full: SnapshotRecord[] = [];

  add({ streamId, later: _, ...entry }: SnapshotRecord): void {
    const pack = this.open.get(streamId);
    if (!pack) this.open.set(streamId, { streamId, ...entry, later: [] });
    else if (pack.later.push(entry) + 1 === SNAPSHOT_PACK) {
      this.full.push(pack);
      this.open.delete(streamId);
    }
  }

  /** The packs that can no longer grow; with `all`, every pack. */
  take(all: boolean): SnapshotRecord[] {
    const taken = this.full;
    this.full = [];
    if (all) {
      taken.push(...this.open.values());
      this.open.clear();
    }
    return taken;
  }
}
