#!/usr/bin/env node
// `node tests/bench/server.mjs [--runs 3 --clients 16 --commands 20000 --accounts 1000 --events 100000 --page 10000]`
// The ledger server as deployed: embedded PostgreSQL (default settings, durable) in a temporary folder and one
// `node --import tsx src/server/main.ts` process. Each run starts both afresh, uploads a generated ledger of
// `events` events over `accounts` accounts (POST /api/v1/log), pulls it as a fresh device would, then sends
// commands from `clients` concurrent clients. Prints a table of the medians and writes JSON.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const TOKEN = 'bench-token-for-the-ledger-server';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** The nearest-rank percentile of sorted values. */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** `src/server/main.ts` in a process of its own on `databaseUrl`; resolves with its address once it listens. */
function startServer(databaseUrl) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: repo,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LEDGER_TOKENS: TOKEN, LEDGER_STATIC_DIR: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const read = (chunk) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ base: match[1], stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))) });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
}

/** A client of one server: keep-alive connections, one per concurrent caller, as devices keep theirs. */
function client(base, connections) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const call = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const sending = request(`${base}${path}`, {
        method,
        agent,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      });
      sending.on('response', (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }));
        response.on('error', reject);
      });
      sending.on('error', reject);
      sending.end(body);
    });
  return { call, close: () => agent.destroy() };
}

/** A small deterministic random source, so every run sends the same commands. */
function random(seed) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

