import Dexie from 'dexie';
import type { AccountState } from '../domain/account';
import { SNAPSHOT_SCHEMA_VERSION, deserializeState, serializeState } from './snapshot-state';
import type { LedgerDb, SnapshotRecord } from './db';

export { DEFAULT_SNAPSHOT_EVERY, SNAPSHOT_SCHEMA_VERSION, deserializeState, serializeState } from './snapshot-state';

/** Whether an append from `fromVersion` to `toVersion` crosses (or lands on) a multiple of `every`. */
export function crossesSnapshotPoint(fromVersion: number, toVersion: number, every: number): boolean {
  return every > 0 && Math.floor(toVersion / every) > Math.floor(fromVersion / every);
}

export class SnapshotStore {
  constructor(private readonly db: LedgerDb) {}

  async save(streamId: string, version: number, position: number, at: string, state: AccountState): Promise<void> {
    const saved = serializeState(state);
    if (!saved) return;
    await this.db.snapshots.put({ streamId, version, position, at, schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: saved });
  }

  /**
   * The newest trustworthy snapshot at or before `maxVersion` (and, when given,
   * taken no later than `maxAt`). Damaged or outdated snapshots are skipped.
   */
  async latest(
    streamId: string,
    maxVersion = Number.MAX_SAFE_INTEGER,
    maxAt?: string,
  ): Promise<{ version: number; state: AccountState; at: string } | null> {
    const range = () =>
      this.db.snapshots.where('[streamId+version]').between([streamId, Dexie.minKey], [streamId, maxVersion], true, true);
    const usable = (record: SnapshotRecord | undefined) => {
      if (!record || (maxAt !== undefined && record.at > maxAt)) return null;
      const state = deserializeState(record, streamId);
      return state && { version: record.version, state, at: record.at };
    };
    // The newest one is almost always the answer; walk back only past a damaged, stale or too-late one.
    const newest = usable(await range().last());
    if (newest) return newest;
    let found: { version: number; state: AccountState; at: string } | null = null;
    await range()
      .reverse()
      .until(() => found !== null)
      .each((record) => {
        found ??= usable(record);
      });
    return found;
  }
}
