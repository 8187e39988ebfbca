import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { FOLDS, JOURNAL, fullBuilder } from './projector';
import { journalRows, segmentJournal, unpackPages, type JournalRows } from './rows';

export interface ProjectionDifference {
  projection: 'accounts' | 'history' | 'timeline' | 'journal';
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

/**
 * Each position's row of journal windows or fold segments, from `from` to `to`: the account, its balance
 * after the event, the time, and what opened or closed it.
 */
function rowsByPosition(windows: JournalRows[], from: number, to: number, into = new Map<string, unknown>()): Map<string, unknown> {
  for (const window of windows) {
    const opened = new Map(window.opened.map(([row, ownerName, currency]) => [row, [ownerName, currency]]));
    const closed = new Set(window.closed);
    window.accountIds.forEach((accountId, row) => {
      const position = window.start + row;
      if (position < from || position > to) return;
      into.set(String(position), [accountId, window.balances[row], window.ats[row], opened.get(row) ?? null, closed.has(row)]);
    });
  }
  return into;
}

const byKey = <T>(rows: T[], key: (row: T) => string | number) => new Map(rows.map((r): [string, T] => [String(key(r)), r]));

/**
 * Proves the read models equal a fresh replay of the log. Reads everything in
 * one read-only transaction so a concurrent writer cannot make it lie.
 */
export async function verifyProjections(db: LedgerDb): Promise<ProjectionDifference[]> {
  const store = new EventStore(db);
  const { commits, meta, accounts, history, ledgerCheckpoints, journal, checkpoints, folds } = db;
  return db.transaction('r', [commits, meta, accounts, history, ledgerCheckpoints, journal, checkpoints, folds], async () => {
    const { position } = await store.meta();
    const [storedAccounts, storedPages, storedCheckpoints, storedJournal, journalMark, foldsMark] = await Promise.all([
      accounts.toArray(),
      history.toArray(),
      ledgerCheckpoints.toArray(),
      journal.toArray(),
      checkpoints.get(JOURNAL),
      checkpoints.get(FOLDS),
    ]);
    const reach = journalMark?.position ?? 0;
    const folded = Math.min(foldsMark?.position ?? 0, reach);
    // Time travel reads the fold segments up to `folded`, then the journal: both must match the replay.
    const segments = folded > 0 ? await folds.where('start').belowOrEqual(folded).toArray() : [];
    const fresh = fullBuilder(db, { checkpointPositions: new Set(storedCheckpoints.map((c) => c.position)) });
    for (const event of await store.readAll(1, position)) fresh.apply(event);
    const built = fresh.drain(true);
    const differences: ProjectionDifference[] = [];
    compare(differences, 'accounts', byKey(storedAccounts, (r) => r.accountId), byKey(fresh.rows(), (r) => r.accountId));
    const pageKey = (p: { accountId: string; page: number }) => `${p.accountId}#${p.page}`;
    // Compared page by page: an import packs pages that commands would have written one at a time.
    compare(differences, 'history', byKey(unpackPages(storedPages), pageKey), byKey(unpackPages(built.pages), pageKey));
    // Only the checkpoints that are stored must match; the replay may offer more positions.
    const storedByPosition = byKey(storedCheckpoints, (c) => c.position);
    compare(differences, 'timeline', storedByPosition, byKey(built.checkpoints, (c) => c.position), storedByPosition.keys());
    const stored = rowsByPosition(segments.map(segmentJournal), 1, folded);
    rowsByPosition(storedJournal.map(journalRows), folded + 1, reach, stored);
    compare(differences, 'journal', stored, rowsByPosition(built.journal.map(journalRows), 1, reach));
    return differences;
  });
}
