import Dexie from 'dexie';
import type { LedgerDb } from './db';

/**
 * One request of a direct read: a record by its key, or the records (or only
 * their keys) of a key range: all of them in key order, or with `last` the
 * last so many, newest first.
 */
export type DirectRead =
  | { table: string; key: IDBValidKey }
  | { table: string; from: IDBValidKey; to: IDBValidKey; toOpen?: boolean; last?: number; keysOnly?: boolean };

/**
 * Makes requests together and answers them together, in the order asked. Call
 * it again only straight after an answer, with no other wait between: the
 * transaction stays open while a request is answered and for the promise
 * callbacks that follow, and commits once nothing more is asked.
 */
export type DirectReader = (reads: readonly DirectRead[]) => Promise<unknown[]>;

/**
 * Reads on IndexedDB's own read-only transaction: each round's requests go
 * out at once, and a round that depends on the one before is asked for
 * inside the same transaction, so every answer is consistent with the others.
 * Unless `settle` is asked for, nothing waits for the transaction to complete
 * (Dexie resolves an explicit transaction only once it has). A read-write
 * transaction on the same tables starts only once this one has completed, so
 * a read made ahead of a command (readying an account) settles: the command
 * then does not wait for it. Dexie's per-request promises and zones are
 * skipped. Records come as a Dexie read gives them: the app adds no
 * middleware or hooks.
 *
 * Resolves null when the connection is not open, when this IndexedDB cannot
 * read a range's end in one request, or when the transaction aborts: the
 * caller then takes Dexie's path, which opens the connection or reports why
 * not. The plan may resolve null too, for the same.
 */
export async function readDirect<T>(
  db: LedgerDb,
  tables: readonly string[],
  plan: (read: DirectReader) => Promise<T>,
  { settle = false }: { settle?: boolean } = {},
): Promise<T | null> {
  const idb = db.isOpen() ? db.backendDB() : null;
  if (!idb) return null;
  let tx: IDBTransaction;
  try {
    tx = idb.transaction([...tables], 'readonly');
  } catch {
    // The connection is closing (a newer version is waiting, or the page is going away).
    return null;
  }
  // A range read backwards in one request needs getAll's options (IndexedDB 3); without them Dexie's path is as good.
  if (!('getAllRecords' in tx.objectStore(tables[0]!))) return null;
  const { IDBKeyRange } = Dexie.dependencies;
  // An abort (the connection closing under the read, say) ends every wait; the caller then takes Dexie's path.
  const closed = {};
  const aborted = new Promise<never>((_, reject) => {
    tx.onabort = () => reject(closed);
  });
  aborted.catch(() => undefined);
  const completed = settle && new Promise<void>((resolve) => {
    tx.oncomplete = () => resolve();
  });
  const read: DirectReader = (reads) => {
    const answered = new Promise<unknown[]>((resolve) => {
      const answers: unknown[] = new Array(reads.length);
      let count = 0;
      reads.forEach((one, i) => {
        const store = tx.objectStore(one.table);
        let request: IDBRequest;
        if ('key' in one) request = store.get(one.key);
        else {
          const query = IDBKeyRange!.bound(one.from, one.to, false, one.toOpen ?? false);
          // The options form of getAll and getAllKeys (IndexedDB 3), which the DOM types do not know yet.
          const options = (one.last === undefined ? { query } : { query, count: one.last, direction: 'prev' }) as unknown as IDBKeyRange;
          request = one.keysOnly ? store.getAllKeys(options) : store.getAll(options);
        }
        request.onsuccess = () => {
          answers[i] = request.result;
          if (++count === reads.length) resolve(answers);
        };
      });
      if (reads.length === 0) resolve(answers);
    });
    return Promise.race([answered, aborted]);
  };
  try {
    const result = await plan(read);
    if (completed) await Promise.race([completed, aborted]);
    return result;
  } catch (error) {
    if (error === closed) return null;
    throw error;
  }
}
