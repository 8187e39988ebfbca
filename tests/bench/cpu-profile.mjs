#!/usr/bin/env node
// `node tests/bench/cpu-profile.mjs <phase> [events] [accounts]`: the top self-time functions of one benchmark phase,
// from Chromium's own CPU profiler. For finding where time goes; the figures come from `npm run bench`.
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [phase = 'importLog', events = '100000', accounts = '100'] = process.argv.slice(2);
const config = { root: here, configFile: false, logLevel: 'error', build: { outDir: join(resolve(here, '../..'), 'test-results', 'bench-dist'), emptyOutDir: true, target: 'es2022', minify: false } };
await build(config);
const server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1' } });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage();
await page.goto(server.resolvedUrls.local[0]);
await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
await page.evaluate(([n, a]) => window.bench.prepare(n, a), [Number(events), Number(accounts)]);
if (phase !== 'importLog' && phase !== 'checkOnly') await page.evaluate(() => window.bench.importLog('profiled'));
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const started = Date.now();
await page.evaluate((p) => (p === 'deposits' || p === 'warmDeposits' ? window.bench.deposits('profiled', 1000, p === 'warmDeposits' ? 'warm' : 'cold') : window.bench[p]('profiled')), phase);
const wall = Date.now() - started;
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
for (const node of profile.nodes) {
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0) / 1000);
}
console.log(`${phase}: ${wall} ms wall`);
for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms.toFixed(0).padStart(7)} ms  ${key}`);
await browser.close();
server.httpServer.close();
