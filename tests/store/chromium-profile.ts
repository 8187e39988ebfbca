import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_PROFILE } from '../../vite.config';

/**
 * The store suite in Chromium starts on an empty profile folder, and fails if its databases were not
 * written there: Vitest falls back to an off-the-record context, whose IndexedDB is in memory, when it
 * runs browser files in parallel.
 */
export default function setup(): () => void {
  rmSync(STORE_PROFILE, { recursive: true, force: true });
  return () => {
    const folder = join(STORE_PROFILE, 'Default', 'IndexedDB');
    const onDisk = existsSync(folder) && readdirSync(folder).some((name) => name.endsWith('.indexeddb.leveldb'));
    rmSync(STORE_PROFILE, { recursive: true, force: true });
    if (onDisk) return;
    // Vitest reports an error thrown here but still exits with 0: the exit code must say it too.
    process.exitCode = 1;
    throw new Error(`The store suite's IndexedDB was not on disk: nothing under ${folder}.`);
  };
}
