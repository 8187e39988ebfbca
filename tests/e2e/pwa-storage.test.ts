import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateLog } from '../bench/generate';
import { expectNoErrors, freshApp, openAccount, openApp, textContaining, until } from './app-actions';
import { baseUrl, newContext, screenshot, useBrowser } from './browser';
import { watchCsp } from './pwa/watch';

const session = useBrowser();

const storageButton = (page: Page) => page.getByRole('button', { name: /^Storage:/ });
const storagePanel = (page: Page) => page.getByRole('dialog', { name: 'Storage in this browser' });

/** Counts calls to navigator.storage.persist() while leaving the browser's answer untouched. */
const countPersistRequests = () => {
  const persist = StorageManager.prototype.persist;
  const counter = window as unknown as { persistRequests: number };
  counter.persistRequests = 0;
  StorageManager.prototype.persist = function (this: StorageManager) {
    counter.persistRequests += 1;
    return persist.call(this);
  };
};
const persistRequests = (page: Page) => page.evaluate(() => (window as unknown as { persistRequests: number }).persistRequests);

describe('storage that survives', () => {
  it('asks to keep the data once the first account exists, and reminds to export while it may be cleared', async () => {
    const context = await newContext(session.browser);
    await context.addInitScript(countPersistRequests);
    const violations = await watchCsp(context);
    const app = await openApp(context);
    const { page } = app;
    await textContaining(storageButton(page), 'Not persistent');
    expect(await persistRequests(page)).toBe(0);

    await openAccount(page, 'Ada Lovelace', 'EUR', '10.00');
    await until(() => persistRequests(page), (count) => count === 1);
    // Headless Chromium declines (its heuristics need an installed or much-used site): the reminder stays.
    await textContaining(storageButton(page), 'Not persistent');
    await openAccount(page, 'Bob Bemer', 'EUR');
    expect(await persistRequests(page)).toBe(1);
    // Installing the app asks once more: a browser may grant persistence to an installed app.
    await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
    await until(() => persistRequests(page), (count) => count === 2);

    await storageButton(page).click();
    const panel = storagePanel(page);
    await panel.waitFor();
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    expect(usage).toBeGreaterThan(0);
    await textContaining(panel, 'Used');
    await textContaining(panel, 'No: the browser may clear this data when space runs low.');
    await textContaining(panel.getByRole('note'), 'Export a copy regularly');
    await textContaining(panel, 'Not exported from this browser yet.');
    await screenshot(page, 'pwa-storage-not-persistent');
    await panel.getByRole('link', { name: 'Export your ledger' }).click();
    await page.getByRole('heading', { level: 2, name: 'Your data' }).waitFor();
    await panel.waitFor({ state: 'hidden' });
    expect(violations).toEqual([]);
    expectNoErrors(app);
    await context.close();
  });

  it('says the data is kept when the browser has made the storage persistent', async () => {
    const context = await newContext(session.browser);
    await context.addInitScript(countPersistRequests);
    // Headless Chromium never grants persistence, so its answer is stood in for: a browser that already granted it.
    await context.addInitScript(() => {
      StorageManager.prototype.persisted = () => Promise.resolve(true);
    });
    const app = await openApp(context);
    const { page } = app;
    await openAccount(page, 'Ada Lovelace');
    await textContaining(storageButton(page), 'Persistent');
    expect(await storageButton(page).textContent()).not.toContain('Not persistent');
    expect(await persistRequests(page)).toBe(0);
    await storageButton(page).click();
    await textContaining(storagePanel(page), 'Yes: the browser keeps this data even when space runs low.');
    // Kept, but never copied: the reminder is only to export, not that the browser may clear it.
    await textContaining(storagePanel(page).getByRole('note'), 'Export a copy and keep it somewhere safe');
    expect(await storagePanel(page).getByRole('note').textContent()).not.toContain('may clear');
    expectNoErrors(app);
    await context.close();
  });

  it('shows the quota message when the browser refuses to store more, writes nothing, and recovers', async () => {
    const { context, ...app } = await freshApp(session.browser, '#/data');
    const { page } = app;
    // A real quota, enforced by Chromium itself. Chromium lets small transactions through under a
    // tiny quota, so the write is an import of 2,000 events: one transaction of about half a megabyte.
    const cdp = await context.newCDPSession(page);
    const origin = new URL(baseUrl()).origin;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
    const importPanel = page.getByRole('region', { name: 'Import' });
    const ledgerFile = { name: 'ledger.json', mimeType: 'application/json', buffer: Buffer.from(generateLog(2_000, 20).text) };
    await importPanel.getByLabel('Ledger file (JSON)').setInputFiles(ledgerFile);
    await importPanel.getByRole('button', { name: 'Import', exact: true }).click();
    await importPanel.getByRole('alertdialog', { name: 'Import this file?' }).getByRole('button', { name: 'Import file' }).click();
    await textContaining(
      importPanel.getByRole('alert'),
      'The browser refused to store more data (storage quota exceeded). Nothing was written; export the ledger and free some space.',
    );
    await screenshot(page, 'pwa-quota-exceeded');
    await textContaining(page.getByRole('main').getByRole('status').first(), 'This ledger is empty.');

    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await importPanel.getByLabel('Ledger file (JSON)').setInputFiles(ledgerFile);
    await importPanel.getByRole('button', { name: 'Import', exact: true }).click();
    await importPanel.getByRole('alertdialog', { name: 'Import this file?' }).getByRole('button', { name: 'Import file' }).click();
    await textContaining(importPanel.getByRole('status'), 'Imported 2,000 events in 20 accounts.');
    expectNoErrors(app);
    await context.close();
  });
});

describe('no IndexedDB', () => {
  it.each([
    ['is missing', () => Object.defineProperty(window, 'indexedDB', { value: undefined })],
    [
      'refuses to open',
      () => {
        IDBFactory.prototype.open = () => {
          throw new DOMException('The operation is insecure.', 'SecurityError');
        };
      },
    ],
  ])('explains what is wrong instead of a blank page when IndexedDB %s', async (name, block) => {
    const context = await newContext(session.browser);
    await context.addInitScript(block);
    const page = await context.newPage();
    await page.goto(baseUrl());
    await page.getByRole('heading', { name: 'The ledger could not be opened' }).waitFor();
    await textContaining(page.getByRole('alert'), 'This browser does not let Ledger store data here: IndexedDB is unavailable or blocked.');
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    if (name === 'is missing') await screenshot(page, 'pwa-no-indexeddb');
    await context.close();
  });
});
