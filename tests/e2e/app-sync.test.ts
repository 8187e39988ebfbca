import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/server/db';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/server/embedded-postgres';
import { buildApp } from '../../src/server/http/app';
import { migrate } from '../../src/server/schema';
import { accountBalance, expectNoErrors, freshApp, goTo, money, moveMoneyTo, openAccount, openApp, shot, showAccount, textContaining, until, type AppPage } from './app-actions';
import { baseUrl, useBrowser } from './browser';

/**
 * Two devices (two browser profiles) and one server (real HTTP, embedded PostgreSQL), used as a person would:
 * sync turned on in the Data screen, commands made offline on both, then both back online.
 */

const TOKEN = 'e2e-sync-token-0123456789abcdef';
let folder: string;
let postgres: RunningPostgres;
let pool: pg.Pool;
let server: FastifyInstance;
let address: string;
const session = useBrowser();

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ledger-e2e-sync-'));
  postgres = await startEmbeddedPostgres(folder, { persistent: false, flags: ['-c', 'fsync=off'] });
  pool = createPool(postgres.url());
  await migrate(pool);
  // The app comes from its own origin (the e2e build), so the server allows it by CORS.
  server = await buildApp({ pool, tokens: [TOKEN], corsOrigins: [new URL(baseUrl()).origin] });
  address = await server.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await pool?.end();
  await postgres?.stop();
  rmSync(folder, { recursive: true, force: true });
});

type Device = AppPage & { context: BrowserContext };
const badge = (page: Page) => page.getByRole('banner').getByRole('link', { name: /^Sync:/ });

async function turnOnSync(page: Page, through = address): Promise<void> {
  await goTo(page, 'Data');
  const panel = page.getByRole('region', { name: 'Sync with a server' });
  await panel.getByLabel('Server address').fill(through);
  await panel.getByLabel('Access token').fill(TOKEN);
  await panel.getByRole('button', { name: 'Turn on sync' }).click();
  await textContaining(panel.getByRole('status').first(), 'Synced. Server:');
}

async function showAccountOf(page: Page, owner: string): Promise<void> {
  await goTo(page, 'Accounts');
  await showAccount(page, owner);
}

/**
 * Opens the owner's account and waits for its balance to read `expected`: what a sync round or another tab
 * wrote reaches the account list by its own live query, a moment after whatever the test waited for last.
 */
async function balanceReaches(page: Page, owner: string, expected: string): Promise<void> {
  await showAccountOf(page, owner);
  const wanted = await money(page, expected);
  await until(async () => (await accountBalance(page).textContent())?.trim(), (shown) => shown === wanted);
}

async function serverEvents(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM events');
  return Number(rows[0]!.n);
}

