import type { AccountState } from '../domain/account';
import { Money, isCurrency } from '../domain/money';
import type { SnapshotRecord } from './db';

// The state a snapshot holds, apart from the store that keeps it: import's checker takes snapshots in a Worker.

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
