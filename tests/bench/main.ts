import { exportLedger } from '../../src/app/export';
import { exportedEvent } from '../../src/app/export-format';
import { importLedger } from '../../src/app/import';
import { Ledger } from '../../src/app/ledger';
import { LedgerQueries } from '../../src/app/queries';
import { TimeTravel } from '../../src/app/temporal';
import { LedgerDb } from '../../src/store/db';
import { generateLog, type GeneratedLog } from './generate';
import { deleteDatabase, median, percentile, rawCeiling, timed, watchMainThread } from './measure';

let log: GeneratedLog | null = null;
const need = (): GeneratedLog => {
  if (!log) throw new Error('call prepare() first');
  return log;
};

async function withLedger<T>(name: string, work: (ledger: Ledger) => Promise<T>, snapshotEvery?: number): Promise<T> {
  const ledger = await Ledger.open(name, snapshotEvery === undefined ? {} : { snapshotEvery });
  try {
    return await work(ledger);
  } finally {
    ledger.close();
  }
}

const randomInt = (max: number) => Math.floor(Math.random() * max);

const bench = {
  prepare(total: number, accounts: number) {
    log = generateLog(total, accounts);
    return { events: log.events.length, megabytes: log.text.length / 2 ** 20 };
  },

  /** Plain IndexedDB, one transaction, 1,000 events a record: the most this browser can write. */
  async rawCeiling() {
    const plain = need().events.map((e) => exportedEvent(e.streamId, e.stored));
    return { ms: await rawCeiling(plain, 1000) };
  },

  async importLog(name: string, snapshotEvery?: number) {
    await deleteDatabase(name);
    const db = new LedgerDb(name);
    const stop = watchMainThread();
    const { ms } = await timed(() => importLedger(db, need().text, snapshotEvery === undefined ? {} : { snapshotEvery }));
    const watch = stop();
    db.close();
    return { ms, ...watch };
  },

  async exportLog(name: string) {
    const db = new LedgerDb(name);
    const { ms, value } = await timed(() => exportLedger(db, new Date('2020-01-01T00:00:00.000Z')));
    db.close();
    return { ms, sameBytes: value === need().text };
  },

  async rebuild(name: string) {
    return withLedger(name, async (ledger) => {
      const { ms, value } = await timed(() => ledger.projector.rebuild());
      return { ms, events: value.events };
    });
  },

  async deposits(name: string, count: number) {
    return withLedger(name, async (ledger) => {
      const accounts = (await new LedgerQueries(ledger.db).listAccounts({ limit: 1000 })).rows.filter((r) => r.status === 'open');
      const latencies: number[] = [];
      for (let i = 0; i < count; i++) {
        const accountId = accounts[randomInt(accounts.length)]!.accountId;
        const { ms } = await timed(() =>
          ledger.execute({ type: 'Deposit', commandId: `bench-${Date.now()}-${i}`, data: { accountId, amount: '1.00' } }),
        );
        latencies.push(ms);
      }
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    });
  },

  /** Open the database and read the first page of the account list, as the app does at start. */
  async coldStart(name: string, runs: number) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { ms } = await timed(async () => {
        const ledger = await Ledger.open(name);
        await new LedgerQueries(ledger.db).listAccounts({ limit: 50 });
        ledger.close();
      });
      times.push(ms);
    }
    return { median: median(times) };
  },

  async ledgerAtPosition(name: string, samples: number) {
    return withLedger(name, async (ledger) => {
      const last = (await ledger.store.meta()).position;
      const time = new TimeTravel(ledger);
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const p = 1 + randomInt(last);
        const { ms, value } = await timed(() => time.ledgerAtPosition(p));
        if (value.position !== p) throw new Error(`ledgerAtPosition(${p}) answered position ${value.position}`);
        times.push(ms);
      }
      return { median: median(times) };
    });
  },

  /** One long stream: time travel to random versions, and a full load with and without snapshots. */
  async longStream(name: string, samples: number, snapshotEvery: number) {
    return withLedger(
      name,
      async (ledger) => {
        const accountId = 'acc-0';
        const version = await ledger.store.streamVersion(accountId);
        const time = new TimeTravel(ledger);
        const travel: number[] = [];
        const load: number[] = [];
        for (let i = 0; i < samples; i++) {
          const v = 1 + randomInt(version);
          const { ms, value } = await timed(() => time.accountAtVersion(accountId, v));
          if (value.version !== v) throw new Error(`accountAtVersion(${v}) answered version ${value.version}`);
          travel.push(ms);
          load.push((await timed(() => ledger.loadAccount(accountId))).ms);
        }
        return { version, travelMedian: median(travel), loadMedian: median(load) };
      },
      snapshotEvery,
    );
  },

  async profile(name: string) {
    return withLedger(name, async (ledger) => {
      const db = ledger.db;
      const t = async (label: string, f: () => Promise<unknown>, n = 50) => {
        const xs: number[] = [];
        for (let i = 0; i < n; i++) xs.push((await timed(f)).ms);
        return [label, median(xs)];
      };
      return [
        await t('empty rw tx', () => db.transaction('rw', db.writeTables, async () => {})),
        await t('commands index', () => db.transaction('rw', db.writeTables, () => ledger.store.eventsOfCommand('nope'))),
        await t('head', () => db.transaction('rw', db.writeTables, () => ledger.store.head('acc-1'))),
        await t('meta', () => db.transaction('rw', db.writeTables, () => ledger.store.meta())),
        await t('loadAccount', () => db.transaction('rw', db.writeTables, () => ledger.loadAccount('acc-' + Math.floor(Math.random() * 100)))),
        await t('snapshot latest', () => db.transaction('rw', db.writeTables, () => ledger.snapshots.latest('acc-' + Math.floor(Math.random() * 100)))),
        await t('account get+put', () => db.transaction('rw', db.writeTables, async () => { const r = await db.accounts.get('acc-1'); await db.accounts.put(r!); })),
        await t('history last page get+put', () => db.transaction('rw', db.writeTables, async () => { const r = await db.history.where('[accountId+page]').between(['acc-1', 0], ['acc-1', 1e9]).last(); await db.history.put(r!); })),
        await t('deposit warm', () => ledger.execute({ type: 'Deposit', commandId: 'x' + Math.random().toString(36).slice(2), data: { accountId: 'acc-1', amount: '1.00' } })),
      ];
    });
  },

  async profileImport() {
    const { LedgerCheck } = await import('../../src/domain/ledger-check');
    const { ProjectionBuilder } = await import('../../src/projections/fold');
    const text = need().text;
    const out: [string, number][] = [];
    let t = performance.now();
    const doc = JSON.parse(text);
    out.push(['JSON.parse', performance.now() - t]);
    t = performance.now();
    const lines = text.split('\n');
    const parsed = lines.slice(1, -2).map((l) => JSON.parse(l.endsWith(',') ? l.slice(0, -1) : l));
    out.push(['split+per-line parse', performance.now() - t]);
    t = performance.now();
    const check = new LedgerCheck();
    const recorded = doc.events.map((e: unknown, i: number) => check.accept(e, i));
    out.push(['check', performance.now() - t]);
    t = performance.now();
    const b = new ProjectionBuilder();
    for (const e of recorded) b.apply(e);
    out.push(['fold', performance.now() - t]);
    out.push(['n', parsed.length]);
    return out;
  },

  async experiment() {
    const { IMPORT_RECORD_EVENTS } = await import('../../src/app/import');
    const events = need().events;
    const groups = new Map<string, { streamId: string; version: number; lastVersion: number; position: number; commandIds: string[]; events: unknown[] }[]>();
    const records: { streamId: string; version: number; lastVersion: number; position: number; commandIds: string[]; events: unknown[] }[] = [];
    for (const { streamId, stored } of events) {
      let list = groups.get(streamId);
      if (!list) groups.set(streamId, (list = []));
      let r = list[list.length - 1];
      if (!r || r.events.length >= IMPORT_RECORD_EVENTS) {
        r = { streamId, version: stored.version, lastVersion: stored.version, position: stored.position, commandIds: [], events: [] };
        list.push(r);
        records.push(r);
      }
      r.events.push(stored);
      r.commandIds.push(stored.metadata.commandId);
    }
    const out: [string, number][] = [];
    const open = (name: string, setup: (db: IDBDatabase) => void) =>
      new Promise<IDBDatabase>((res, rej) => {
        const q = indexedDB.open(name, 1);
        q.onupgradeneeded = () => setup(q.result);
        q.onsuccess = () => res(q.result);
        q.onerror = () => rej(q.error);
      });
    const put = async (label: string, db: IDBDatabase, withKey: boolean) => {
      const t = performance.now();
      let sync = 0;
      await new Promise<void>((res, rej) => {
        const tx = db.transaction('s', 'readwrite');
        const st = tx.objectStore('s');
        const s0 = performance.now();
        records.forEach((r, i) => (withKey ? st.add(r, i) : st.add(r)));
        sync = performance.now() - s0;
        tx.oncomplete = () => res();
        tx.onerror = () => rej(tx.error);
      });
      out.push([label + ' total', performance.now() - t], [label + ' sync part', sync]);
      db.close();
    };
    await put('plain', await open('x1-' + Date.now(), (db) => db.createObjectStore('s')), true);
    await put('keyPath', await open('x2-' + Date.now(), (db) => db.createObjectStore('s', { keyPath: ['streamId', 'version'] })), false);
    await put('keyPath+position', await open('x3-' + Date.now(), (db) => db.createObjectStore('s', { keyPath: ['streamId', 'version'] }).createIndex('p', 'position')), false);
    await put('keyPath+position+multi', await open('x4-' + Date.now(), (db) => { const st = db.createObjectStore('s', { keyPath: ['streamId', 'version'] }); st.createIndex('p', 'position'); st.createIndex('c', 'commandIds', { multiEntry: true }); }), false);
    out.push(['records', records.length]);
    return out;
  },

  drop: deleteDatabase,
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
document.getElementById('status')!.textContent = 'ready';
