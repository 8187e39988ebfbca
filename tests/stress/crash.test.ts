import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { largeValidLog } from '../store/hostile-fixtures';
import { ACK, PHASE, type Outcome } from '../harness/api';
import { auditLog, conservationProblems, eventsOfExport, outcomeProblems, settleAttempts, type LogEvent } from '../harness/invariants';
import { CrashableChromium, HEAVY, call, openHarness, tempProfile } from './browser';
import { attemptOf, commandMix, openAccounts, type Mix } from './workload';

const DB = 'crash';
const LARGE_LOG_BYTES = HEAVY ? 40_000_000 : 4_000_000;

let profile: ReturnType<typeof tempProfile>;
let chrome: CrashableChromium | undefined;

beforeEach(() => {
  profile = tempProfile();
});
afterEach(async () => {
  await chrome?.close().catch(() => undefined);
  chrome = undefined;
  profile.remove();
});

/** Starts Chromium on the test's profile (again, after a crash) with the harness open on the ledger. */
async function start(): Promise<Page> {
  chrome = await CrashableChromium.start(profile.dir);
  return openHarness(chrome.context, DB);
}

/** Calls `kill` once `when` says so, for every console line the page writes with `prefix`. */
function killOn(page: Page, prefix: string, when: (payload: string) => number | false): () => Promise<void> | undefined {
  let killing: Promise<void> | undefined;
  page.on('console', (message) => {
    const text = message.text();
    if (killing || !text.startsWith(prefix)) return;
    const delay = when(text.slice(prefix.length));
    if (delay === false) return;
    const browser = chrome!;
    killing = new Promise((resolve) => setTimeout(resolve, delay)).then(() => browser.kill());
  });
  return () => killing;
}

async function waitForKill(killing: () => Promise<void> | undefined): Promise<void> {
  // waitUntil would await a returned promise itself, so it is only asked whether the kill has begun.
  await vi.waitUntil(() => killing() !== undefined, { timeout: 60_000, interval: 5 });
  await killing();
}

/** What survived the crash, checked from scratch: whole commits only, and read models that match the log. */
async function survivingLog(page: Page): Promise<LogEvent[]> {
  const log = eventsOfExport(await call(page, 'exportJson'));
  const audit = auditLog(log);
  expect(audit.problems).toEqual([]);
  expect(conservationProblems(audit, await call(page, 'balances'))).toEqual([]);
  expect(await call(page, 'verify')).toEqual([]);
  return log;
}

const sameEvents = (a: readonly LogEvent[], b: readonly LogEvent[]) => JSON.stringify(a) === JSON.stringify(b);

async function crashMidBurst(mix: Mix): Promise<void> {
  let page = await start();
  await call(page, 'burst', openAccounts('500.00'));
  const acknowledged: Outcome[] = [];
  const killing = killOn(page, ACK, (payload) => {
    acknowledged.push(JSON.parse(payload) as Outcome);
    return acknowledged.length >= 25 ? 0 : false;
  });
  const burst = call(page, 'burst', commandMix(mix, 3000, 42, mix), { parallel: 4, report: true }).then(
    () => 'finished',
    () => 'killed',
  );
  await waitForKill(killing);
  expect(await burst).toBe('killed');

  page = await start();
  const log = await survivingLog(page);
  const settled = settleAttempts(acknowledged.map(attemptOf));
  // Every command the page saw finish before the kill is on disk, whole; refused ones left nothing.
  expect(outcomeProblems(auditLog(log), settled.outcomes)).toEqual([]);
  expect(settled.outcomes.filter((o) => o.wrote !== null).length).toBeGreaterThan(0);
}

/** How long `run` takes in this browser, so a kill can be aimed at its middle. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

describe('a browser killed in the middle of work', () => {
  it('keeps every acknowledged command of a burst of deposits and withdrawals, and only whole commits', async () => {
    await crashMidBurst('cash');
  });

  it('never leaves half a transfer when killed during a burst of transfers', async () => {
    await crashMidBurst('transfers');
  });

  it('keeps either the old ledger or the whole imported one when killed halfway through an import', async () => {
    let page = await start();
    await call(page, 'burst', openAccounts());
    const before = eventsOfExport(await call(page, 'exportJson'));
    const imported = largeValidLog(LARGE_LOG_BYTES).events as unknown as LogEvent[];
    // Import checks and writes slice by slice in one transaction; the kill lands once half the events are in it.
    const killing = killOn(page, PHASE, (progress) => {
      const [phase, done] = progress.split(' ');
      return phase === 'reading' && Number(done) >= imported.length / 2 ? 0 : false;
    });
    const importing = call(page, 'importGenerated', LARGE_LOG_BYTES, false).then(() => 'finished', () => 'killed');
    await waitForKill(killing);
    expect(await importing).toBe('killed');

    page = await start();
    const after = await survivingLog(page);
    expect(sameEvents(after, before) || sameEvents(after, imported), `${after.length} events survived`).toBe(true);
  });

  it('keeps the log and read models that match it when killed during a projection rebuild', async () => {
    let page = await start();
    expect(await call(page, 'importGenerated', LARGE_LOG_BYTES, false)).toMatchObject({ status: 'done' });
    const before = eventsOfExport(await call(page, 'exportJson'));
    // The kill must land inside a rebuild: aim at a third of the quicker of two, and sooner if one still beats it.
    let delay = Math.min(await timed(() => call(page, 'rebuild')), await timed(() => call(page, 'rebuild'))) / 3;
    for (let attempt = 1; ; attempt++) {
      const rebuilding = call(page, 'rebuild').then(() => 'finished', () => 'killed');
      await new Promise((resolve) => setTimeout(resolve, delay));
      await chrome!.kill();
      const outcome = await rebuilding;

      page = await start();
      expect(sameEvents(await survivingLog(page), before)).toBe(true);
      if (outcome === 'killed') break;
      expect(attempt, 'every rebuild finished before the kill').toBeLessThan(4);
      delay /= 2;
    }
  });

  it('rebuilds read models an older app version left behind when the ledger opens after a crash', async () => {
    let page = await start();
    await call(page, 'burst', [...openAccounts(), ...commandMix('old', 40, 7)]);
    await call(page, 'ageReadModels');
    expect((await call(page, 'verify')).length).toBeGreaterThan(0);
    await chrome!.kill();

    page = await start();
    await survivingLog(page);
  });
});
