import { EventLog } from '../../src/app/event-log';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { SliceChecker } from '../../src/app/import-check';
import { Ledger } from '../../src/app/ledger';
import { LedgerQueries } from '../../src/app/queries';
import { Sync } from '../../src/app/sync';
import { TimeTravel } from '../../src/app/temporal';
import { commitEndingAt } from '../../src/projections/timeline';
import { LedgerDb } from '../../src/store/db';
import { generateLog } from './generate';
import { deleteDatabase, median, percentile, rawCeiling, rawDeposits, rawLedgerDeposits, timed, watchMainThread } from './measure';

/**
 * The export as text, and as the File the app would be handed. Only these are kept: a million event
 * objects held on the page for the whole run would make every garbage collection there mark them, a cost
 * the measured operations would pay and the app's page never has.
 */
let log: { text: string; count: number } | null = null;
let file: File | null = null;
/** The ceiling's events, parsed from the text for one rawCeiling() and dropped by it. */
let ceilingEvents: object[] | null = null;
const need = (): { text: string; count: number } => {
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
const percentiles = (latencies: number[]) => ({ p50: percentile(latencies, 50), p99: percentile(latencies, 99) });

/** The ids of the ledger's open accounts, where the deposits go. */
async function openAccounts(ledger: Ledger): Promise<string[]> {
  return (await new LedgerQueries(ledger.db).listAccounts({ limit: 1000 })).rows.filter((r) => r.status === 'open').map((r) => r.accountId);
}

async function depositLatencies(ledger: Ledger, accounts: readonly string[], count: number, mode: 'random' | 'same'): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const accountId = accounts[mode === 'same' ? 0 : randomInt(accounts.length)]!;
    const { ms } = await timed(() => ledger.execute({ type: 'Deposit', commandId: `bench-${Date.now()}-${i}`, data: { accountId, amount: '1.00' } }));
    latencies.push(ms);
  }
  return latencies;
}

