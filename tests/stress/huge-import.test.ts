import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { eventsOfExport } from '../harness/invariants';
import { HEAVY, call, launch, openHarness } from './browser';
import { commandMix, openAccounts } from './workload';

// 200 MB is the size people ask about; the default run keeps a small file so the path stays exercised.
const BYTES = HEAVY ? 200_000_000 : 2_000_000;

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

it(
  `refuses a ${BYTES / 1_000_000} MB file whose last event overdraws, writes nothing, and the tab keeps working`,
  async () => {
    const context = await browser.newContext();
    const page = await openHarness(context, 'huge-import');
    await call(page, 'burst', [...openAccounts(), ...commandMix('before', 30, 3)]);
    const before = eventsOfExport(await call(page, 'exportJson'));

    const outcome = await call(page, 'importGenerated', BYTES, true);
    expect(outcome).toMatchObject({ status: 'refused', code: 'IMPORT_INVALID' });
    // The bad event is the last one: everything before it was read and checked first.
    expect(outcome.eventIndex).toBeGreaterThan(BYTES / 300);
    // Refused by its line in the file (the header is line 1), in words: the account by owner, the amounts as money.
    expect(outcome.message).toMatch(new RegExp(`^Line ${outcome.eventIndex! + 2}: this withdrawal of 99999999\\.00 EUR from .+ would overdraw the account, whose balance is`));

    expect(eventsOfExport(await call(page, 'exportJson'))).toEqual(before);
    expect(await call(page, 'verify')).toEqual([]);
    const after = await call(page, 'execute', { type: 'Deposit', commandId: 'after-import', data: { accountId: 'acc-1', amount: '1.00' } });
    expect(after).toMatchObject({ status: 'done', wrote: 1 });
    await context.close();
  },
  HEAVY ? 900_000 : 60_000,
);
