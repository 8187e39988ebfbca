import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Outcome } from '../harness/api';
import { auditLog, conservationProblems, eventsOfExport, outcomeProblems, settleAttempts } from '../harness/invariants';
import { HEAVY, call, launch, openHarness } from './browser';
import { attemptOf, commandMix, openAccounts } from './workload';

const TABS = 4;
const PER_TAB = HEAVY ? 1000 : 150;

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function tabsOn(db: string, count: number): Promise<Page[]> {
  context = await browser.newContext();
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) pages.push(await openHarness(context, db));
  return pages;
}

/** Audits what the tabs left behind, through `page`, and returns the log. */
async function expectSoundLedger(page: Page, outcomes: Outcome[]) {
  expect(outcomes.filter((o) => o.status === 'crashed')).toEqual([]);
  const log = eventsOfExport(await call(page, 'exportJson'));
  const audit = auditLog(log);
  expect(audit.problems).toEqual([]);
  const settled = settleAttempts(outcomes.map(attemptOf));
  expect(settled.problems).toEqual([]);
  expect(outcomeProblems(audit, settled.outcomes)).toEqual([]);
  expect(conservationProblems(audit, await call(page, 'balances'))).toEqual([]);
  expect(await call(page, 'verify')).toEqual([]);
  return log;
}

describe(`${TABS} tabs writing to one ledger at full speed`, () => {
  it(`keeps every done command once, every refused one out, and every balance at or above zero (${PER_TAB} commands per tab)`, async () => {
    const pages = await tabsOn('many-tabs', TABS);
    await call(pages[0]!, 'burst', openAccounts());
    const perTab = await Promise.all(pages.map((page, i) => call(page, 'burst', commandMix(`tab${i}`, PER_TAB, 1000 + i))));
    const outcomes = perTab.flat();
    expect(outcomes).toHaveLength(TABS * PER_TAB);
    const log = await expectSoundLedger(pages[TABS - 1]!, outcomes);

    // The run must have exercised what it claims: both verdicts, and commits from different tabs interleaved.
    expect(outcomes.filter((o) => o.status === 'done').length).toBeGreaterThan(PER_TAB);
    expect(outcomes.filter((o) => o.status === 'refused' && o.code === 'INSUFFICIENT_FUNDS').length).toBeGreaterThan(10);
    const tabOf = log.map((e) => e.metadata.commandId.split('-')[0]);
    const switches = tabOf.filter((tab, i) => i > 0 && tab !== tabOf[i - 1]).length;
    expect(switches).toBeGreaterThan(TABS * 5);
    await context.close();
  });

  it('lets the same command id, sent from two tabs at once, take effect once', async () => {
    const pages = await tabsOn('twins', 2);
    await call(pages[0]!, 'burst', openAccounts('1000.00'));
    const twins = commandMix('twin', HEAVY ? 400 : 60, 77);
    const [first, second] = await Promise.all([
      call(pages[0]!, 'burst', twins),
      call(pages[1]!, 'burst', [...twins].reverse()),
    ]);
    // expectSoundLedger also proves no id took effect twice and "already done" came only after an effect.
    await expectSoundLedger(pages[1]!, [...first!, ...second!]);
    const duplicates = [...first!, ...second!].filter((o) => o.status === 'done' && o.duplicate);
    expect(duplicates.length).toBeGreaterThan(10);
    await context.close();
  });
});
