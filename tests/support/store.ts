import Dexie from 'dexie';
import { afterEach } from 'vitest';
import { replay, type AccountState } from '../../src/domain/account';
import { Ledger, type LedgerOptions } from '../../src/app/ledger';
import { LedgerDb } from '../../src/store/db';
import { close, deposit, freshName, open, steppingClock, transfer, withdraw } from './ledger';

// On localhost Dexie's debug mode console.traces every failed operation; these tests fail many on purpose.
Dexie.debug = false;

/**
 * Opens ledgers for one test file and closes and deletes every database they
 * touched after each test, second connections included: a connection left open
 * would block the delete in Chromium.
 */
export function useLedgers() {
  const opened: Ledger[] = [];
  const rawDbs: LedgerDb[] = [];
  const names = new Set<string>();
  afterEach(async () => {
    for (const ledger of opened.splice(0)) ledger.close();
    for (const db of rawDbs.splice(0)) db.close();
    // A closed connection still finishing a transaction would report the delete as blocked.
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const name of names) await Dexie.delete(name);
    names.clear();
  });
  return {
    async open(options: LedgerOptions & { name?: string } = {}): Promise<Ledger> {
      const { name = freshName(), ...rest } = options;
      names.add(name);
      const ledger = await Ledger.open(name, { clock: steppingClock(), ...rest });
      opened.push(ledger);
      return ledger;
    },
    /** Another connection to the same database, as a second tab would have. */
    connect(ledger: Ledger, options: LedgerOptions = {}): Promise<Ledger> {
      return this.open({ name: ledger.db.name, snapshotEvery: ledger.snapshotEvery, ...options });
    },
    /** A raw database handle for writing records the ledger itself would never write. */
    raw(name: string): LedgerDb {
      names.add(name);
      const db = new LedgerDb(name);
      rawDbs.push(db);
      return db;
    },
  };
}

/** Every row of every table, read in one transaction, for "nothing changed" checks. */
export async function dumpDb(db: LedgerDb): Promise<Record<string, unknown[]>> {
  return db.transaction('r', db.tables, async () => {
    const rows = await Promise.all(db.tables.map((table) => table.toArray()));
    return Object.fromEntries(db.tables.map((table, i) => [table.name, rows[i]!]));
  });
}

/** An account state in plain, comparable form: Decimal internals differ between equal amounts. */
export function stateView(state: AccountState) {
  return state.status === 'none' ? state : { ...state, balance: state.balance.toFixed() };
}

/** The state of a stream after its first `count` events, folded from the raw stream without snapshots. */
export async function replayPrefix(ledger: Ledger, accountId: string, count: number) {
  const events = await ledger.store.readStream(accountId);
  return stateView(replay(events.slice(0, count)));
}

/**
 * A history touching every event type and both currencies: three accounts,
 * deposits, withdrawals, transfers both ways, one account emptied and closed.
 */
export async function runMixedHistory(ledger: Ledger): Promise<void> {
  for (const command of [
    open('alice', 'Alice', 'EUR', '100'),
    open('bob', 'Bob', 'EUR'),
    open('carol', 'Carol', 'USD', '50.25'),
    deposit('bob', '20', 'salary'),
    transfer('alice', 'bob', '30.50'),
    withdraw('carol', '50.25'),
    close('carol', 'moved abroad'),
    transfer('bob', 'alice', '0.50'),
    withdraw('alice', '12.34'),
    deposit('alice', '0.01'),
  ]) {
    await ledger.execute(command);
  }
}

type StoreWrite = (this: IDBObjectStore, value: unknown, key?: IDBValidKey) => IDBRequest<IDBValidKey>;

/** Replaces IDBObjectStore's `add` and `put` with `patched` (given the originals); returns the disarm. */
function patchWrites(patched: (original: Record<'add' | 'put', StoreWrite>, method: 'add' | 'put') => StoreWrite): () => void {
  const proto = IDBObjectStore.prototype;
  const original = { add: proto.add, put: proto.put };
  for (const method of ['add', 'put'] as const) proto[method] = patched(original, method);
  return () => {
    Object.assign(proto, original);
  };
}

/**
 * Makes IndexedDB itself refuse writes: `add` or `put` on `store` throws
 * `failure()` for every record `match` picks, below Dexie. Returns the disarm.
 */
export function failWrite(
  store: string,
  match: (record: Record<string, unknown>) => boolean,
  failure: () => Error = () => new Error('injected storage failure'),
): () => void {
  return patchWrites((original, method) =>
    function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === store && match(value as Record<string, unknown>)) throw failure();
      return original[method].call(this, value, key);
    },
  );
}

/**
 * Makes IndexedDB refuse writes to `store` later, as a full disk or the quota
 * would: each `add` or `put` there is made, then made again as an `add`, whose
 * ConstraintError arrives as an error event and aborts the transaction.
 * Returns the disarm.
 */
export function failWriteLater(store: string): () => void {
  return patchWrites((original, method) =>
    function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      const request = original[method].call(this, value, key);
      if (this.name === store) original.add.call(this, value, key);
      return request;
    },
  );
}
