#!/usr/bin/env node
// `node tests/bench/probes/cpu-profile.mjs <phase> [events] [accounts]`: the top functions of one benchmark phase by
// self time and by inclusive time, from Chromium's own CPU profiler. For finding where time goes; the figures
// come from `npm run bench`. The phase `importOnThread` is the import run on the page's thread, where the
// profiler sees it (the app's import runs in a Worker).
import { build, preview } from 'vite';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchOnDisk } from '../on-disk.mjs';

// The benchmark page (tests/bench/index.html) is the build's root; its output goes where run.mjs puts it.
const bench = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [phase = 'importLog', events = '100000', accounts = '100'] = process.argv.slice(2);
const config = { root: bench, configFile: false, logLevel: 'error', build: { outDir: join(resolve(bench, '../..'), 'test-results', 'bench-dist'), emptyOutDir: true, target: 'es2022', minify: false } };
await build(config);
const server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1' } });
const browser = await launchOnDisk();
const page = await browser.newPage();
await page.goto(server.resolvedUrls.local[0]);
await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
await page.evaluate(([n, a]) => window.bench.prepare(n, a), [Number(events), Number(accounts)]);
if (!['importLog', 'importOnThread', 'checkOnly'].includes(phase)) await page.evaluate(() => window.bench.importLog('profiled'));
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const started = Date.now();
await page.evaluate((p) => (p === 'deposits' || p === 'warmDeposits' ? window.bench.deposits('profiled', 1000, p === 'warmDeposits' ? 'same' : 'random') : window.bench[p]('profiled')), phase);
const wall = Date.now() - started;
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = new Map();
profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const keyOf = (f) => `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
for (const node of profile.nodes) self.set(keyOf(node.callFrame), (self.get(keyOf(node.callFrame)) ?? 0) + (dt.get(node.id) ?? 0) / 1000);
// Inclusive time: a function's own samples and its callees', counted once where it recurses.
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const inclusive = new Map();
const walk = (node, stack) => {
  const key = keyOf(node.callFrame);
  const outer = !stack.has(key);
  const inner = outer ? new Set(stack).add(key) : stack;
  let total = (dt.get(node.id) ?? 0) / 1000;
  for (const child of node.children ?? []) total += walk(byId.get(child), inner);
  if (outer) inclusive.set(key, (inclusive.get(key) ?? 0) + total);
  return total;
};
walk(profile.nodes[0], new Set());
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${key}`).join('\n');
console.log(`${phase}: ${wall} ms wall\n--- self\n${top(self, 25)}\n--- inclusive\n${top(inclusive, 40)}`);
await browser.close();
server.httpServer.close();
