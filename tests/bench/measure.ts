/** Timing helpers for the benchmark page. Figures are medians; wall time is performance.now(). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/**
 * Watches the main thread while work runs: the longest gap between 10 ms
 * timer ticks says how long the page was unresponsive; the heap is sampled too.
 */
export function watchMainThread(): () => { longestStallMs: number; peakHeapMb: number | null; heapGrowthMb: number | null } {
  let last = performance.now();
  let longest = 0;
  const heap = () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
  const before = heap() ?? 0;
  let peak = before;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 10);
    last = now;
    peak = Math.max(peak, heap() ?? 0);
  }, 10);
  return () => {
    clearInterval(timer);
    const known = heap() !== undefined;
    return {
      longestStallMs: Math.max(0, longest),
      peakHeapMb: known ? peak / 2 ** 20 : null,
      heapGrowthMb: known ? (peak - before) / 2 ** 20 : null,
    };
  };
}

/** A request's result, or its error. */
const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** Deletes a database and waits for it to be gone. */
export async function deleteDatabase(name: string): Promise<void> {
  await request(indexedDB.deleteDatabase(name));
}

/** Opens a database with plain IndexedDB; `upgrade` creates its stores when `version` is new to it. */
function openDatabase(name: string, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const open = indexedDB.open(name, version);
  if (upgrade) open.onupgradeneeded = () => upgrade(open.result);
  return request(open);
}

/** Resolves once the transaction has committed; rejects with its error. */
function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * The ceiling: the same events put with plain IndexedDB in one transaction,
 * grouped `perRecord` to a record, no indexes, no validation. The database is
 * left for the caller to delete, outside what it measures.
 */
export async function rawCeiling(events: readonly unknown[], perRecord: number): Promise<{ ms: number; name: string }> {
  const name = `bench-raw-${Date.now()}`;
  const db = await openDatabase(name, 1, (created) => created.createObjectStore('chunks'));
  const start = performance.now();
  const tx = db.transaction('chunks', 'readwrite', { durability: 'default' });
  const store = tx.objectStore('chunks');
  for (let i = 0, key = 0; i < events.length; i += perRecord, key++) store.put(events.slice(i, i + perRecord), key);
  await completion(tx);
  const ms = performance.now() - start;
  db.close();
  return { ms, name };
}

/**
 * The ceiling for one command: plain IndexedDB, one transaction that reads a
 * stream's head, adds one event and puts the new balance (the same relaxed
 * durability the ledger uses). Latencies in ms, one per deposit.
 */
export async function rawDeposits(count: number, streams = 1000): Promise<number[]> {
  const name = `bench-raw-deposit-${Date.now()}`;
  const db = await openDatabase(name, 1, (created) => {
    created.createObjectStore('events', { keyPath: ['streamId', 'version'] });
    created.createObjectStore('heads', { keyPath: 'streamId' });
  });
  const deposit = (streamId: string) => {
    const tx = db.transaction(['events', 'heads'], 'readwrite', { durability: 'relaxed' });
    const heads = tx.objectStore('heads');
    const read = heads.get(streamId);
    read.onsuccess = () => {
      const head = (read.result as { version: number; balance: string } | undefined) ?? { version: 0, balance: '0' };
      const version = head.version + 1;
      const text = JSON.stringify({ streamId, version, type: 'MoneyDeposited', data: { amount: '1.00' }, at: new Date().toISOString() });
      tx.objectStore('events').add({ streamId, version, text });
      heads.put({ streamId, version, balance: String(version) });
    };
    return completion(tx);
  };
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await deposit(`acc-${Math.floor(Math.random() * streams)}`);
    latencies.push(performance.now() - start);
  }
  db.close();
  await deleteDatabase(name);
  return latencies;
}

/**
 * The floor for the ledger's own deposit: plain IndexedDB making the writes a
 * deposit makes (read the log's head; add a one-event commit record,
 * put the head, put the account's row; and, on the ledger's schedule, a
 * snapshot at every `snapshotEvery`-th version and a history page at every
 * `pageEvery`-th movement) with records of the same shape, on the ledger's own
 * database, its stores and indexes, with the same relaxed durability. What each
 * deposit needs is read before its timing starts (the ledger reads it inside its
 * transaction, so the difference is the cost of those reads and of Dexie). Its records are copies, not a valid ledger: once timed they are deleted,
 * and the head and rows it changed are put back.
 */