const cents = (n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;

/** The next command of a realistic mix: 40% deposits, 30% withdrawals, 30% transfers, over every account. */
function commandOf(next, accounts) {
  const account = `acc-${Math.floor(next() * accounts)}`;
  const roll = next();
  if (roll < 0.4) return [`/api/v1/accounts/${account}/deposit`, { amount: cents(100 + Math.floor(next() * 50_000)), description: 'Salary' }];
  if (roll < 0.7) return [`/api/v1/accounts/${account}/withdraw`, { amount: cents(100 + Math.floor(next() * 10_000)), description: 'Card payment' }];
  const to = `acc-${Math.floor(next() * accounts)}`;
  return [`/api/v1/accounts/${account}/transfer`, { to_account_id: to, amount: cents(100 + Math.floor(next() * 10_000)), description: 'Rent' }];
}

/** `total` commands from `clients` callers at once, each waiting for its answer before it sends the next. */
async function sendCommands(api, { clients, total, accounts, seed }) {
  const next = random(seed);
  const latencies = [];
  const statuses = {};
  let sent = 0;
  const caller = async () => {
    while (sent < total) {
      const key = `bench-${seed}-${sent++}`;
      const [path, body] = commandOf(next, accounts);
      const start = performance.now();
      const { status, text } = await api.call('POST', path, JSON.stringify(body), { 'idempotency-key': key });
      latencies.push(performance.now() - start);
      // A refusal (an overdraft, a transfer to itself) is an answer too; anything else stops the bench.
      if (status !== 200 && status !== 409) throw new Error(`${path} answered ${status}: ${text}`);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, caller));
  const seconds = (performance.now() - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return { commands: total, seconds, perSecond: total / seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), refused: statuses[409] ?? 0 };
}

/** A fresh device pulls the whole log, a page at a time, parsing each page as the app would. */
async function pullAll(api, page) {
  const start = performance.now();
  let after = 0;
  let head = Infinity;
  while (after < head) {
    const { status, text } = await api.call('GET', `/api/v1/events?after=${after}&limit=${page}`);
    if (status !== 200) throw new Error(`GET /api/v1/events answered ${status}: ${text}`);
    const { data } = JSON.parse(text);
    head = data.head;
    after = data.events.at(-1)?.position ?? head;
  }
  const seconds = (performance.now() - start) / 1000;
  return { events: after, page, seconds, perSecond: after / seconds };
}

async function oneRun(options, run, tools) {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-bench-server-'));
  // Not durable: commits do not wait for the disk, to see what the disk's flush costs (docs/api.md).
  const flags = options.durable ? [] : ['-c', 'synchronous_commit=off'];
  const postgres = await tools.startEmbeddedPostgres(folder, { persistent: false, flags });
  let server = null;
  let api = null;
  try {
    server = await startServer(postgres.url());
    api = client(server.base, options.clients);
    const log = tools.generateLog(options.events, options.accounts, 42 + run).text;
    const uploadStart = performance.now();
    const uploaded = await api.call('POST', '/api/v1/log', log);
    if (uploaded.status !== 200) throw new Error(`the upload answered ${uploaded.status}: ${uploaded.text}`);
    const uploadSeconds = (performance.now() - uploadStart) / 1000;
    const pull = await pullAll(api, options.page);
    await sendCommands(api, { ...options, total: Math.min(1000, options.commands), seed: 1000 + run });
    const commands = await sendCommands(api, { ...options, total: options.commands, seed: 2000 + run });
    return { upload: { events: options.events, seconds: uploadSeconds, perSecond: options.events / uploadSeconds }, pull, commands };
  } finally {
    api?.close();
    await server?.stop();
    await postgres.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs the bench and answers with every run's figures and their medians. */
export async function benchServer(options = {}) {
  const o = { runs: 3, durable: true, clients: 16, commands: 20_000, accounts: 1000, events: 100_000, page: 10_000, ...options };
  const tools = {
    ...(await tsImport('../../src/server/embedded-postgres.ts', import.meta.url)),
    ...(await tsImport('./generate.ts', import.meta.url)),
  };
  const runs = [];
  for (let run = 0; run < o.runs; run++) runs.push(await oneRun(o, run, tools));
  const mid = (pick) => median(runs.map(pick));
  return {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
    options: o,
    medians: {
      commandsPerSecond: mid((r) => r.commands.perSecond),
      commandP50Ms: mid((r) => r.commands.p50Ms),
      commandP99Ms: mid((r) => r.commands.p99Ms),
      pullSeconds: mid((r) => r.pull.seconds),
      pullEventsPerSecond: mid((r) => r.pull.perSecond),
      uploadSeconds: mid((r) => r.upload.seconds),
    },
    runs,
  };
}

/** The bench's figures as table rows: what, value, unit, beside it, target. */
export function serverRows({ options: o, medians: m }) {
  return [
    [`server: commands through the REST API, ${o.clients} clients (${o.commands.toLocaleString('en')} after ${o.events.toLocaleString('en')} events)`, m.commandsPerSecond, '/s', '', 'aim ≥ 1,500 /s'],
    ['server: command latency p50', m.commandP50Ms, 'ms', '', ''],
    ['server: command latency p99', m.commandP99Ms, 'ms', '', 'aim ≤ 50 ms'],
    [`server: a fresh device pulls ${o.events.toLocaleString('en')} events, pages of ${o.page.toLocaleString('en')}`, m.pullSeconds * 1000, 'ms', `${Math.round(m.pullEventsPerSecond).toLocaleString('en')} ev/s`, 'aim ≤ 5,000 ms'],
    [`server: a browser ledger of ${o.events.toLocaleString('en')} events uploaded as the first log`, m.uploadSeconds * 1000, 'ms', '', ''],
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      clients: { type: 'string', default: '16' },
      commands: { type: 'string', default: '20000' },
      accounts: { type: 'string', default: '1000' },
      events: { type: 'string', default: '100000' },
      page: { type: 'string', default: '10000' },
      'not-durable': { type: 'boolean', default: false },
      out: { type: 'string', default: join(repo, 'test-results', 'bench-server.json') },
    },
  });
  const { out, 'not-durable': notDurable, ...numbers } = values;
  const result = await benchServer({ ...Object.fromEntries(Object.entries(numbers).map(([key, value]) => [key, Number(value)])), durable: !notDurable });
  const { machine } = result;
  console.log(`Ledger server bench: medians of ${result.options.runs} runs; ${machine.cores} x ${machine.cpu}, Node ${machine.node}`);
  for (const [what, value, unit, beside, target] of serverRows(result)) console.log(`${what.padEnd(90)} ${value.toFixed(1).padStart(10)} ${unit.padEnd(3)} ${beside.padEnd(14)} ${target}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`JSON: ${out}`);
}
