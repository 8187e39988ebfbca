// The Chromium that the browser tests, the benchmark and the icon script drive. Shared by
// vite.config.ts (Vitest's browser mode and the e2e tests), tests/bench and src/pwa/build.
//
// Looked for in this order: CHROMIUM_PATH; a Chromium or Chrome installed on the machine; Playwright's
// own download, when one was made; else the headless Chromium that ships inside the npm package
// @sparticuz/chromium (installed by `npm install`, so no step outside the README's two commands), or,
// on a platform that package has no binary for, Playwright's install. docs/testing.md says why.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const INSTALLED = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/ledger-chromium', import.meta.url));

/** Flags for a closed network and a root user; without them Chromium reaches for Google's hosts at every start. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @returns {{ path: string, source: string }} */
function findChromium() {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH names ${given}, and there is no file there.`);
    return { path: given, source: 'CHROMIUM_PATH' };
  }
  const installed = INSTALLED.find((path) => existsSync(path));
  if (installed) return { path: installed, source: 'installed on this machine' };
  const playwrights = chromium.executablePath();
  if (existsSync(playwrights)) return { path: playwrights, source: "Playwright's download" };
  if (process.platform === 'linux' && process.arch === 'x64') return { path: inflatePackaged(), source: 'the npm package @sparticuz/chromium' };
  const cli = join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), 'cli.js');
  execFileSync(process.execPath, [cli, 'install', 'chromium'], { stdio: 'inherit' });
  return { path: playwrights, source: "Playwright's download" };
}

/**
 * Unpacks the package's brotli-compressed Chromium, and the few libraries it links (NSS, expat) that a
 * bare system may lack, once per package version, behind a launcher that puts those libraries first.
 */
function inflatePackaged() {
  const packageDir = fileURLToPath(new URL('../../node_modules/@sparticuz/chromium/', import.meta.url));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const dir = join(CACHE, version);
  const launcher = join(dir, 'chromium');
  if (existsSync(launcher)) return launcher;

  // Unpacked under a temporary name and renamed last, so that two runs at once never see half a folder.
  const partial = `${dir}.${process.pid}.partial`;
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'chromium-bin'), brotliDecompressSync(readFileSync(join(packageDir, 'bin', 'chromium.br'))));
  chmodSync(join(partial, 'chromium-bin'), 0o755);
  const libs = brotliDecompressSync(readFileSync(join(packageDir, 'bin', 'al2023.tar.br')));
  execFileSync('tar', ['-x', '-C', partial], { input: libs });
  writeFileSync(
    join(partial, 'chromium'),
    '#!/bin/sh\nhere=$(dirname "$0")\nLD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/chromium-bin" "$@"\n',
    { mode: 0o755 },
  );
  try {
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(launcher)) throw error; // else another run finished first, and its folder serves
  }
  return launcher;
}

const found = findChromium();

/** The path of the Chromium to launch. */
export const CHROMIUM = found.path;

/** One line for a run's log: which Chromium, its version, and where it came from. */
export function describeChromium() {
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  return `${version} (${found.source}: ${CHROMIUM})`;
}
