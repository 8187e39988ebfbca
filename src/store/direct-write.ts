import Dexie, { RangeSet, type IndexableType, type ObservabilitySet } from 'dexie';
import type { LedgerDb, LogMeta } from './db';

/** The log's head did not name the write the caller expected, or a key was taken: nothing was written. */
export class LogMoved extends Error {
  constructor() {
    super('The log moved since this tab last wrote.');
    this.name = 'LogMoved';
  }
}

/** A table's records to add (refusing a key that exists) or put. */
export interface DirectWrite {
  table: string;
  values: readonly object[];
  add?: boolean;
}

/**
 * One command's writes on IndexedDB's own transaction, without Dexie's
 * per-request machinery (its promises, zones and middleware cost about as
 * much main-thread time as IndexedDB itself for a write this small). The
 * log's head is read first, and the writes follow in the same round; requests
 * are answered in order, so the read sees the log as it was before them. If
 * the head does not name `lastWrite`, or an add meets an existing key, the
 * transaction aborts with nothing written and this rejects with LogMoved.
 * Other failures (the quota, a closed connection) reject with IndexedDB's own
 * error. Once it commits, Dexie's live queries here and in other tabs are told
 * which keys changed, as for any Dexie transaction (just after this resolves).
 *
 * Resolves false, writing nothing, when the connection is not open: the
 * caller takes Dexie's path, which opens it or reports why not.
 */
export function writeDirect(db: LedgerDb, lastWrite: string, writes: readonly DirectWrite[], meta: LogMeta): Promise<boolean> {
  const idb = db.isOpen() ? db.backendDB() : null;
  if (!idb) return Promise.resolve(false);
  const names = [...new Set(['meta', ...writes.map((w) => w.table)])];
  let tx: IDBTransaction;
  try {
    tx = idb.transaction(names, 'readwrite', { durability: 'relaxed' });
  } catch {
    // The connection is closing (a newer version is waiting, or the page is going away).
    return Promise.resolve(false);
  }
  return new Promise<boolean>((resolve, reject) => {
    let moved = false;
    const head = tx.objectStore('meta').get('log');
    head.onsuccess = () => {
      if ((head.result as LogMeta | undefined)?.lastWrite === lastWrite) return;
      moved = true;
      tx.abort();
    };
    try {
      for (const { table, values, add } of writes) {
        const store = tx.objectStore(table);
        for (const value of values) {
          const request = add ? store.add(value) : store.put(value);
          request.onerror = () => {
            if (request.error?.name === 'ConstraintError') moved = true;
          };
        }
      }
      tx.objectStore('meta').put(meta);
    } catch (error) {
      // A request refused as it was made (a value that cannot be stored): the ones before it must not commit.
      tx.onabort = () => reject(error);
      tx.abort();
      return;
    }
    tx.oncomplete = () => {
      resolve(true);
      // In a task of its own: the caller's answer comes first, and telling the live queries (here, and other tabs
      // over a BroadcastChannel; ~0.3 ms) overlaps whatever the caller asks of IndexedDB next.
      setTimeout(() => Dexie.on.storagemutated.fire(mutatedParts(db, [...writes, { table: 'meta', values: [meta] }])), 0);
    };
    tx.onabort = () => reject(moved ? new LogMoved() : (tx.error ?? new DOMException('The transaction was aborted.', 'AbortError')));
  });
}

/**
 * What a write changed, in the form Dexie's live queries compare with what
 * they read: per table, the primary keys written (also under ':dels', which
 * key-only reads watch) and each index's key of every record written. The
 * records are new or replace one with the same index keys (an account's row
 * keeps its openedPosition), so old index keys need no mention.
 */
function mutatedParts(db: LedgerDb, writes: readonly DirectWrite[]): ObservabilitySet {
  const parts = new Map<string, RangeSet>();
  const part = (table: string, index: string) => {
    const name = `idb://${db.name}/${table}/${index}`;
    const set = parts.get(name) ?? new RangeSet();
    parts.set(name, set);
    return set;
  };
  for (const { table, values } of writes) {
    const { primKey, indexes } = db.table(table).schema;
    for (const value of values) {
      const key = keyOf(value, primKey.keyPath);
      part(table, '').addKey(key);
      part(table, ':dels').addKey(key);
      for (const index of indexes) {
        const indexed = keyOf(value, index.keyPath);
        if (indexed !== undefined) part(table, index.name).addKey(indexed);
      }
    }
  }
  return Object.fromEntries(parts) as ObservabilitySet;
}

function keyOf(value: object, keyPath: string | string[] | undefined): IndexableType {
  const record = value as Record<string, IndexableType>;
  return (Array.isArray(keyPath) ? keyPath.map((path) => record[path]!) : record[keyPath!]!) as IndexableType;
}
