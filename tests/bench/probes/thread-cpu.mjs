#!/usr/bin/env node
// `node tests/bench/probes/thread-cpu.mjs [events] [accounts]`: the CPU each Chromium thread spends on one import, read
// from /proc (Linux only), to see which of the page, the import Worker and the browser's IndexedDB backend
// bounds it. The figures that count come from `npm run bench`.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { launchOnDisk } from '../on-disk.mjs';
import { threadTimes } from '../proc-cpu.mjs';

// The benchmark page (tests/bench/index.html) is the build's root; its output goes where run.mjs puts it.
const bench = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [events = '1000000', accounts = '1000'] = process.argv.slice(2);
const config = { root: bench, configFile: false, logLevel: 'error', build: { outDir: join(resolve(bench, '../..'), 'test-results', 'bench-dist'), emptyOutDir: true, target: 'es2022' } };
await build(config);
const server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1' } });
const browser = await launchOnDisk({ args: ['--js-flags=--max-old-space-size=8192'] });
const page = await browser.newPage();
await page.goto(server.resolvedUrls.local[0]);
await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
await page.evaluate(([n, a]) => window.bench.prepare(n, a), [Number(events), Number(accounts)]);
// The Worker ends with the import, and its thread with it: sample while the import runs to keep its last figure.
const seen = new Map();
const sample = () => {
  for (const [key, ms] of threadTimes()) seen.set(key, ms);
};
const before = threadTimes();
const sampler = setInterval(sample, 100);
const { ms } = await page.evaluate(() => window.bench.importLog('thread-cpu'));
clearInterval(sampler);
sample();
console.log(`import of ${Number(events).toLocaleString('en')} events: ${Math.round(ms)} ms wall; CPU by thread:`);
const spent = [...seen].map(([key, total]) => [key, total - (before.get(key) ?? 0)]).filter(([, cpu]) => cpu >= 50);
for (const [key, cpu] of spent.sort((a, b) => b[1] - a[1])) console.log(`${String(Math.round(cpu)).padStart(7)} ms  ${key}`);
await page.evaluate(() => window.bench.drop('thread-cpu'));
await browser.close();
server.httpServer.close();
