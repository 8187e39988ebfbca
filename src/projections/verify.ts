import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { ProjectionBuilder } from './fold';
import type { AccountRow, HistoryPage } from './rows';

export interface ProjectionDifference {
  projection: 'accounts' | 'history';
  key: string;
  stored: unknown;
  replayed: unknown;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Proves the read models equal a fresh replay of the log. Reads everything in
 * one read-only transaction so a concurrent writer cannot make it lie.
 */
export async function verifyProjections(db: LedgerDb): Promise<ProjectionDifference[]> {
  const store = new EventStore(db);
  return db.transaction('r', [db.commits, db.meta, db.accounts, db.history], async () => {
    const meta = await store.meta();
    const replayed = new ProjectionBuilder();
    for (const event of await store.readAll(1, meta.position)) replayed.apply(event);
    const differences: ProjectionDifference[] = [];
    const compare = <T>(projection: ProjectionDifference['projection'], stored: Map<string, T>, fresh: Map<string, T>) => {
      for (const key of new Set([...stored.keys(), ...fresh.keys()])) {
        const a = stored.get(key);
        const b = fresh.get(key);
        if (!same(a, b)) differences.push({ projection, key, stored: a, replayed: b });
      }
    };
    const storedAccounts = new Map((await db.accounts.toArray()).map((r): [string, AccountRow] => [r.accountId, r]));
    compare('accounts', storedAccounts, replayed.accounts);
    const pageKey = (p: HistoryPage) => `${p.accountId}#${p.page}`;
    const storedPages = new Map((await db.history.toArray()).map((p): [string, HistoryPage] => [pageKey(p), p]));
    const freshPages = new Map(replayed.allPages().map((p): [string, HistoryPage] => [pageKey(p), p]));
    compare('history', storedPages, freshPages);
    return differences;
  });
}
