import Dexie from 'dexie';
import type { AccountState } from '../domain/account';
import { Money, isCurrency } from '../domain/money';
import type { LedgerDb, SnapshotRecord } from './db';

/** Raise when the shape of a saved state changes: older snapshots are then ignored and rebuilt. */
export const SNAPSHOT_SCHEMA_VERSION = 1;
export const DEFAULT_SNAPSHOT_EVERY = 100;

interface SavedState {
  status: 'open' | 'closed';
  accountId: string;
  ownerName: string;
  currency: string;
  balance: string;
}

export function serializeState(state: AccountState): SavedState | null {
  if (state.status === 'none') return null;
  return {
    status: state.status,
    accountId: state.accountId,
    ownerName: state.ownerName,
    currency: state.currency,
    balance: state.balance.toFixed(),
  };
}

/** Returns the state a snapshot holds, or null when it is stale or damaged and must not be trusted. */
export function deserializeState(record: SnapshotRecord, streamId: string): AccountState | null {
  if (record.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) return null;
  const saved = record.state as Partial<SavedState> | null;
  if (
    !saved ||
    (saved.status !== 'open' && saved.status !== 'closed') ||
    saved.accountId !== streamId ||
    typeof saved.ownerName !== 'string' ||
    !isCurrency(saved.currency) ||
    typeof saved.balance !== 'string' ||
    !/^-?\d+(\.\d+)?$/.test(saved.balance)
  ) {
    return null;
  }
  return {
    status: saved.status,
    accountId: saved.accountId,
    ownerName: saved.ownerName,
    currency: saved.currency,
    balance: new Money(saved.balance),
  };
}

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
