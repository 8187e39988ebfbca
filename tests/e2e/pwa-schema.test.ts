import { expect, it } from 'vitest';
import {
  accountBalance,
  expectNoErrors,
  freshApp,
  money,
  moveMoneyTo,
  openAccount,
  showAccount,
  textContaining,
  transactionRows,
} from './app-actions';
import { baseUrl, screenshot, useBrowser } from './browser';

const session = useBrowser();

it('tells a tab on the old schema to reload, never blocks the upgrade, and loses nothing', async () => {
  const { context, ...oldTab } = await freshApp(session.browser);
  const { page } = oldTab;
  await openAccount(page, 'Ada Lovelace', 'EUR', '100.00');
  await showAccount(page, 'Ada Lovelace');
  await moveMoneyTo(page, 'Deposit', '20.00', '120.00');
  const nativeVersion = await page.evaluate(async () => (await indexedDB.databases()).find((db) => db.name === 'ledger')?.version);
  expect(nativeVersion).toBeGreaterThan(0);

  // A newer release in another tab: it opens the same database one schema version up and adds a store.
  const newTab = await context.newPage();
  await newTab.goto(new URL('/manifest.webmanifest', baseUrl()).href);
  const upgrade = await newTab.evaluate(
    (version) =>
      new Promise<string[]>((resolve) => {
        const steps: string[] = [];
        const request = indexedDB.open('ledger', version);
        request.onblocked = () => steps.push('blocked');
        request.onupgradeneeded = (event) => {
          steps.push(`upgrade ${event.oldVersion} -> ${event.newVersion}`);
          request.result.createObjectStore('addedByNewerRelease');
        };
        request.onsuccess = () => {
          steps.push('open');
          request.result.close();
          resolve(steps);
        };
        request.onerror = () => resolve([...steps, `error ${request.error?.name}`]);
      }),
    nativeVersion! + 10,
  );
  expect(upgrade).toEqual([`upgrade ${nativeVersion} -> ${nativeVersion! + 10}`, 'open']);
  // Done with it; a page left in front would also throttle the old tab's animation frames.
  await newTab.close();

  const notice = page.getByRole('alert').filter({ hasText: 'Ledger was updated in another tab' });
  await notice.waitFor();
  await screenshot(page, 'pwa-schema-updated-elsewhere');
  await Promise.all([page.waitForEvent('load'), notice.getByRole('button', { name: 'Reload' }).click()]);

  await textContaining(accountBalance(page), await money(page, '120.00'));
  // The rows arrive by their own live query, after the balance: wait for them rather than read once.
  await expect.poll(async () => (await transactionRows(page)).length, { timeout: 10_000 }).toBe(2);
  // The reloaded tab runs on the upgraded database and can still write.
  expect(
    await page.evaluate(async () => (await indexedDB.databases()).find((db) => db.name === 'ledger')?.version),
  ).toBe(nativeVersion! + 10);
  await moveMoneyTo(page, 'Deposit', '5.00', '125.00');
  expect(await page.getByRole('alert').count()).toBe(0);
  expectNoErrors(oldTab);
  await context.close();
});
