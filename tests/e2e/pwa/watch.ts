import type { BrowserContext, Page } from 'playwright-core';

/**
 * Collects Content-Security-Policy violations of every document loaded after this
 * call (so call it before the first navigation), reloads included: each is
 * reported to Node as it happens, so none is lost with the page that saw it.
 */
export async function watchCsp(target: Page | BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await target.exposeFunction('reportCspViolation', (violation: string) => violations.push(violation));
  await target.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} in ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return violations;
}

/** Every URL any page or worker of the context requests, to prove nothing leaves the app's own origin. */
export function recordRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** Resolves once a service worker controls the page, i.e. every later load can be served from its cache. */
export async function serviceWorkerControls(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

/** The header's offline readiness, as a person reads it. */
export function offlineState(page: Page) {
  return page.getByRole('banner').getByRole('status').filter({ hasText: /offline/i });
}

/**
 * Chromium 150 (Debian's, under Playwright) starts a document loaded under offline emulation with
 * navigator.onLine true, though its requests still fail; a real offline browser reports false. Asserting the
 * emulation again for this document, without ever going online, gives the page what a person's would.
 */
export async function offlineForDocument(context: BrowserContext, page: Page): Promise<void> {
  if (!(await page.evaluate(() => navigator.onLine))) return;
  const devtools = await context.newCDPSession(page);
  await devtools.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}
