import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { segmentRows } from '../store/fold-segments';
import type { FoldSegment } from '../store/records';
import { fullBuilder } from './projector';
import { unpackPages } from './rows';

export interface ProjectionDifference {
  projection: 'accounts' | 'history' | 'timeline' | 'folds';
  key: string;
  stored: unknown;
  replayed: unknown;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function compare<T>(
  differences: ProjectionDifference[],
  projection: ProjectionDifference['projection'],
  stored: Map<string, T>,
  fresh: Map<string, T>,
  keys: Iterable<string> = new Set([...stored.keys(), ...fresh.keys()]),
): void {
  for (const key of keys) {
    const a = stored.get(key);
    const b = fresh.get(key);
    if (!same(a, b)) differences.push({ projection, key, stored: a, replayed: b });
  }
}

/** Each position's row of fold segments, up to `to`: the event's stream, version, kind, time, balance after, what opened or closed it, and whether it continues a commit. */
function rowsByPosition(segments: FoldSegment[], to: number): Map<string, unknown> {
  const rows = new Map<string, unknown>();
  for (const segment of segments) {
    const { streamIds, ats, balances } = segmentRows(segment);
    const opened = new Map(segment.opened.map(([row, ...account]) => [row, account]));
    const closed = new Map(segment.closed);
    const joined = new Set(segment.joined);
    streamIds.forEach((streamId, row) => {
      const position = segment.start + row;
      if (position > to) return;
      const kind = segment.kinds[row];
      rows.set(String(position), [streamId, segment.versions[row], kind, ats[row], balances[row], opened.get(row) ?? null, closed.get(row) ?? null, joined.has(row)]);
    });
  }
  return rows;
}

const byKey = <T>(rows: T[], key: (row: T) => string | number) => new Map(rows.map((r): [string, T] => [String(key(r)), r]));

/**
 * Proves the read models equal a fresh replay of the log's events. Reads everything in one read-only
 * transaction so a concurrent writer cannot make it lie.
 */
export async function verifyProjections(db: LedgerDb): Promise<ProjectionDifference[]> {
  const store = new EventStore(db);
  const { commits, meta, accounts, history, ledgerCheckpoints, folds } = db;
  return db.transaction('r', [commits, meta, accounts, history, ledgerCheckpoints, folds], async () => {
    const { position, projections } = await store.meta();
    const segmentsThrough = projections?.segmentsThrough ?? 0;
    const [storedAccounts, storedPages, storedCheckpoints, storedSegments] = await Promise.all([
      accounts.toArray(),
      history.toArray(),
      ledgerCheckpoints.toArray(),
      folds.toArray(),
    ]);
    const fresh = fullBuilder(db, { checkpointPositions: new Set(storedCheckpoints.map((c) => c.position)), segments: true });
    for (const event of await store.readAll(1, position)) fresh.apply(event);
    const built = fresh.drain(true);
    const differences: ProjectionDifference[] = [];
    compare(differences, 'accounts', byKey(storedAccounts, (r) => r.accountId), byKey(fresh.rows(), (r) => r.accountId));
    const pageKey = (p: { accountId: string; page: number }) => `${p.accountId}#${p.page}`;
    // Compared page by page: a full build packs pages that commands write one at a time.
    compare(differences, 'history', byKey(unpackPages(storedPages), pageKey), byKey(unpackPages(built.pages), pageKey));
    // Only the checkpoints that are stored must match; the replay may offer more positions.
    const storedByPosition = byKey(storedCheckpoints, (c) => c.position);
    compare(differences, 'timeline', storedByPosition, byKey(built.checkpoints, (c) => c.position), storedByPosition.keys());
    // Time travel and rebuilds read the segments up to `segmentsThrough`: each of those positions must match the replay.
    compare(differences, 'folds', rowsByPosition(storedSegments, segmentsThrough), rowsByPosition(built.segments, segmentsThrough));
    return differences;
  });
}
