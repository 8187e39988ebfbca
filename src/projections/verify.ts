import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { JOURNAL, fullBuilder } from './projector';
import { journalRows, journalWindow, unpackPages, type JournalRows, type JournalWindow } from './rows';

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

/** A window cut after position `reach`: the journal only covers the log up to where it was built. */
function truncate(window: JournalWindow, reach: number): JournalRows {
  const whole = journalRows(window);
  const rows = Math.max(0, Math.min(whole.accountIds.length, reach - window.start + 1));
  return {
    start: window.start,
    accountIds: whole.accountIds.slice(0, rows),
    balances: whole.balances.slice(0, rows),
    ats: whole.ats.slice(0, rows),
    opened: window.opened.filter(([row]) => row < rows),
    closed: window.closed.filter((row) => row < rows),
  };
}

const byKey = <T>(rows: T[], key: (row: T) => string | number) => new Map(rows.map((r): [string, T] => [String(key(r)), r]));

/**
 * Proves the read models equal a fresh replay of the log. Reads everything in
 * one read-only transaction so a concurrent writer cannot make it lie.
 */
export async function verifyProjections(db: LedgerDb): Promise<ProjectionDifference[]> {
  const store = new EventStore(db);
  const { commits, meta, accounts, history, ledgerCheckpoints, journal, checkpoints } = db;
  return db.transaction('r', [commits, meta, accounts, history, ledgerCheckpoints, journal, checkpoints], async () => {
    const { position } = await store.meta();
    const [storedAccounts, storedPages, storedCheckpoints, storedJournal, journalMark] = await Promise.all([
      accounts.toArray(),
      history.toArray(),
      ledgerCheckpoints.toArray(),
      journal.toArray(),
      checkpoints.get(JOURNAL),
    ]);
    const fresh = fullBuilder(db, new Set(storedCheckpoints.map((c) => c.position)));
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
    const reach = journalMark?.position ?? 0;
    const freshJournal = built.journal.map((w) => truncate(w, reach)).filter((w) => w.accountIds.length > 0).map(journalWindow);
    compare(differences, 'journal', byKey(storedJournal, (w) => w.start), byKey(freshJournal, (w) => w.start));
    return differences;
  });
}