describe('sync between two devices', () => {
  let a: Device;
  let b: Device;

  it('gives a second device the first one’s ledger once both turn sync on', async () => {
    a = await freshApp(session.browser);
    await turnOnSync(a.page);
    await goTo(a.page, 'Accounts');
    await openAccount(a.page, 'Ada Lovelace', 'EUR', '100.00');
    // The badge said Synced before the opening too: the server's log is what shows the push went through.
    await until(serverEvents, (count) => count === 2);
    await textContaining(badge(a.page), 'Synced');

    b = await freshApp(session.browser);
    await turnOnSync(b.page);
    await balanceReaches(b.page, 'Ada Lovelace', '100.00');
    expectNoErrors(a);
    expectNoErrors(b);
  });

  it('merges what both did offline, and shows the withdrawal that would overdraw as refused on sync', async () => {
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await showAccountOf(a.page, 'Ada Lovelace');
    await moveMoneyTo(a.page, 'Withdraw', '80.00', '20.00');
    await moveMoneyTo(b.page, 'Withdraw', '50.00', '50.00');
    await textContaining(badge(a.page), 'Offline · 1 pending');
    await textContaining(badge(b.page), 'Offline · 1 pending');
    await shot(b.page, 'sync-offline-pending');

    await a.context.setOffline(false);
    await textContaining(badge(a.page), 'Synced');
    await b.context.setOffline(false);
    await textContaining(badge(b.page), '1 refused');

    await goTo(b.page, 'Data');
    const refused = b.page.getByRole('region', { name: 'Sync with a server' }).getByRole('alert');
    await textContaining(refused, 'Refused on sync');
    await textContaining(refused, `Withdrawal of ${await money(b.page, '50.00')} from Ada Lovelace`);
    // The server's reason, its amounts in this browser's money format.
    await textContaining(refused, `Insufficient funds: the balance is ${await money(b.page, '20.00')}, ${await money(b.page, '50.00')} was requested.`);
    await shot(b.page, 'sync-refused');
    await balanceReaches(b.page, 'Ada Lovelace', '20.00');
    await balanceReaches(a.page, 'Ada Lovelace', '20.00');

    // Dismissed, the refusal goes; both ledgers are the server's, event for event.
    await goTo(b.page, 'Data');
    await refused.getByRole('button', { name: 'Dismiss' }).click();
    await textContaining(b.page.getByRole('region', { name: 'Sync with a server' }).getByRole('status').first(), 'Synced. Server:');
    expect(await serverEvents()).toBe(3);
    expectNoErrors(a);
    // The browser logs every answer of 4xx as an error line: here, the server's 409 refusing B's withdrawal.
    expect(b.errors.filter((error) => !error.includes('status of 409 (Conflict)'))).toEqual([]);
    expect(b.errors).toHaveLength(1);
  });

  it('says so when the server is gone, keeps the command, and sends it once when the server is back', async () => {
    const port = Number(new URL(address).port);
    await server.close();
    await showAccountOf(a.page, 'Ada Lovelace');
    await moveMoneyTo(a.page, 'Deposit', '5.00', '25.00');
    await textContaining(badge(a.page), 'Waiting for the server · 1 pending');
    await goTo(a.page, 'Data');
    await textContaining(a.page.getByRole('region', { name: 'Sync with a server' }).getByRole('status').first(), 'cannot be reached');
    await shot(a.page, 'sync-server-gone');

    server = await buildApp({ pool, tokens: [TOKEN], corsOrigins: [new URL(baseUrl()).origin] });
    await server.listen({ port, host: '127.0.0.1' });
    await a.page.getByRole('button', { name: 'Sync now' }).click();
    await textContaining(badge(a.page), 'Synced');
    await b.page.getByRole('button', { name: 'Sync now' }).click();
    await balanceReaches(b.page, 'Ada Lovelace', '25.00');
    const { rows } = await pool.query<{ type: string; n: string }>('SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type');
    expect(rows.map(({ type, n }) => `${type} ${n}`)).toEqual(['AccountOpened 1', 'MoneyDeposited 2', 'MoneyWithdrawn 1']);
    // The browser logs each request the stopped server could not take as an error line.
    expect(a.errors.filter((error) => !error.includes('net::ERR_CONNECTION_REFUSED'))).toEqual([]);
  });

  it('takes a browser that turned sync off back where it left off, sending what it did meanwhile once', async () => {
    await goTo(a.page, 'Data');
    const panel = a.page.getByRole('region', { name: 'Sync with a server' });
    await panel.getByRole('button', { name: 'Turn off sync' }).click();
    await textContaining(panel, 'Sync is off.');
    await showAccountOf(a.page, 'Ada Lovelace');
    await moveMoneyTo(a.page, 'Deposit', '3.00', '28.00');

    await goTo(a.page, 'Data');
    await panel.getByLabel('Server address').fill(address);
    await panel.getByLabel('Access token').fill(TOKEN);
    await panel.getByRole('button', { name: 'Turn on sync' }).click();
    await textContaining(panel, 'This browser and the server share the start of their ledger; the 1 command after it will be sent to the server');
    await textContaining(badge(a.page), 'Synced');
    await shot(a.page, 'sync-rejoined');
    await goTo(b.page, 'Data');
    await b.page.getByRole('button', { name: 'Sync now' }).click();
    await balanceReaches(b.page, 'Ada Lovelace', '28.00');
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE data->>'amount' = '3.00'`);
    expect(Number(rows[0]!.n)).toBe(1);
  });
});

/**
 * A network between a device and the server that the test can break: it passes requests on over real HTTP,
 * and on `fault` loses a request's answer after the server handled it, or cuts the connection first.
 */
interface Network {
  address: string;
  /** Every request, as `METHOD /path?query`, in the order they came. */
  requests: string[];
  fault: ((request: string) => 'lose the answer' | 'cut' | null) | null;
  /** Rewrites a request's path and query before it goes on. */
  rewrite: (url: string) => string;
  close: () => Promise<void>;
}

async function startNetwork(): Promise<Network> {
  const network: Network = { address: '', requests: [], fault: null, rewrite: (url) => url, close: async () => undefined };
  const http: Server = createServer((incoming, outgoing) => {
    const url = network.rewrite(incoming.url!);
    const line = `${incoming.method} ${url}`;
    network.requests.push(line);
    const fault = network.fault?.(line) ?? null;
    if (fault === 'cut') return void incoming.socket.destroy();
    const upstream = request(address + url, { method: incoming.method, headers: incoming.headers }, (answer) => {
      if (fault === 'lose the answer') {
        answer.resume();
        answer.on('end', () => outgoing.socket?.destroy());
        return;
      }
      outgoing.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  network.address = `http://127.0.0.1:${port}`;
  network.close = () => new Promise((resolve) => http.close(() => resolve()));
  return network;
}

describe('sync over a network that breaks', () => {
  let network: Network;
  beforeAll(async () => {
    network = await startNetwork();
  });
  afterAll(() => network.close());

  it('sends a command again when its answer was lost after the server took it, and it counts once', async () => {
    const c = await freshApp(session.browser);
    await turnOnSync(c.page, network.address);
    await balanceReaches(c.page, 'Ada Lovelace', '28.00');

    let lost = 0;
    network.fault = (line) => (line.startsWith('POST') && line.endsWith('/deposit') && lost++ === 0 ? 'lose the answer' : null);
    await moveMoneyTo(c.page, 'Deposit', '7.00', '35.00');
    // The loop tries again by itself after a short wait; the second try finds the command already taken.
    const pushes = () => Promise.resolve(network.requests.filter((line) => line.startsWith('POST') && line.endsWith('/deposit')).length);
    await until(pushes, (count) => count === 2);
    await textContaining(badge(c.page), 'Synced');
    expect(await pushes()).toBe(2);
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE type = 'MoneyDeposited' AND data->>'amount' = '7.00'`);
    expect(Number(rows[0]!.n)).toBe(1);
    await balanceReaches(c.page, 'Ada Lovelace', '35.00');
    network.fault = null;
  });

  it('resumes a pull that the network broke off where it stopped, and ends with the server’s whole ledger', async () => {
    const account = (await pool.query<{ account_id: string }>(`SELECT account_id FROM accounts WHERE owner_name = 'Ada Lovelace'`)).rows[0]!.account_id;
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${address}/api/v1/accounts/${account}/deposit`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: '1.00' }),
      });
      expect(response.status).toBe(200);
    }
    // Pages of 4 events; the second page's connection is cut.
    network.requests = [];
    network.rewrite = (url) => url.replace(/limit=10000\b/, 'limit=4');
    let pages = 0;
    const page = (line: string) => line.startsWith('GET /api/v1/events?') && line.endsWith('limit=4');
    network.fault = (line) => (page(line) && ++pages === 2 ? 'cut' : null);

    const d = await freshApp(session.browser);
    await turnOnSync(d.page, network.address);
    await balanceReaches(d.page, 'Ada Lovelace', '43.00');
    const after = network.requests.filter(page).map((line) => Number(/after=(\d+)/.exec(line)![1]));
    // The page after the cut is asked for again from where the cut one started, not from the start of the log.
    expect(after[1]).toBeGreaterThan(0);
    expect(after[2]).toBe(after[1]);
    expect(after.filter((position) => position === 0)).toHaveLength(1);
    const events = await serverEvents();
    await goTo(d.page, 'Data');
    await textContaining(d.page.getByRole('main'), `${events} events`);
    expect(d.errors.filter((error) => !error.includes('ERR_'))).toEqual([]);
  });

  it('syncs from one tab of a browser at a time, the others showing the same; another tab takes over when it closes', async () => {
    const first = await freshApp(session.browser);
    await turnOnSync(first.page, network.address);
    const second = await openApp(first.context);
    await textContaining(badge(second.page), 'Synced');
    // The Web Lock that makes a tab the one that syncs: held by one tab, asked for by the other.
    const locks = () =>
      second.page.evaluate(async () => {
        const { held = [], pending = [] } = await navigator.locks.query();
        return { held: held.filter((lock) => lock.name === 'ledger-sync').length, waiting: pending.filter((lock) => lock.name === 'ledger-sync').length };
      });
    expect(await until(locks, ({ held, waiting }) => held === 1 && waiting === 1)).toEqual({ held: 1, waiting: 1 });

    network.requests = [];
    const pushes = () => Promise.resolve(network.requests.filter((line) => line.startsWith('POST') && line.endsWith('/deposit')).length);
    await showAccountOf(second.page, 'Ada Lovelace');
    await moveMoneyTo(second.page, 'Deposit', '2.00', '45.00');
    await until(pushes, (count) => count === 1);
    await textContaining(badge(first.page), 'Synced');
    await textContaining(badge(second.page), 'Synced');
    await balanceReaches(first.page, 'Ada Lovelace', '45.00');

    await first.page.close();
    expect(await until(locks, ({ held, waiting }) => held === 1 && waiting === 0)).toEqual({ held: 1, waiting: 0 });
    await moveMoneyTo(second.page, 'Deposit', '1.00', '46.00');
    await until(pushes, (count) => count === 2);
    await textContaining(badge(second.page), 'Synced');
    expect(await pushes()).toBe(2);
    const { rows } = await pool.query<{ balance: string }>(`SELECT balance::text FROM accounts WHERE owner_name = 'Ada Lovelace'`);
    expect(rows[0]!.balance).toBe('46.00');
  });
});
