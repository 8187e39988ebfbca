import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import {
  accountBalance,
  accountListing,
  expectNoErrors,
  money,
  moveMoneyTo,
  openAccount,
  openApp,
  showAccount,
  textContaining,
  transactionRows,
} from './app-actions';
import { launchOnProfile, screenshot } from './browser';
import { offlineForDocument, offlineState, serviceWorkerControls } from './pwa/watch';

// The other e2e tests open off-the-record contexts, whose IndexedDB and caches Chromium keeps in memory
// and drops with the browser. Here the profile is a folder on disk, as in a person's browser, and the whole
// browser is closed and started again on it.
let profile: string | undefined;
let context: BrowserContext | undefined;

afterEach(async () => {
  await context?.close();
  context = undefined;
  if (profile) rmSync(profile, { recursive: true, force: true });
  profile = undefined;
});

it('keeps the ledger when the browser is closed, and starts from disk with no network the next time', async () => {
  profile = mkdtempSync(join(tmpdir(), 'ledger-restart-'));
  context = await launchOnProfile(profile);
  const first = await openApp(context);
  await serviceWorkerControls(first.page);
  await textContaining(offlineState(first.page), 'Ready to work offline');
  await openAccount(first.page, 'Ada Lovelace', 'EUR', '100.00');
  await showAccount(first.page, 'Ada Lovelace');
  await moveMoneyTo(first.page, 'Deposit', '25.50', '125.50');
  expectNoErrors(first);
  await context.close();

  // The next day, on a plane: a new browser process on the same profile, offline before its first request.
  context = await launchOnProfile(profile);
  await context.setOffline(true);
  // Answers that did not come from the service worker: with no network, there must be none.
  const notFromWorker: string[] = [];
  context.on('response', (response) => {
    if (!response.fromServiceWorker()) notFromWorker.push(response.url());
  });
  const offline = await openApp(context);
  expect(offline.response?.fromServiceWorker()).toBe(true);
  expect(await offline.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // The network is really gone, for the page and its service worker alike: what is not in the cache fails.
  const uncached = await offline.page.evaluate(() => fetch(`/not-precached-${Date.now()}.json`).then(() => 'answered', () => 'failed'));
  expect(uncached).toBe('failed');
  // That failure is the one console error expected here; any other still fails the test.
  expect(offline.errors).toEqual(['console: Failed to load resource: net::ERR_INTERNET_DISCONNECTED']);
  offline.errors.length = 0;
  await offlineForDocument(context, offline.page);
  await textContaining(offlineState(offline.page), 'Working offline');
  const listing = await accountListing(offline.page);
  expect(listing.map((line) => line.replace(/ [0-9a-f]{8} \|/, ' |'))).toEqual([`Ada Lovelace | EUR | Open | ${await money(offline.page, '125.50')}`]);
  await showAccount(offline.page, 'Ada Lovelace');
  await moveMoneyTo(offline.page, 'Withdraw', '5.00', '120.50');
  await screenshot(offline.page, 'pwa-restarted-offline');
  expect(notFromWorker).toEqual([]);
  expectNoErrors(offline);
  await context.close();

  // Online again, in a third browser process: everything done offline is there, in order.
  context = await launchOnProfile(profile);
  const online = await openApp(context, '#/accounts');
  await showAccount(online.page, 'Ada Lovelace');
  await textContaining(accountBalance(online.page), await money(online.page, '120.50'));
  await expect.poll(async () => (await transactionRows(online.page)).length, { timeout: 10_000 }).toBe(3);
  // Newest first: the withdrawal made offline, then the deposit, then the opening deposit, each with its running balance.
  const rows = (await transactionRows(online.page)).map((cells) => cells.slice(1).join(' | '));
  expect(rows).toEqual([
    `Withdrawal | ${await money(online.page, '-5.00', 'EUR', true)} | ${await money(online.page, '120.50')}`,
    `Deposit | ${await money(online.page, '25.50', 'EUR', true)} | ${await money(online.page, '125.50')}`,
    `Deposit Initial deposit | ${await money(online.page, '100.00', 'EUR', true)} | ${await money(online.page, '100.00')}`,
  ]);
  expectNoErrors(online);
});
