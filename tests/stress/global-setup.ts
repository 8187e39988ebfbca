import { resolve } from 'node:path';
import { build, preview, type InlineConfig } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    harnessUrl: string;
  }
}

/**
 * Builds the test-only harness page (tests/harness, importing the real src)
 * and serves it on a free localhost port for every stress test file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // No config file: the harness is a plain page, without the app's Svelte and PWA plugins.
  const config: InlineConfig = {
    configFile: false,
    root: resolve('tests/harness'),
    logLevel: 'warn',
    build: { outDir: resolve('test-results/harness-dist'), emptyOutDir: true, target: 'es2022' },
  };
  await build(config);
  const server = await preview({ ...config, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL for the harness');
  project.provide('harnessUrl', url);
  return async () => {
    await new Promise<void>((resolveClose) => server.httpServer.close(() => resolveClose()));
  };
}
