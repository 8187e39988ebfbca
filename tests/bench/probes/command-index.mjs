#!/usr/bin/env node
// What does an index entry per imported command cost an import? Writes the same 1M events' text as 1,000
// records of 1,000 events each, on IndexedDB on disk, three ways taking turns: with no command index, with a
// multiEntry index over each record's 1,000 command ids, and with the ids hashed into 128 bucket records
// beside them (the layout the import writes). `node tests/bench/probes/command-index.mjs [--tries 3]`
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { launchOnDisk } from '../on-disk.mjs';

const { values } = parseArgs({ options: { tries: { type: 'string', default: '3' }, events: { type: 'string', default: '1000000' } } });
const server = createServer((_, res) => res.end('<!doctype html><title>probe</title>')).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

async function once(layout, events) {
  const chrome = await launchOnDisk();
  const page = await chrome.newPage();
  await page.goto(url);
  const ms = await page.evaluate(
    async ([layout, events]) => {
      const perRecord = 1000;
      const text = (i) => JSON.stringify({ position: i, streamId: `acct-${i % 1000}`, version: i, type: 'MoneyDeposited', schemaVersion: 2, data: { amount: '12.34', description: 'probe' }, metadata: { eventId: crypto.randomUUID(), commandId: crypto.randomUUID(), at: new Date().toISOString() } });
      const records = [];
      for (let r = 0; r < events / perRecord; r++) {
        const lines = Array.from({ length: perRecord }, (_, i) => text(r * perRecord + i + 1));
        const record = { streamId: `s-${r}`, version: 1, position: r * perRecord + 1, events: lines };
        if (layout !== 'none') record.ids = lines.map((line) => JSON.parse(line).metadata.commandId);
        records.push(record);
      }
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('probe', 1);
        open.onupgradeneeded = () => {
          const commits = open.result.createObjectStore('commits', { keyPath: ['streamId', 'version'] });
          commits.createIndex('position', 'position');
          if (layout === 'multiEntry') commits.createIndex('commandIds', 'ids', { multiEntry: true });
          if (layout === 'buckets') open.result.createObjectStore('buckets', { keyPath: 'bucket' });
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const started = performance.now();
      await new Promise((resolve, reject) => {
        const tx = db.transaction(layout === 'buckets' ? ['commits', 'buckets'] : ['commits'], 'readwrite', { durability: 'relaxed' });
        const commits = tx.objectStore('commits');
        for (const { ids, ...record } of records) commits.add(layout === 'multiEntry' ? { ...record, ids } : record);
        if (layout === 'buckets') {
          const buckets = Array.from({ length: 128 }, (_, bucket) => ({ bucket, ids: [] }));
          for (const { ids } of records) for (const id of ids) buckets[id.charCodeAt(0) * 31 + id.charCodeAt(1) & 127].ids.push(id);
          for (const bucket of buckets) tx.objectStore('buckets').add({ bucket: bucket.bucket, ids: `${bucket.ids.join('\n')}\n` });
        }
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      return performance.now() - started;
    },
    [layout, events],
  );
  await chrome.close();
  return ms;
}

const layouts = ['none', 'multiEntry', 'buckets'];
const times = Object.fromEntries(layouts.map((layout) => [layout, []]));
for (let i = 0; i < Number(values.tries); i++) {
  for (const layout of layouts) times[layout].push(await once(layout, Number(values.events)));
  console.log(`try ${i + 1}: ${layouts.map((l) => `${l} ${times[l].at(-1).toFixed(0)} ms`).join(', ')}`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median: ${layouts.map((l) => `${l} ${median(times[l]).toFixed(0)} ms`).join(', ')}`);
server.close();
