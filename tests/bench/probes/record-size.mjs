#!/usr/bin/env node
// `node tests/bench/probes/record-size.mjs [events] [lines per record…]`: what one IndexedDB transaction costs in
// this Chromium when the same event lines are grouped into records of different sizes, and, for comparison,
// 1,000 records of one string just under and just over 64 KiB. Each case runs in a fresh browser (a
// database's background work would otherwise leak into the next case) and reports the wall time to the
// transaction's complete event and the CPU the browser process (where IndexedDB's backend runs) spent.
import { createServer } from 'node:http';
import { launchOnDisk } from '../on-disk.mjs';
import { processTimes } from '../proc-cpu.mjs';

const [events = '1000000', ...sizes] = process.argv.slice(2);
const cases = [...(sizes.length ? sizes : ['128', '256', '1024', '2048']).map((n) => ({ lines: Number(n) })), { chars: 60_000 }, { chars: 66_000 }];

const server = createServer((_, response) => response.end('<!doctype html><title>record size</title>')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.on('listening', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

for (const test of cases) {
  const browser = await launchOnDisk();
  const page = await browser.newPage();
  await page.goto(url);
  await page.evaluate(
    ([total, test]) => {
      // Lines shaped like an export's (~230 characters), or opaque strings of one size.
      const lines = [];
      if (test.lines) {
        for (let i = 1; i <= total; i++) {
          const a = `acc-${i % 1000}`;
          const event = { position: i, streamId: a, version: Math.ceil(i / 1000), type: 'MoneyDeposited', schemaVersion: 2, data: { accountId: a, amount: `${i % 997}.${i % 89}` }, metadata: { eventId: `e-${i}`, commandId: `c-${i}`, at: new Date(1.6e12 + i * 1000).toISOString() } };
          lines.push(JSON.stringify(event));
        }
      }
      window.records = test.lines
        ? Array.from({ length: Math.ceil(total / test.lines) }, (_, k) => ({ s: 'a', v: k, events: lines.slice(k * test.lines, (k + 1) * test.lines) }))
        : Array.from({ length: 1000 }, (_, k) => ({ s: 'a', v: k, text: `${k}${crypto.randomUUID().repeat(Math.ceil(test.chars / 36))}`.slice(0, test.chars) }));
    },
    [Number(events), test],
  );
  const before = processTimes();
  const ms = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('sizes', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('records', { keyPath: ['s', 'v'] });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const start = performance.now();
    const tx = db.transaction('records', 'readwrite', { durability: 'relaxed' });
    for (const record of window.records) tx.objectStore('records').add(record);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    return performance.now() - start;
  });
  const after = processTimes();
  const label = test.lines ? `${Number(events).toLocaleString('en')} lines, ${test.lines} a record` : `1,000 records of ${test.chars.toLocaleString('en')} characters`;
  console.log(`${label.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms   browser process CPU ${String(after.browser - before.browser).padStart(6)} ms`);
  await browser.close();
}
server.close();
