import { describe, expect, it } from 'vitest';
import { BACKGROUND_COLOR, CONTENT_SECURITY_POLICY, THEME_COLOR } from '../../src/pwa/build/plugins.mjs';
import { baseUrl, newContext, useBrowser } from './browser';
import { serviceWorkerControls, watchCsp } from './pwa/watch';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

const session = useBrowser();

async function served(path: string): Promise<Response> {
  const response = await fetch(new URL(path, baseUrl()));
  expect(response.status, path).toBe(200);
  return response;
}

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
async function pngSize(response: Response): Promise<{ width: number; height: number }> {
  const bytes = Buffer.from(await response.arrayBuffer());
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('installable app', () => {
  it('links a complete web app manifest whose icons are real PNGs of the stated size', async () => {
    const html = await (await served('/')).text();
    const manifestHref = html.match(/<link rel="manifest" href="([^"]+)"/)?.[1];
    expect(manifestHref).toBeDefined();
    const manifestUrl = new URL(manifestHref!, baseUrl());
    const manifest = (await (await served(manifestUrl.href)).json()) as Record<string, unknown> & { icons: ManifestIcon[] };
    expect(manifest).toMatchObject({
      name: 'Ledger',
      short_name: 'Ledger',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: THEME_COLOR,
      background_color: BACKGROUND_COLOR,
    });

    const sizesByPurpose = (purpose: string) =>
      manifest.icons.filter((icon) => (icon.purpose ?? 'any').split(' ').includes(purpose)).map((icon) => icon.sizes);
    expect(sizesByPurpose('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(sizesByPurpose('maskable').length).toBeGreaterThan(0);
    for (const icon of manifest.icons) {
      const response = await served(new URL(icon.src, manifestUrl).href);
      expect(response.headers.get('content-type')).toBe('image/png');
      const { width, height } = await pngSize(response);
      expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
    }

    const appleIcon = html.match(/<link rel="apple-touch-icon" href="([^"]+)"/)?.[1];
    expect(appleIcon).toBeDefined();
    expect(await pngSize(await served(appleIcon!))).toEqual({ width: 180, height: 180 });
    expect(html).toContain(`<meta name="theme-color" content="${THEME_COLOR}"`);
  });

  it('is installable by Chromium’s own checks, with the manifest parsed without errors', async () => {
    const context = await newContext(session.browser);
    const page = await context.newPage();
    await page.goto(baseUrl());
    await serviceWorkerControls(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.url).toBe(new URL('/manifest.webmanifest', baseUrl()).href);
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // Playwright contexts are incognito profiles, which never install; any other reason is ours.
    expect(installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await context.close();
  });
});

describe('content security policy', () => {
  it('ships a strict policy in the built page', async () => {
    const html = await (await served('/')).text();
    const policy = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1]?.replaceAll('&#39;', "'");
    expect(policy).toBe(CONTENT_SECURITY_POLICY);
    expect(policy).toContain("script-src 'self';");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
    // The policy must come before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('blocks inline scripts, eval and inline style attributes in the running app', async () => {
    // Without a worker, page.route sees every request, so the probe below is served as one of the app's own files.
    const context = await session.browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const violations = await watchCsp(page);
    await page.route('**/csp-probe.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: "try { eval('1'); window.cspProbe = 'eval ran'; } catch (error) { window.cspProbe = error.name; }",
      }),
    );
    await page.goto(baseUrl());
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(violations).toEqual([]);

    const outcome = await page.evaluate(async () => {
      const probe = Object.assign(document.createElement('script'), { src: '/csp-probe.js' });
      const loaded = new Promise((resolve) => probe.addEventListener('load', resolve));
      document.body.append(probe);
      await loaded;
      const inline = Object.assign(document.createElement('script'), { textContent: 'window.inlineRan = true' });
      document.body.append(inline);
      const styled = document.createElement('div');
      styled.innerHTML = '<p style="color: red">styled</p>';
      document.body.append(styled);
      const window_ = window as unknown as Record<string, unknown>;
      return {
        probe: window_.cspProbe,
        inlineRan: window_.inlineRan ?? false,
        color: getComputedStyle(styled.firstElementChild!).color,
      };
    });
    expect(outcome.probe).toBe('EvalError');
    expect(outcome.inlineRan).toBe(false);
    expect(outcome.color).not.toBe('rgb(255, 0, 0)');
    await expect.poll(() => violations.map((v) => v.split(' ')[0]).sort()).toEqual(['script-src', 'script-src-elem', 'style-src-attr']);
    await context.close();
  });
});
