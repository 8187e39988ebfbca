import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPool } from './db';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
import { MIN_TOKEN_LENGTH, newToken } from './http/auth';
import { buildApp } from './http/app';
import { keptToken, migrate } from './schema';

/**
 * `npm run server`: the ledger's REST API and the built app on one port. Settings come from the environment:
 * PORT (8080), HOST (127.0.0.1), DATABASE_URL (else embedded PostgreSQL in LEDGER_DATA_DIR, ./.ledger-data),
 * LEDGER_TOKENS (comma-separated; else the database's own, made on first start and printed at each),
 * LEDGER_CORS_ORIGINS (comma-separated),
 * LEDGER_STATIC_DIR (./dist). The process keeps no state of its own: run as many as you like on one database.
 */
const list = (value: string | undefined): string[] => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

async function main(): Promise<void> {
  const env = process.env;
  const configured = list(env.LEDGER_TOKENS);
  if (configured.some((token) => token.length < MIN_TOKEN_LENGTH)) {
    throw new Error(`Every token in LEDGER_TOKENS must be at least ${MIN_TOKEN_LENGTH} characters long.`);
  }
  let embedded: RunningPostgres | null = null;
  if (!env.DATABASE_URL) embedded = await startEmbeddedPostgres(resolve(env.LEDGER_DATA_DIR ?? '.ledger-data'));
  const pool = createPool(env.DATABASE_URL ?? embedded!.url());
  await migrate(pool);
  const tokens = configured.length > 0 ? configured : [await keptToken(pool, newToken())];

  const staticDir = resolve(env.LEDGER_STATIC_DIR ?? 'dist');
  const app = await buildApp({
    pool,
    tokens,
    corsOrigins: list(env.LEDGER_CORS_ORIGINS),
    ...(existsSync(staticDir) ? { staticDir } : {}),
  });
  const address = await app.listen({ port: Number(env.PORT ?? 8080), host: env.HOST ?? '127.0.0.1' });

  console.log(`Ledger server listening on ${address}`);
  console.log(`  API: ${address}/api/v1/accounts`);
  console.log(existsSync(staticDir) ? `  App: ${address}/ (from ${staticDir})` : `  App: not served (no ${staticDir}; run vite build)`);
  console.log(`  PostgreSQL: ${embedded ? `embedded, data in ${resolve(env.LEDGER_DATA_DIR ?? '.ledger-data')}` : 'DATABASE_URL'}`);
  console.log(configured.length > 0 ? '  Token: from LEDGER_TOKENS' : `  Token: ${tokens[0]}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await pool.end();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
