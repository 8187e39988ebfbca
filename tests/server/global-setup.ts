import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/server/embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The embedded cluster's `postgres` database; each test file makes a database of its own from it. */
    postgresUrl: string;
  }
}

/**
 * embedded-postgres stops its clusters through async-exit-hook, which ends the process with code 0 when its
 * event loop empties ('beforeExit'): a run whose tests failed would exit 0, and CI would pass it. The code
 * Vitest set is kept instead.
 */
export function keepExitCode(): void {
  let intended: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    intended = process.exitCode;
  });
  process.on('exit', () => {
    if (intended) process.exitCode = intended;
  });
}

/** One embedded PostgreSQL for the whole run, in a temporary folder; durability off, since it is thrown away. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepExitCode();
  const folder = mkdtempSync(join(tmpdir(), 'ledger-server-test-'));
  const postgres = await startEmbeddedPostgres(folder, {
    persistent: false,
    flags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  });
  project.provide('postgresUrl', postgres.url());
  return async () => {
    await postgres.stop();
    rmSync(folder, { recursive: true, force: true });
  };
}