export async function rawLedgerDeposits(
  name: string,
  count: number,
  accounts: readonly string[],
  { snapshotEvery = 100, pageEvery = 100 } = {},
): Promise<number[]> {
  const db = await openDatabase(name);
  const latencies: number[] = [];
  const added: { commits: IDBValidKey[]; snapshots: IDBValidKey[]; history: IDBValidKey[] } = { commits: [], snapshots: [], history: [] };
  let firstMeta: unknown;
  const firstRows = new Map<string, unknown>();
  const last = (store: IDBObjectStore, accountId: string) =>
    request(store.openCursor(IDBKeyRange.bound([accountId, 0], [accountId, Infinity]), 'prev')).then((cursor) => cursor?.value);
  try {
    // A one-event record the ledger wrote for a deposit (the bench's own, ids "bench-…"): its event text is
    // what a deposit's record holds, so the copies below have a deposit's size.
    const probe = db.transaction('commits', 'readonly').objectStore('commits').index('commandId');
    const template = await request(probe.get(IDBKeyRange.bound('bench-', 'bench-\uffff')));
    if (!template) throw new Error('rawLedgerDeposits: no deposit of the ledger to copy; run the ledger\'s deposits first');
    for (let i = 0; i < count; i++) {
      const accountId = accounts[Math.floor(Math.random() * accounts.length)]!;
      const read = db.transaction(['meta', 'accounts', 'commits', 'snapshots'], 'readonly');
      const [meta, row, head, snapshot] = await Promise.all([
        request(read.objectStore('meta').get('log')),
        request(read.objectStore('accounts').get(accountId)),
        last(read.objectStore('commits'), accountId),
        last(read.objectStore('snapshots'), accountId),
      ]);
      firstMeta ??= meta;
      if (!firstRows.has(accountId)) firstRows.set(accountId, row);
      const version = (head.lastVersion as number) + 1;
      const position = (meta.position as number) + 1;
      const commandId = `raw-${Date.now()}-${i}`;
      const commit = { ...template, streamId: accountId, version, lastVersion: version, position, positions: [position], commandId, commandRefs: [[accountId, version, version]] };
      // The account's newest snapshot (an import's are packs: its newest entry) stands in for the new state.
      const state = snapshot && (snapshot.later?.at(-1) ?? snapshot).state;
      const snapshotDue = state !== undefined && version % snapshotEvery === 0;
      const movements = row.transactionCount as number;
      const pageDue = movements % pageEvery === 0;
      const scope = ['commits', 'meta', 'accounts', ...(snapshotDue ? ['snapshots'] : []), ...(pageDue ? ['history'] : [])];
      const start = performance.now();
      const tx = db.transaction(scope, 'readwrite', { durability: 'relaxed' });
      tx.objectStore('meta').get('log');
      tx.objectStore('commits').add(commit);
      tx.objectStore('accounts').put({ ...row, version, transactionCount: movements + 1 });
      if (pageDue) tx.objectStore('history').add({ accountId, page: movements / pageEvery, firstVersion: version, openingBalance: row.balance, at: row.lastActivityAt });
      if (snapshotDue) tx.objectStore('snapshots').add({ streamId: accountId, version, position, at: row.lastActivityAt, schemaVersion: snapshot.schemaVersion, state });
      tx.objectStore('meta').put({ ...meta, position });
      await completion(tx);
      latencies.push(performance.now() - start);
      added.commits.push([accountId, version]);
      if (snapshotDue) added.snapshots.push([accountId, version]);
      if (pageDue) added.history.push([accountId, movements / pageEvery]);
    }
  } finally {
    if (firstMeta) {
      const undo = db.transaction(['commits', 'meta', 'accounts', 'snapshots', 'history'], 'readwrite');
      for (const [store, keys] of Object.entries(added)) for (const key of keys) undo.objectStore(store).delete(key);
      for (const row of firstRows.values()) undo.objectStore('accounts').put(row);
      undo.objectStore('meta').put(firstMeta);
      await completion(undo);
    }
    db.close();
  }
  return latencies;
}
