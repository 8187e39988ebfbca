// A Chromium whose IndexedDB is on disk, as in a person's browser. `chromium.launch()` followed by
// `browser.newPage()` opens an off-the-record context, and Chromium keeps an off-the-record profile's
// IndexedDB in memory: nothing reaches the disk (written 10 MB in one, and its profile folder stayed empty).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.mjs';

/**
 * Launches Chromium on a fresh profile folder of its own: `newPage()` opens pages in it, `browser` is for
 * DevTools sessions and the version, and `close()` closes it and deletes the folder, with every database in it.
 * With `inMemory`, it is the off-the-record context instead, for comparison with figures measured that way.
 */
export async function launchOnDisk({ args = [], inMemory = false } = {}) {
  const options = { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...args] };
  if (inMemory) {
    const browser = await chromium.launch(options);
    const context = await browser.newContext();
    return { browser, newPage: () => context.newPage(), close: () => browser.close() };
  }
  const profile = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const context = await chromium.launchPersistentContext(profile, options);
  return {
    browser: context.browser(),
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
