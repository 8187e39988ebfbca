#!/usr/bin/env node
// `npm run bench [-- --events 1000000 --accounts 1000 --long 100000 --runs 3]`
// Builds the benchmark page (the engine's production build), opens it in the system Chromium on
// real IndexedDB, measures each figure beside the raw IndexedDB ceiling, prints a table and writes JSON. Each
// run is in a browser of its own with a fresh profile, and measures every phase; the table gives the medians.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';
import { launchOnDisk } from './on-disk.mjs';
import { benchServer, serverRows } from './server.mjs';
import { watchWorkerHeap } from './worker-heap.mjs';

// CPU time of all of Chromium's processes, read from /proc where there is one (Linux): with the cores, it says
// how fast a phase could be on this machine however its work were spread over threads.
const processTimes = existsSync('/proc/self/stat') ? (await import('./proc-cpu.mjs')).processTimes : null;
const cpuOf = (times) => Object.values(times).reduce((sum, ms) => sum + ms, 0);
/** Runs `work` and adds the CPU Chromium spent meanwhile (all processes, ms; NaN without /proc) to its result. */
async function withCpu(work) {
  const before = processTimes?.();
  const result = await work();
  return { ...result, cpuMs: processTimes ? cpuOf(processTimes()) - cpuOf(before) : NaN };
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    accounts: { type: 'string', default: '1000' },
    long: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string', default: join(repo, 'test-results', 'bench.json') },
    debug: { type: 'boolean', default: false },
    // Phases to measure besides the ceiling and the import every run needs, e.g. `--only export,rebuild`
    // (default: all); `--only import` measures those two alone.
    only: { type: 'string', default: 'check,export,rebuild,deposit,travel,long,page,eventlog,sync,server' },
    // Events a record in the raw ceiling: each is measured twice before the runs, and the fastest is the ceiling
    // in every run ("records grouped as fast as IndexedDB allows"; which grouping that is depends on the browser).
    groupings: { type: 'string', default: '1000,2000,4000' },
    // IndexedDB in memory (an off-the-record context) instead of on disk, for comparison.
    'in-memory': { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const accounts = Number(values.accounts);
const longEvents = Number(values.long);
const runs = Number(values.runs);
const phases = new Set(values.only.split(','));
const groupings = values.groupings.split(',').map(Number);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// The production app at the origin's root, and the bench page beside it under /bench/: one origin, so the page's
// import fills the database the app opens ('ledger').
const outDir = join(repo, 'test-results', 'bench-dist');
await build({ root: repo, logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
const config = { root: here, base: '/bench/', configFile: false, logLevel: 'warn', build: { outDir: join(outDir, 'bench'), emptyOutDir: true, target: 'es2022', minify: !values.debug } };
await build(config);
const server = await preview({ root: repo, configFile: false, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
const appUrl = server.resolvedUrls.local[0];
const url = `${appUrl}bench/`;
/** The database the runs import into, deposit to and travel through: the one the production app opens. */
const MAIN = 'ledger';
// Each browser on a fresh profile folder, so that IndexedDB is on disk as in a person's browser.
const launch = () =>
  launchOnDisk({ args: ['--enable-precise-memory-info', '--js-flags=--max-old-space-size=8192 --expose-gc'], inMemory: values['in-memory'] });
/** A bench page of `inBrowser`, and a call of one of its window.bench functions. */
async function benchPage(inBrowser) {
  const opened = await inBrowser.newPage();
  opened.setDefaultTimeout(0);
  opened.on('pageerror', (e) => console.error('page error:', e.message));
  await opened.goto(url);
  await opened.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  return (fn, ...args) =>
    opened.evaluate(async ([f, a]) => {
      try {
        return await window.bench[f](...a);
      } catch (e) {
        throw new Error(`${f}: ${e?.name}: ${e?.message}\n${e?.stack ?? ''}`);
      }
    }, [fn, args]);
}
const log = (...a) => console.error('·', ...a);

// Which grouping of the ceiling writes fastest in this browser: each tried twice, taking turns, in a fresh
// database, and the faster try counts. In a browser of its own, closed before the bench's: measuring all three
// in every run wrote and deleted ~800 MB more before each import, and with them in a second page of the bench's
// browser, the ledger page's longest stall during the import was 50-115 ms in about a third of the runs, against
// 8-15 ms in 13 of 13 runs with one ceiling on the ledger's page (cause not found).
const calibration = {};
{
  const calibrating = await launch();
  const callCeiling = await benchPage(calibrating);
  await callCeiling('prepare', events, accounts);
  await callCeiling('prepareCeiling');
  for (let round = 0; round < 2; round++) {
    for (const grouping of groupings) {
      await callCeiling('collect');
      const ceiling = await callCeiling('rawCeiling', grouping);
      await callCeiling('drop', ceiling.name);
      calibration[grouping] = Math.min(calibration[grouping] ?? Infinity, ceiling.ms);
    }
  }
  await calibrating.close();
}
const grouping = groupings.reduce((a, b) => (calibration[b] < calibration[a] ? b : a));
log(`raw ceiling by grouping: ${groupings.map((g) => `${g} a record ${calibration[g].toFixed(0)} ms`).join(', ')}; the ceiling is ${grouping} a record`);

/**
 * A browser of its own for each run, with a fresh profile: in one browser, each run's ceiling and import wrote
 * and deleted another ~2M events' worth of records, and by the third run a deposit's own requests in plain
 * IndexedDB took 2.5-3.4× as long as in the first (p50 8.2-8.8 against 2.6-3.6 ms), cold start 42 against
 * 16 ms. A person's browser holds their one ledger, not three deleted copies of it.
 */
async function freshRun(i) {
  const chrome = await launch();
  const call = await benchPage(chrome);
  // The long stream's two ledgers first (the page holds one generated log at a time); the run loads from them at its end.
  if (phases.has('long')) {
    if (i === 0) log(`long stream: ${longEvents.toLocaleString('en')} events in one account, with and without snapshots`);
    await call('prepare', longEvents, 1);
    await call('importLog', 'bench-long');
    await call('importLog', 'bench-long-nosnap', 0);
  }
  if (i === 0) log(`generating ${events.toLocaleString('en')} events over ${accounts} accounts`);
  const generated = await call('prepare', events, accounts);
  if (i === 0) log(`export file: ${generated.megabytes.toFixed(1)} MB`);
  return { chrome, call, generated };
}

const raw = [];
const rawCpu = [];
const imports = [];
const exports = [];
const rebuilds = [];
const checks = [];
const depositRuns = { random: [], same: [], raw: [], rawLedger: [] };
const longRuns = { with: [], without: [] };
const coldRuns = [];
const pageRuns = [];
const eventLogRuns = [];
const syncRuns = [];

/**
 * The production app opened on this run's million-event ledger: the time from navigation to the first row of
 * the account list on screen (performance.now() at that moment, which counts from the navigation's start), on a
 * first visit (nothing cached) and on a later one (its service worker and caches in place), median of 5.
 */
async function productionPage(chrome) {
  const visit = async () => {
    const page = await chrome.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector('table.data tbody tr')) return;
        window.__listShownAt = performance.now();
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(appUrl);
    await page.waitForFunction(() => window.__listShownAt !== undefined, null, { timeout: 60_000 });
    const ms = await page.evaluate(() => window.__listShownAt);
    await page.close();
    return ms;
  };
  const first = await visit();
  const later = [];
  for (let i = 0; i < 5; i++) later.push(await visit());
  return { first, again: median(later) };
}
const atPositionRuns = [];
let generated;
let browserVersion = '';
for (let i = 0; i < runs; i++) {
  const fresh = await freshRun(i);
  const { chrome, call } = fresh;
  generated = fresh.generated;
  browserVersion = chrome.browser.version();
  // Only the writing is inside each CPU window: the parsing, the deletes and the garbage of the run before are not.
  await call('prepareCeiling');
  await call('collect');
  const ceiling = await withCpu(() => call('rawCeiling', grouping));
  await call('drop', ceiling.name);
  await call('dropCeiling');
  raw.push(ceiling.ms);
  rawCpu.push(ceiling.cpuMs);
  await call('drop', MAIN);
  await call('collect');
  const stopWatching = await watchWorkerHeap(chrome.browser);
  const run = await withCpu(() => call('importLog', MAIN));
  run.workerHeapPeakMb = await stopWatching();
  imports.push(run);
  log(`run ${i + 1}/${runs}: raw ${raw.at(-1).toFixed(0)} ms, import ${run.ms.toFixed(0)} ms, CPU ${rawCpu.at(-1).toFixed(0)} / ${run.cpuMs.toFixed(0)} ms (longest stall ${run.longestStallMs.toFixed(0)} ms, page heap +${run.heapGrowthMb?.toFixed(0)} MB, Worker heap peak ${run.workerHeapPeakMb?.toFixed(0)} MB)`);
  // What this run measured besides the import, logged as one line (`--only` may leave out any of it).
  const measured = [];
  if (phases.has('check')) {
    checks.push((await call('checkOnly')).ms);
    measured.push(`check ${checks.at(-1).toFixed(0)} ms`);
  }
  if (phases.has('export')) {
    const ex = await call('exportLog', MAIN);
    if (!ex.sameBytes) throw new Error('export differs from the imported file');
    exports.push(ex.ms);
    measured.push(`export ${ex.ms.toFixed(0)} ms`);
  }
  if (phases.has('rebuild')) {
    rebuilds.push((await call('rebuild', MAIN)).ms);
    measured.push(`rebuild ${rebuilds.at(-1).toFixed(0)} ms`);
  }
  if (measured.length) log(`run ${i + 1}/${runs}: ${measured.join(', ')}`);
  // Deposits in every run, on the log this run imported: the machine's noise from run to run moves them as much as anything.
  if (phases.has('deposit')) {
    const beside = await call('depositsBesideOwnRequests', MAIN, 300, 3);
    depositRuns.random.push(beside.deposit);
    depositRuns.rawLedger.push(beside.ownRequests);
    depositRuns.same.push(await call('deposits', MAIN, 300, 'same'));
    depositRuns.raw.push(await call('rawDeposits', 300));
    const [ledger, plain, own] = [depositRuns.random, depositRuns.raw, depositRuns.rawLedger].map((list) => `${list.at(-1).p50.toFixed(1)} / ${list.at(-1).p99.toFixed(1)}`);
    log(`run ${i + 1}/${runs}: deposit p50 / p99 ${ledger} ms, raw ${plain} ms, its own requests raw ${own} ms`);
  }
  // The long stream in every run too, beside the million-event ledger this run imported.
  if (phases.has('long')) {
    longRuns.with.push(await call('longStream', 'bench-long', 21));
    longRuns.without.push(await call('longStream', 'bench-long-nosnap', 7, 0));
    const [travel, load] = [longRuns.with.at(-1).travelMedian, longRuns.with.at(-1).loadMedian];
    log(`run ${i + 1}/${runs}: long stream at a version ${travel.toFixed(1)} ms, loaded ${load.toFixed(1)} ms, without snapshots ${longRuns.without.at(-1).loadMedian.toFixed(0)} ms`);
  }
  if (phases.has('travel')) {
    coldRuns.push(await call('coldStart', MAIN, 7));
    atPositionRuns.push(await call('ledgerAtPosition', MAIN, 9));
    log(`run ${i + 1}/${runs}: cold start ${coldRuns.at(-1).median.toFixed(1)} ms, every balance at a position ${atPositionRuns.at(-1).median.toFixed(1)} ms`);
  }
  if (phases.has('page')) {
    pageRuns.push(await productionPage(chrome));
    log(`run ${i + 1}/${runs}: the production page shows the account list ${pageRuns.at(-1).first.toFixed(0)} ms after navigation on a first visit, ${pageRuns.at(-1).again.toFixed(0)} ms on a later one`);
  }
  // Last: it appends deposits of its own first.
  if (phases.has('eventlog')) {
    eventLogRuns.push(await call('eventLog', MAIN, 9, 300));
    const e = eventLogRuns.at(-1);
    log(`run ${i + 1}/${runs}: event log, newest page ${e.newest.toFixed(1)} ms, a jump ${e.jump.toFixed(1)} ms, the page older ${e.older.toFixed(1)} ms, by account ${e.account.toFixed(1)} ms, by type ${e.type.toFixed(1)} ms, by time ${e.time.toFixed(1)} ms, a type only the oldest events have ${e.rare.toFixed(0)} ms`);
  }
  // After the event log: it appends a deposit of its own per sample.
  if (phases.has('sync')) {
    syncRuns.push(await call('syncRound', MAIN, 5));
    log(`run ${i + 1}/${runs}: a sync round with one pending command ${syncRuns.at(-1).median.toFixed(1)} ms`);
  }
  // Closing the browser deletes its profile folder, and every database in it.
  await chrome.close();
}
const skipped = { p50: NaN, p99: NaN, median: NaN, travelMedian: NaN, loadMedian: NaN, first: NaN, again: NaN, newest: NaN, jump: NaN, older: NaN, account: NaN, type: NaN, time: NaN, rare: NaN };
/** Each of a phase's figures (`keys`) as its median over the runs, with every run's figures beside it. */
const acrossRuns = (list, keys = ['p50', 'p99']) =>
  list.length ? { ...Object.fromEntries(keys.map((key) => [key, median(list.map((r) => r[key]))])), runs: list } : skipped;
const deposit = acrossRuns(depositRuns.random);
const sameAccountDeposit = acrossRuns(depositRuns.same);
const rawDeposit = acrossRuns(depositRuns.raw);
const rawLedgerDeposit = acrossRuns(depositRuns.rawLedger);
const cold = acrossRuns(coldRuns, ['median']);
const productionPageShown = acrossRuns(pageRuns, ['first', 'again']);
const atPosition = acrossRuns(atPositionRuns, ['median']);
const eventLog = acrossRuns(eventLogRuns, ['newest', 'jump', 'older', 'account', 'type', 'time', 'rare']);
const syncRound = acrossRuns(syncRuns, ['median']);
const withSnapshots = acrossRuns(longRuns.with, ['travelMedian', 'loadMedian']);
const withoutSnapshots = acrossRuns(longRuns.without, ['travelMedian', 'loadMedian']);
await new Promise((r) => server.httpServer.close(r));

const rawMs = median(raw);
const importMs = median(imports.map((r) => r.ms));
const cores = cpus().length;
const rawCpuMs = median(rawCpu);
const importCpuMs = median(imports.map((r) => r.cpuMs));
/** The events of the log per second, for a phase over all of them that took `ms`. */
const perSecond = (ms) => `${Math.round(events / (ms / 1000)).toLocaleString('en')} ev/s`;
const rows = [
  [`raw IndexedDB ceiling (${grouping.toLocaleString('en')} events a record, the fastest grouping)`, rawMs, 'ms', perSecond(rawMs), ''],
  ...groupings.map((g) => [`  raw, ${g.toLocaleString('en')} events a record (best of 2, before the runs)`, calibration[g], 'ms', perSecond(calibration[g]), '']),
  ['import (validate, write, project)', importMs, 'ms', `${(rawMs / importMs).toFixed(2)}× ceiling`, '≤ 13,000 ms'],
  ['  longest main-thread stall during import', median(imports.map((r) => r.longestStallMs)), 'ms', '', '≤ 50 ms'],
  ['  page JS heap growth during import', median(imports.map((r) => r.heapGrowthMb ?? NaN)), 'MB', `file ${generated.megabytes.toFixed(0)} MB`, 'bounded'],
  ['  import Worker JS heap, peak', median(imports.map((r) => r.workerHeapPeakMb ?? NaN)), 'MB', '', 'bounded'],
  ['  CPU of the import, all of Chromium\'s processes', importCpuMs, 'ms', `${(importCpuMs / rawCpuMs).toFixed(1)}× the ceiling\'s ${rawCpuMs.toFixed(0)} ms`, ''],
  [`  fastest the import could be on ${cores} cores (its CPU / ${cores})`, importCpuMs / cores, 'ms', `${(rawMs / (importCpuMs / cores)).toFixed(2)}× ceiling`, ''],
  ['  the check alone, on one thread (part of the Worker\'s work)', median(checks), 'ms', perSecond(median(checks)), ''],
  ['export', median(exports), 'ms', `${(rawMs / median(exports)).toFixed(2)}× ceiling`, '< 3000 ms'],
  ['rebuild projections', median(rebuilds), 'ms', perSecond(median(rebuilds)), '≥ 500,000 ev/s'],
  ['raw deposit: read head, add event, put balance (own transaction)', rawDeposit.p50, 'ms', `p99 ${rawDeposit.p99.toFixed(2)} ms`, ''],
  ['raw deposit, the ledger\'s own requests on its database (plain IndexedDB)', rawLedgerDeposit.p50, 'ms', `p99 ${rawLedgerDeposit.p99.toFixed(2)} ms`, ''],
  ['deposit p50, random account', deposit.p50, 'ms', `${(deposit.p50 / rawDeposit.p50).toFixed(1)}× raw, ${(deposit.p50 / rawLedgerDeposit.p50).toFixed(1)}× its own requests`, '≤ 5 ms'],
  ['deposit p99, random account', deposit.p99, 'ms', `${(deposit.p99 / rawDeposit.p99).toFixed(1)}× raw, ${(deposit.p99 / rawLedgerDeposit.p99).toFixed(1)}× its own requests`, '≤ 20 ms'],
  ['deposit p50, the same account each time', sameAccountDeposit.p50, 'ms', '', ''],
  ['deposit p99, the same account each time', sameAccountDeposit.p99, 'ms', '', ''],
  ['cold start (open + first page of accounts)', cold.median, 'ms', '', '≤ 300 ms'],
  ['production page: navigation to the account list shown, a later visit', productionPageShown.again, 'ms', `first visit ${productionPageShown.first.toFixed(0)} ms`, 'aim ≤ 1,000 ms'],
  ['every balance at a random position', atPosition.median, 'ms', '', '≤ 150 ms'],
  [`one account at a random version (${longEvents.toLocaleString('en')} events)`, withSnapshots.travelMedian, 'ms', '', '≤ 5 ms'],
  ['load that account, with snapshots', withSnapshots.loadMedian, 'ms', '', '≤ 5 ms'],
  ['load that account, without snapshots', withoutSnapshots.loadMedian, 'ms', '', 'for comparison'],
  ['event log: the newest page of 50', eventLog.newest, 'ms', '', '≤ 100 ms'],
  ['event log: a jump to a random position', eventLog.jump, 'ms', '', '≤ 100 ms'],
  ['event log: the page older than that', eventLog.older, 'ms', '', '≤ 100 ms'],
  ['event log: there, filtered by account', eventLog.account, 'ms', '', '≤ 100 ms'],
  ['event log: there, filtered by type', eventLog.type, 'ms', '', '≤ 100 ms'],
  ['event log: filtered to a time range', eventLog.time, 'ms', '', '≤ 100 ms'],
  ['event log: a type only the oldest events have (reads the whole log)', eventLog.rare, 'ms', '', 'for comparison'],
  ['a sync round with one pending command (push, pull, rebase; the server a stand-in on the page)', syncRound.median, 'ms', '', ''],
];
// The server last, alone on the machine: embedded PostgreSQL and one server process (see server.mjs).
const serverBench = phases.has('server') ? await benchServer({ runs }) : null;
if (serverBench) rows.push(...serverRows(serverBench));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${browserVersion}`;
console.log(`\nLedger benchmark: ${events.toLocaleString('en')} events, ${accounts} accounts, median of ${runs} runs`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, headless Chromium\n`);
console.log('| what | median | | vs ceiling | target |');
console.log('| --- | ---: | --- | --- | --- |');
for (const [what, value, unit, ratio, target] of rows) console.log(`| ${what} | ${value.toFixed(value < 20 ? 2 : 0)} | ${unit} | ${ratio} | ${target} |`);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), machine, events, accounts, longEvents, runs, calibration, grouping, raw, rawCpu, imports, checks, exports, rebuilds, deposit, sameAccountDeposit, rawDeposit, rawLedgerDeposit, cold, productionPageShown, atPosition, withSnapshots, withoutSnapshots, eventLog, syncRound, server: serverBench }, null, 2));
console.log(`\nresults written to ${values.out}`);