const bench = {
  prepare(total: number, accounts: number) {
    const { text, events } = generateLog(total, accounts);
    log = { text, count: events.length };
    file = new File([text], 'ledger.json', { type: 'application/json' });
    return { events: events.length, megabytes: text.length / 2 ** 20 };
  },

  /**
   * The ceiling's events as objects: the export's event lines are each an event's exported form. Parsed in a
   * call of its own, so that the CPU the bench reads around rawCeiling() is the writing's alone.
   */
  prepareCeiling() {
    ceilingEvents = need()
      .text.split('\n')
      .filter((line) => line.startsWith('{"position"'))
      .map((line) => JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as object);
    if (ceilingEvents.length !== need().count) throw new Error(`the ceiling read ${ceilingEvents.length} events of ${need().count}`);
  },

  /**
   * Plain IndexedDB, one transaction, `perRecord` events a record: the most this browser can write, for the
   * grouping that writes fastest. The events stay for the next grouping until dropCeiling().
   */
  async rawCeiling(perRecord: number) {
    if (!ceilingEvents) throw new Error('call prepareCeiling() first');
    return rawCeiling(ceilingEvents, perRecord);
  },

  /** Lets the ceiling's million events go, before the import, whose pauses must not mark them. */
  dropCeiling() {
    ceilingEvents = null;
  },

  /** `source` 'text' passes the export as one string instead (the Worker then gets a copy of it whole). */
  async importLog(name: string, snapshotEvery?: number, source: 'file' | 'text' = 'file') {
    await deleteDatabase(name);
    const db = new LedgerDb(name);
    // The bench's own garbage (the ceiling's million events, the run before) is collected now, not in the
    // middle of the import, where its pause would count as the import's stall (run.mjs exposes gc).
    (globalThis as { gc?: () => void }).gc?.();
    const stop = watchMainThread();
    // A File, as the app hands over what a person picked: the checker's Worker reads it a chunk at a time.
    const { ms } = await timed(() => importLedger(db, source === 'file' ? file! : need().text, snapshotEvery === undefined ? {} : { snapshotEvery }));
    const watch = stop();
    db.close();
    return { ms, ...watch };
  },

  /** The same import on this thread instead of a Worker, so that the page's CPU profiler sees all of it. */
  async importOnThread(name: string) {
    await deleteDatabase(name);
    const db = new LedgerDb(name);
    const { ms } = await timed(() => importLedger(db, file!, { checkIn: 'thread' }));
    db.close();
    return { ms };
  },

  /** The import's checker alone, on this thread: what the Worker does per file. */
  async checkOnly() {
    const { ms } = await timed(async () => {
      const checker = new SliceChecker(need().text, false, 100);
      const wait = <T>(promise: Promise<T>) => promise;
      await checker.readHeader(wait);
      while ((await checker.readSlice(wait)) !== null);
    });
    return { ms };
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

  /** Deposits: to a random account each time, or all to one account ('same'). */
  async deposits(name: string, count: number, mode: 'random' | 'same' = 'random') {
    return percentiles(await withLedger(name, async (ledger) => depositLatencies(ledger, await openAccounts(ledger), count, mode)));
  },

  /**
   * Deposits to random accounts and the same requests made with plain IndexedDB (rawLedgerDeposits), `chunks`
   * turns each, so that neither meets the database's background work more than the other.
   */
  async depositsBesideOwnRequests(name: string, count: number, chunks: number) {
    return withLedger(name, async (ledger) => {
      const accounts = await openAccounts(ledger);
      const ledgerLatencies: number[] = [];
      const ownLatencies: number[] = [];
      for (let chunk = 0; chunk < chunks; chunk++) {
        ledgerLatencies.push(...(await depositLatencies(ledger, accounts, count / chunks, 'random')));
        ownLatencies.push(...(await rawLedgerDeposits(name, count / chunks, accounts)));
      }
      return { deposit: percentiles(ledgerLatencies), ownRequests: percentiles(ownLatencies) };
    });
  },

  /** The same number of deposits with plain IndexedDB: read head, add event, put balance. */
  async rawDeposits(count: number) {
    return percentiles(await rawDeposits(count));
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
        // Inside a commit (a transfer's halves), the point shown is the commit before it.
        if (value.position !== p && value.position !== p - 1) throw new Error(`ledgerAtPosition(${p}) answered position ${value.position}`);
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

  /**
   * The event log of the whole ledger, after `appended` deposits (so its newest events are in commit records
   * past the fold segments, as in use): the newest page, a jump to a random position, the page older than
   * that, the same point filtered by account, by type and to the time the jumped page spans, median of
   * `samples` each; and a type no recent event has (every opening is in the first thousand positions), which
   * reads the whole log, median of 3.
   */
  async eventLog(name: string, samples: number, appended: number) {
    return withLedger(name, async (ledger) => {
      const accounts = await openAccounts(ledger);
      await depositLatencies(ledger, accounts, appended, 'random');
      const log = new EventLog(ledger.db);
      const last = (await ledger.store.meta()).position;
      const times = { newest: [] as number[], jump: [] as number[], older: [] as number[], account: [] as number[], type: [] as number[], time: [] as number[], rare: [] as number[] };
      const measure = async (list: number[], request: Parameters<EventLog['page']>[0]) => {
        const { ms, value } = await timed(() => log.page(request));
        if (value.rows.length === 0) throw new Error(`eventLog: no rows for ${JSON.stringify(request)}`);
        list.push(ms);
        return value;
      };
      for (let i = 0; i < samples; i++) {
        await measure(times.newest, {});
        // Past the openings and the events just after them, so that every filter has rows at or before it.
        const at = 2 * accounts.length + randomInt(last - 2 * accounts.length) + 1;
        const jumped = await measure(times.jump, { at });
        if (jumped.rows[0]!.position !== at) throw new Error(`eventLog: a jump to ${at} began at ${jumped.rows[0]!.position}`);
        await measure(times.older, { at: jumped.rows[jumped.rows.length - 1]!.position - 1 });
        await measure(times.account, { at, accountId: accounts[randomInt(accounts.length)] });
        await measure(times.type, { at, type: 'MoneyWithdrawn' });
        await measure(times.time, { since: jumped.rows[jumped.rows.length - 1]!.at, until: jumped.rows[0]!.at });
      }
      for (let i = 0; i < 3; i++) await measure(times.rare, { type: 'AccountOpened' });
      return Object.fromEntries(Object.entries(times).map(([key, list]) => [key, median(list)])) as Record<keyof typeof times, number>;
    });
  },

  /**
   * A sync round with one command of this device pending, on this ledger: its push, the pull of the server's
   * version of it, and the rebase that makes the local log the server's. The server is a stand-in on this
   * page (fetch answered here: no network), which takes the command and answers with its event, new id and time.
   */
  async syncRound(name: string, samples: number) {
    return withLedger(name, async (ledger) => {
      const accounts = await openAccounts(ledger);
      const head = await ledger.store.meta();
      await ledger.db.meta.put({ ...head, sync: { id: 'bench', server: 'http://bench.invalid', token: 'bench-token', syncedPosition: head.position, refused: [] } });
      const sync = new Sync(ledger);
      const realFetch = globalThis.fetch;
      let pending: { streamId: string; position: number } | null = null;
      const answer = (data: unknown) => new Response(JSON.stringify({ success: true, data }), { headers: { 'content-type': 'application/json' } });
      globalThis.fetch = async (input) => {
        const url = new URL(String(input));
        const after = Number(url.searchParams.get('after'));
        if (!url.pathname.endsWith('/events')) return answer({});
        const log = (await ledger.store.meta()).sync!.syncedPosition + (pending ? 1 : 0);
        if (after >= log) return answer({ head: log, events: [] });
        const [event] = (await commitEndingAt(ledger.db, after + 1)).slice(-1);
        const { streamId, position, version, type, schemaVersion, data, metadata } = event!;
        const theirs = after + 1 === pending?.position ? { ...metadata, eventId: crypto.randomUUID(), at: new Date().toISOString() } : metadata;
        return answer({ head: log, events: [{ position, streamId, version, type, schemaVersion, data, metadata: theirs }] });
      };
      try {
        const times: number[] = [];
        for (let i = 0; i < samples; i++) {
          const accountId = accounts[randomInt(accounts.length)]!;
          const { events } = await ledger.execute({ type: 'Deposit', commandId: `bench-sync-${Date.now()}-${i}`, data: { accountId, amount: '1.00' } });
          pending = events[0]!;
          const { ms, value } = await timed(() => sync.syncOnce());
          if (value.pushed !== 1 || value.pulled !== 1) throw new Error(`syncRound: pushed ${value.pushed}, pulled ${value.pulled}`);
          pending = null;
          times.push(ms);
        }
        return { median: median(times) };
      } finally {
        globalThis.fetch = realFetch;
      }
    });
  },

  drop: deleteDatabase,

  /** Collects the page's garbage now (run.mjs exposes gc), so that no phase measured next pays for it. */
  collect() {
    (globalThis as { gc?: () => void }).gc?.();
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
document.getElementById('status')!.textContent = 'ready';
