import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { accountListing, expectNoErrors, openAccount, textContaining, until, type AppPage } from './app-actions';
import { newContext, screenshot, useBrowser, watchErrors } from './browser';
import { buildApp } from './pwa/build-app';
import { startSwitchableServer, type SwitchableServer } from './pwa/static-server';
import { offlineState, serviceWorkerControls } from './pwa/watch';

const FIRST = 'first-release';
const SECOND = 'second-release';

let workDir: string;
let server: SwitchableServer;

// Registered before the browser, so the releases are served before it launches and after it closes
// (Vitest runs afterAll hooks last-registered first).
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ledger-pwa-update-'));
  // Two deploys of the same code that differ only in their build id, as two releases would.
  await buildApp(join(workDir, FIRST), FIRST);
  await buildApp(join(workDir, SECOND), SECOND);
  server = await startSwitchableServer(join(workDir, FIRST));
});
afterAll(async () => {
  await server?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});
const session = useBrowser();

async function openTab(context: BrowserContext): Promise<AppPage> {
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  const errors = watchErrors(page);
  await page.goto(`${server.url}#/accounts`);
  await serviceWorkerControls(page);
  await textContaining(offlineState(page), 'Ready to work offline');
  return { page, errors };
}

/** The build the page runs, as the storage panel states it. */
async function runningBuild(page: Page): Promise<string> {
  const text = await page.getByText(/^Ledger version /).textContent();
  return text?.replace('Ledger version ', '').trim() ?? '';
}

const ownerField = (page: Page) => page.getByRole('region', { name: 'Open an account' }).getByLabel('Owner name');
const updatePrompt = (page: Page) => page.getByRole('status').filter({ hasText: 'A new version is ready' });

/** Marks the current document, so a reload (a new document) is told apart from the same page living on. */
const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { markedDocument: true }));
const sameDocument = (page: Page) => page.evaluate(() => 'markedDocument' in window);

/** Clicks Reload in the prompt and waits for the page to come back on a new document. */
async function reloadFromPrompt(page: Page): Promise<void> {
  // Background pages get few animation frames, which Playwright's click waits on.
  await page.bringToFront();
  await Promise.all([page.waitForEvent('load'), updatePrompt(page).getByRole('button', { name: 'Reload' }).click()]);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  expect(await sameDocument(page)).toBe(false);
}

it('offers a new deploy without swapping it in, and applies it in each tab only when the person chooses', async () => {
  const context = await newContext(session.browser);
  const first = await openTab(context);
  await openAccount(first.page, 'Ada Lovelace', 'EUR', '10.00');
  const second = await openTab(context);
  for (const { page } of [first, second]) {
    await page.bringToFront();
    await until(() => runningBuild(page), (build) => build === FIRST);
    // Half-way through typing when the new release lands.
    await ownerField(page).fill('Grace Hop');
    await markDocument(page);
  }

  server.serve(join(workDir, SECOND));
  await first.page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });
  for (const { page } of [first, second]) {
    await updatePrompt(page).waitFor();
    // Nothing was swapped under the person: same document, same build, the typing intact.
    expect(await sameDocument(page)).toBe(true);
    expect(await runningBuild(page)).toBe(FIRST);
    expect(await ownerField(page).inputValue()).toBe('Grace Hop');
  }
  await screenshot(first.page, 'pwa-update-ready');
  await second.page.bringToFront();
  await updatePrompt(second.page).getByRole('button', { name: 'Later' }).click();
  await updatePrompt(second.page).waitFor({ state: 'detached' });

  await reloadFromPrompt(first.page);
  await until(() => runningBuild(first.page), (build) => build === SECOND);
  expect(await updatePrompt(first.page).count()).toBe(0);
  expect(await accountListing(first.page)).toEqual([expect.stringMatching(/^Ada Lovelace /)]);

  // The other tab now runs old code under the new worker: it asks again, yet still waits for its person.
  await updatePrompt(second.page).waitFor();
  expect(await sameDocument(second.page)).toBe(true);
  expect(await ownerField(second.page).inputValue()).toBe('Grace Hop');
  await reloadFromPrompt(second.page);
  await until(() => runningBuild(second.page), (build) => build === SECOND);

  expectNoErrors(first);
  expectNoErrors(second);
  await context.close();
});
