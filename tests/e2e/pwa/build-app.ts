import { build } from 'vite';

/**
 * A production build of the app with its own build id, into `outDir`, the way a
 * deploy makes it (same vite.config.ts, service worker included). Source maps are
 * left out only to keep the test fast; they are never precached anyway.
 */
export async function buildApp(outDir: string, buildId: string): Promise<void> {
  const previous = process.env.LEDGER_BUILD_ID;
  process.env.LEDGER_BUILD_ID = buildId;
  try {
    await build({
      mode: 'production',
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        sourcemap: false,
        // On a busy test machine every build is "slow"; the timing report would only be noise in the test output.
        rolldownOptions: { checks: { bundlerTimings: false } },
      },
    });
  } finally {
    if (previous === undefined) delete process.env.LEDGER_BUILD_ID;
    else process.env.LEDGER_BUILD_ID = previous;
  }
}
