import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../vite.config';
import type { Harness } from '../harness/api';

export const HEAVY = process.env.LEDGER_STRESS === 'heavy';

export function harnessUrl(db: string): string {
  return `${inject('harnessUrl')}?db=${encodeURIComponent(db)}`;
}

/** The system Chromium, headless, on this machine's closed network. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Opens the harness page on database `db` and waits until the ledger in it is open. */
export async function openHarness(context: BrowserContext, db: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(harnessUrl(db));
  await page.waitForFunction(() => window.harness !== undefined || window.harnessError !== undefined);
  const error = await page.evaluate(() => window.harnessError);
  if (error) throw new Error(`the harness could not open the ledger: ${error}`);
  return page;
}

/** Calls one harness method in the page and returns its answer. */
export function call<K extends keyof Harness>(page: Page, method: K, ...args: Parameters<Harness[K]>): Promise<Awaited<ReturnType<Harness[K]>>> {
  return page.evaluate(
    ([m, a]) => (window.harness![m] as (...x: unknown[]) => unknown)(...a),
    [method, args] as const,
  ) as Promise<Awaited<ReturnType<Harness[K]>>>;
}

/**
 * A Chromium on a profile directory that outlives it, started by us so that we
 * hold its process id and can end it the hard way, as a power cut or a killed
 * task would, then start it again on the same profile.
 */
export class CrashableChromium {
  private constructor(
    readonly browser: Browser,
    readonly context: BrowserContext,
    private readonly child: ChildProcess,
  ) {}

  static async start(profile: string): Promise<CrashableChromium> {
    const child = spawn(
      CHROMIUM,
      [...CHROMIUM_ARGS, '--headless', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
      // Its own process group, so the kill reaches its renderers and storage processes too.
      { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const endpoint = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before it listened: ${seen}`)));
    });
    const browser = await chromium.connectOverCDP(endpoint);
    return new CrashableChromium(browser, browser.contexts()[0]!, child);
  }

  /** SIGKILL to the browser's whole process group: no unload, no flush, no goodbye. */
  async kill(): Promise<void> {
    const pid = this.child.pid!;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    process.kill(-pid, 'SIGKILL');
    await exited;
    // Every process of the group must be gone before the profile is opened again.
    for (let i = 0; i < 200 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 25));
    if (groupAlive(pid)) throw new Error(`Chromium's process group ${pid} survived SIGKILL`);
  }

  async close(): Promise<void> {
    await this.browser.close();
    if (this.child.exitCode === null && this.child.signalCode === null) await this.kill();
  }
}

/** Whether any process of the group still runs; zombies count as gone, they only wait for their parent to reap them. */
function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command name: state, ppid, pgrp, …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

export function tempProfile(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
