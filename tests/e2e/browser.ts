import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../vite.config';

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export function baseUrl(): string {
  return inject('baseUrl');
}

const LAUNCH_OPTIONS = { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true };

/** The system Chromium, headless, on this machine's closed network. */
export async function launch(): Promise<Browser> {
  return chromium.launch(LAUNCH_OPTIONS);
}

export const DESKTOP_VIEWPORT = { width: 1280, height: 860 };

/** The same Chromium on a profile folder that outlives it (IndexedDB and caches on disk), at a desktop size. */
export function launchOnProfile(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { ...LAUNCH_OPTIONS, viewport: DESKTOP_VIEWPORT });
}

/** A fresh profile (its own IndexedDB) at a desktop size. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: DESKTOP_VIEWPORT, acceptDownloads: true });
}

/** The one browser of a test file, launched before its first test and closed after its last. */
export interface BrowserSession {
  /** For hooks and tests: at the top level of a file it is not launched yet, so reading it there throws. */
  readonly browser: Browser;
  /** A fresh profile shared by several tests; the session closes it, before the browser. */
  sharedContext(): Promise<BrowserContext>;
}

/**
 * Registers the file's browser hooks; call it once at the top level. Hooks registered
 * before this call run their beforeAll first and their afterAll last (Vitest's default
 * stack order), so a resource the browser depends on can be set up around it.
 */
export function useBrowser(): BrowserSession {
  let launched: Browser | undefined;
  const shared: BrowserContext[] = [];
  beforeAll(async () => {
    launched = await launch();
  });
  afterAll(async () => {
    for (const context of shared) await context.close();
    await launched?.close();
  });
  const requireBrowser = (): Browser => {
    if (!launched) throw new Error('useBrowser(): the browser is launched in beforeAll; read it from a hook or a test');
    return launched;
  };
  return {
    get browser() {
      return requireBrowser();
    },
    async sharedContext() {
      const context = await newContext(requireBrowser());
      shared.push(context);
      return context;
    },
  };
}

/** Saves a full-page screenshot under test-results/screenshots for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Fails the test on any uncaught page error or console error, instead of letting it pass quietly. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}
