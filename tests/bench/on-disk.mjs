// A Chromium whose IndexedDB is on disk, as in a person's browser. `chromium.launch()` followed by
// `browser.newPage()` opens an off-the-record context, and Chromium keeps an off-the-record profile's
// IndexedDB in memory: nothing reaches the disk (written 10 MB in one, and its profile folder stayed empty).
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.mjs';

/**
 * Launches Chromium on a fresh profile folder of its own: `newPage()` gives its pages, `browser` is for
 * DevTools sessions and the version, and `close()` closes it. Playwright makes the folder (an empty
 * userDataDir) and deletes it, with every database in it, also when this process is killed. With
 * `inMemory`, it is an off-the-record context instead, for comparison with figures measured that way.
 */
export async function launchOnDisk({ args = [], inMemory = false } = {}) {
  const options = { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...args] };
  const context = inMemory ? await (await chromium.launch(options)).newContext() : await chromium.launchPersistentContext('', options);
  // A persistent context opens with a blank page: the first page asked for is that one, so no idle tab runs beside it.
  const blank = inMemory ? [] : context.pages().filter((page) => page.url() === 'about:blank');
  return {
    browser: context.browser(),
    newPage: () => blank.shift() ?? context.newPage(),
    close: () => (inMemory ? context.browser().close() : context.close()),
  };
}
