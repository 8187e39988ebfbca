import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool } from '../../src/server/db';
import { buildApp, type AppOptions } from '../../src/server/http/app';
import { migrate } from '../../src/server/schema';

export const TOKEN = 'test-token-for-the-server-suite';
export const ORIGIN = 'https://ledger.example';

/** A new, empty database on the run's PostgreSQL, with the ledger's tables. */
export async function freshDatabase(): Promise<string> {
  const name = `ledger_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('postgresUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 2);
  await migrate(pool);
  await pool.end();
  return url.toString();
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestServer {
  base: string;
  pool: pg.Pool;
  app: FastifyInstance;
  /** A request with the token (unless `headers` says otherwise) and a JSON body. */
  api: <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer<T>>;
  close: () => Promise<void>;
}

/** The real server on a free port, over real HTTP, on a database of its own. */
export async function startServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  const pool = createPool(await freshDatabase());
  const app = await buildApp({ pool, tokens: [TOKEN], corsOrigins: [ORIGIN], ...options });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    pool,
    app,
    api: (method, path, body, headers) => call(base, method, path, body, headers),
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

export async function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const response = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** Opens an account (no deposit when `initial` is empty) and returns its id. */
export async function openAccount(server: TestServer, owner = 'Ada Lovelace', initial = '100.00', currency = 'EUR'): Promise<string> {
  const answer = await server.api('POST', '/api/v1/accounts', { owner_name: owner, currency, ...(initial ? { initial_deposit: initial } : {}) });
  if (answer.status !== 201) throw new Error(`open failed: ${JSON.stringify(answer.body)}`);
  return answer.body.data.account_id;
}

/** Every row of a table, for "nothing was written" checks. */
export async function count(server: TestServer, table: 'events' | 'accounts' | 'transactions' | 'commands'): Promise<number> {
  const { rows } = await server.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}
