import { expect, it } from 'vitest';
import {
  accountBalance,
  accountListing,
  expectNoErrors,
  goTo,
  money,
  moveMoneyTo,
  openAccount,
  openApp,
  showAccount,
  textContaining,
  transactionRows,
} from './app-actions';
import { baseUrl, newContext, screenshot, useBrowser } from './browser';
import { offlineForDocument, offlineState, recordRequests, serviceWorkerControls, watchCsp } from './pwa/watch';

const session = useBrowser();

it('starts and works fully with no network once installed, import included, then comes back online with nothing lost', async () => {
  const context = await newContext(session.browser);
  const requests = recordRequests(context);
  const violations = await watchCsp(context);
  const app = await openApp(context);
  const { page } = app;
  // The first visit registers the worker, which precaches the shell and takes the page over.
  await serviceWorkerControls(page);
  await textContaining(offlineState(page), 'Ready to work offline');
  await screenshot(page, 'pwa-ready-offline');

  await context.setOffline(true);
  const offlineLoad = await page.reload();
  expect(offlineLoad?.fromServiceWorker()).toBe(true);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await offlineForDocument(context, page);
  await textContaining(offlineState(page), 'Working offline');

  await openAccount(page, 'Ada Lovelace', 'EUR', '100.00');
  await openAccount(page, 'Bob Bemer', 'EUR');
  await showAccount(page, 'Ada Lovelace');
  await moveMoneyTo(page, 'Deposit', '25.50', '125.50');
  await moveMoneyTo(page, 'Transfer', '40.00', '85.50', { to: 'Bob Bemer' });
  // The rows arrive by their own live query, after the balance: wait for them rather than read once.
  await expect.poll(async () => (await transactionRows(page)).length, { timeout: 10_000 }).toBe(3);
  await goTo(page, 'History');
  const ledgerThen = page.getByRole('region', { name: 'The whole ledger at a point in time' });
  await textContaining(ledgerThen.getByRole('status'), 'After event 6 of 6');
  await page.getByRole('region', { name: 'One account, version by version' }).getByRole('img').waitFor();
  await screenshot(page, 'pwa-working-offline');

  // An import checks its file in a Worker: that script, too, must come from the precache.
  await goTo(page, 'Data');
  const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export ledger' }).click()]);
  const importPanel = page.getByRole('region', { name: 'Import' });
  await importPanel.getByLabel('Ledger file (JSON)').setInputFiles(await exported.path());
  await importPanel.getByRole('button', { name: 'Import', exact: true }).click();
  const checker = page.waitForEvent('worker', { predicate: (worker) => worker.url().includes('import-worker'), timeout: 10_000 });
  await page.getByRole('alertdialog', { name: 'Replace your ledger?' }).getByRole('button', { name: 'Replace ledger' }).click();
  // It ran: a Worker whose script fails to load never starts (and the page would check the file itself).
  expect((await checker).url()).toContain('/assets/import-worker-');
  await textContaining(importPanel.getByRole('status'), 'Imported 6 events in 2 accounts.');

  await context.setOffline(false);
  await textContaining(offlineState(page), 'Ready to work offline');
  await page.reload();
  await goTo(page, 'Accounts');
  // Each owner cell also shows the account's short id, which differs per run.
  const listing = await accountListing(page);
  expect(listing.map((line) => line.replace(/ [0-9a-f]{8} \|/, ' |'))).toEqual([
    `Ada Lovelace | EUR | Open | ${await money(page, '85.50')}`,
    `Bob Bemer | EUR | Open | ${await money(page, '40.00')}`,
  ]);
  await showAccount(page, 'Bob Bemer');
  await textContaining(accountBalance(page), await money(page, '40.00'));

  const origin = new URL(baseUrl()).origin;
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  expect(violations).toEqual([]);
  expectNoErrors(app);
  await context.close();
});
