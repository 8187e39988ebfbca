import { expect, it } from 'vitest';
import {
  expectNoErrors,
  freshApp,
  money,
  moveMoneyTo,
  openAccount,
  showAccount,
  textContaining,
} from './app-actions';
import { baseUrl, screenshot, useBrowser } from './browser';

const session = useBrowser();

it('tells a tab on the old schema to reload, never blocks the upgrade, never runs old code on the newer schema, and loses nothing', async () => {
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
  const stored = () =>
    page.evaluate(
      () =>
        new Promise<{ version: number; commits: number }>((resolve, reject) => {
          const request = indexedDB.open('ledger');
          request.onsuccess = () => {
            const db = request.result;
            const count = db.transaction('commits').objectStore('commits').count();
            count.onsuccess = () => {
              resolve({ version: db.version, commits: count.result });
              db.close();
            };
          };
          request.onerror = () => reject(request.error);
        }),
    );
  const before = await stored();
  expect(before).toEqual({ version: nativeVersion! + 10, commits: 2 });
  await Promise.all([page.waitForEvent('load'), notice.getByRole('button', { name: 'Reload' }).click()]);

  // This page still has the old code (a real reload would get the newer release's): it will not read or write
  // what a newer schema stored, and says why instead.
  await page.getByRole('heading', { name: 'The ledger could not be opened' }).waitFor();
  await textContaining(
    page.getByRole('alert'),
    'This ledger was saved by a newer version of Ledger than this page runs. Reload the page to get the newer version; nothing stored was read or changed.',
  );
  await textContaining(page.getByRole('main'), 'close every Ledger tab and window, then open Ledger once more');
  await screenshot(page, 'pwa-schema-newer-than-code');
  expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
  expect(await stored()).toEqual(before);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
  await page.getByRole('heading', { name: 'The ledger could not be opened' }).waitFor();
  expect(await stored()).toEqual(before);
  expectNoErrors(oldTab);
  await context.close();
});
