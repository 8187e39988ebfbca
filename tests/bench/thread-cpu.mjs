#!/usr/bin/env node
// `node tests/bench/thread-cpu.mjs [events] [accounts]`: the CPU each Chromium thread spends on one import, read
// from /proc (Linux only), to see which of the page, the checker Worker and the browser's IndexedDB backend
// bounds it. The figures that count come from `npm run bench`.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [events = '1000000', accounts = '1000'] = process.argv.slice(2);
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString());

/** CPU time so far of every thread of every Chromium process, by "pid thread-name tid". */
function threadTimes() {
  const times = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let command;
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!command.includes('chrom')) continue;
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        times.set(`${pid} ${name} ${tid}`, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return times;
}

const config = { root: here, configFile: false, logLevel: 'error', build: { outDir: join(resolve(here, '../..'), 'test-results', 'bench-dist'), emptyOutDir: true, target: 'es2022' } };
await build(config);
const server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1' } });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--js-flags=--max-old-space-size=8192'] });
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
