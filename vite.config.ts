/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { pwaPlugins } from './src/pwa/build/plugins.mjs';
import { CHROMIUM, CHROMIUM_ARGS, describeChromium } from './tests/support/chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS };

/** Where the store suite's Chromium keeps its profile, IndexedDB included (see the store-chromium project). */
export const STORE_PROFILE = fileURLToPath(new URL('./node_modules/.cache/ledger-store-chromium', import.meta.url));

// A test run says once which browser it drives (the config is read again per project and by workers, which inherit this mark).
if (process.env.VITEST && !process.env.LEDGER_CHROMIUM_SAID) {
  process.env.LEDGER_CHROMIUM_SAID = '1';
  console.log(`Browser tests use ${describeChromium()}`);
}

export default defineConfig({
  plugins: [svelte(), ...pwaPlugins()],
  build: { target: 'es2022', sourcemap: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Groups run one after another: browser projects never compete for the two cores.
          sequence: { groupOrder: 0 },
          include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'store-node',
          sequence: { groupOrder: 1 },
          include: ['tests/store/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        extends: true,
        test: {
          name: 'store-chromium',
          sequence: { groupOrder: 2 },
          include: ['tests/store/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            // A profile folder, so that IndexedDB is on disk as in a person's browser: an off-the-record
            // context, Playwright's default, keeps it in memory. Vitest shares a persistent context only
            // between files run one at a time; the global setup empties the folder, and checks it was used.
            provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS }, persistentContext: STORE_PROFILE }),
            instances: [{ browser: 'chromium' }],
          },
          fileParallelism: false,
          globalSetup: ['tests/store/chromium-profile.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 3 },
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file drives its own Chromium; two at once is what two cores carry.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'stress',
          sequence: { groupOrder: 4 },
          include: ['tests/stress/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/stress/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Many tabs and crash timing need the whole machine: one file at a time.
          maxWorkers: 1,
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          // After the browser groups: its PostgreSQL and server processes never compete with them for the cores.
          sequence: { groupOrder: 5 },
          // The server's own tests, and sync between browser ledgers (fake-indexeddb) and the real server.
          include: ['tests/server/**/*.test.ts', 'tests/sync/**/*.test.ts'],
          environment: 'node',
          // One embedded PostgreSQL for the run; each file makes a database of its own on it.
          globalSetup: ['tests/server/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
