import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, call, freshDatabase, type Answer } from './support';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Process {
  base: string;
  child: ChildProcess;
  /** What it printed up to listening. */
  output: string;
}

/** `npm run server`'s entry point in a process of its own, on the given database; resolves once it listens. */
function startProcess(databaseUrl: string, tokens: string | null = TOKEN): Promise<Process> {
  const { LEDGER_TOKENS: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, DATABASE_URL: databaseUrl, PORT: '0', ...(tokens !== null && { LEDGER_TOKENS: tokens }), LEDGER_STATIC_DIR: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      // The token is the last line it prints once it listens.
      const match = /listening on (http:\/\/\S+)[\s\S]*Token: .+\n/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ base: match[1]!, child, output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function stopProcess({ child }: Process): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A small deterministic random source, so a failure can be run again as it was. */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

interface LogEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: { amount?: string };
  metadata: { commandId: string };
}

let servers: Process[] = [];
beforeAll(async () => {
  const url = await freshDatabase();
  servers = await Promise.all([startProcess(url), startProcess(url)]);
}, 60_000);
afterAll(() => Promise.all(servers.map(stopProcess)));

describe('two server processes on one PostgreSQL', () => {
  it('lose nothing, duplicate nothing, keep versions contiguous, and a reader by position sees every event once', async () => {
    const [a, b] = servers.map((s) => s.base) as [string, string];
    const accounts: string[] = [];
    for (let i = 0; i < 6; i++) {
      const opened = await call(i % 2 ? b : a, 'POST', '/api/v1/accounts', { owner_name: `Owner ${i}`, initial_deposit: '100.00' });
      accounts.push(opened.body.data.account_id);
    }

    // The reader pulls from both servers in turn while the writers run, as a device would.
    let writing = true;
    const seen: LogEvent[] = [];
    const reader = (async () => {
      for (let turn = 0; ; turn++) {
        // Done only with a page asked for once every writer had its answer: an earlier one may predate the last commit.
        const last = !writing;
        const { body } = await call(turn % 2 ? b : a, 'GET', `/api/v1/events?after=${seen.length}&limit=37`);
        seen.push(...body.data.events);
        if (last && seen.length === body.data.head) return;
      }
    })();

    // Four clients per server, each sending 25 commands; every fifth is retried on the other server with the same key.
    const accepted = new Set<string>();
    let refusedCount = 0;
    const client = async (server: number, seed: number) => {
      const next = random(seed);
      for (let i = 0; i < 25; i++) {
        const key = `cmd-${server}-${seed}-${i}`;
        const from = accounts[Math.floor(next() * accounts.length)]!;
        const to = accounts[Math.floor(next() * accounts.length)]!;
        const amount = `${1 + Math.floor(next() * 40)}.${Math.floor(next() * 10)}0`;
        const kind = next();
        const [path, body] =
          kind < 0.3 ? [`/api/v1/accounts/${from}/deposit`, { amount }]
          : kind < 0.6 ? [`/api/v1/accounts/${from}/withdraw`, { amount }]
          : [`/api/v1/accounts/${from}/transfer`, { to_account_id: to, amount }];
        const send = (base: string): Promise<Answer> => call(base, 'POST', path, body, { 'idempotency-key': key });
        const mine = server === 0 ? a : b;
        const answers = i % 5 === 0 ? await Promise.all([send(mine), send(mine === a ? b : a)]) : [await send(mine)];
        for (const answer of answers) {
          expect([200, 409]).toContain(answer.status);
          if (answer.status === 409) expect(['INSUFFICIENT_FUNDS', 'TRANSFER_TO_SELF']).toContain(answer.body.error.code);
        }
        if (answers.some((answer) => answer.status === 200)) accepted.add(key);
        else refusedCount += 1;
      }
    };
    await Promise.all([0, 1].flatMap((server) => [1, 2, 3, 4].map((seed) => client(server, server * 10 + seed))));
    writing = false;
    await reader;

    const { body } = await call(a, 'GET', '/api/v1/events?after=0&limit=10000');
    const log: LogEvent[] = body.data.events;
    expect(accepted.size + refusedCount).toBe(200);
    expect(accepted.size).toBeGreaterThan(100);

    // Positions 1..head, each once; the reader saw exactly the log, in order, while it was being written.
    expect(log.map((e) => e.position)).toEqual(Array.from({ length: body.data.head }, (_, i) => i + 1));
    expect(seen).toEqual(log);

    // Each accepted command is in the log once (a transfer: its two events), each refused one not at all.
    const byCommand = new Map<string, LogEvent[]>();
    for (const event of log) byCommand.set(event.metadata.commandId, [...(byCommand.get(event.metadata.commandId) ?? []), event]);
    for (const key of accepted) {
      const events = byCommand.get(key);
      expect(events?.map((e) => e.type)).toSatisfy((types: string[]) =>
        ['MoneyDeposited', 'MoneyWithdrawn'].includes(types.join()) || types.join() === 'TransferSent,TransferReceived');
    }
    expect([...byCommand.keys()].filter((key) => key.startsWith('cmd-')).length).toBe(accepted.size);

    // Versions contiguous per stream; balances never negative and equal to the read model; money conserved.
    const cents = new Map<string, bigint>();
    const versions = new Map<string, number>();
    for (const event of log) {
      expect(event.version).toBe((versions.get(event.streamId) ?? 0) + 1);
      versions.set(event.streamId, event.version);
      const units = event.data.amount ? BigInt(event.data.amount.replace('.', '')) : 0n;
      const sign = ['MoneyDeposited', 'TransferReceived'].includes(event.type) ? 1n : -1n;
      const balance = (cents.get(event.streamId) ?? 0n) + sign * units;
      expect(balance >= 0n).toBe(true);
      cents.set(event.streamId, balance);
    }
    for (const id of accounts) {
      const shown = await call(b, 'GET', `/api/v1/accounts/${id}`);
      expect(BigInt(shown.body.data.balance.replace('.', ''))).toBe(cents.get(id));
      expect(shown.body.data.version).toBe(versions.get(id));
    }
    const moved = (type: string) => log.filter((e) => e.type === type).reduce((sum, e) => sum + BigInt(e.data.amount!.replace('.', '')), 0n);
    const total = [...cents.values()].reduce((sum, value) => sum + value, 0n);
    expect(total).toBe(moved('MoneyDeposited') - moved('MoneyWithdrawn'));
    expect(moved('TransferSent')).toBe(moved('TransferReceived'));
  }, 90_000);
});

describe('a server started without LEDGER_TOKENS', () => {
  it('makes one token for its database, which every process and every restart on that database prints and takes', async () => {
    const url = await freshDatabase();
    const tokenOf = ({ output }: Process) => /Token: (\S+)/.exec(output)?.[1];
    const first = await Promise.all([startProcess(url, null), startProcess(url, null)]);
    try {
      const token = tokenOf(first[0]!);
      expect(token).toMatch(/^[\w-]{43}$/);
      expect(tokenOf(first[1]!)).toBe(token);
      await stopProcess(first[0]!);
      const restarted = await startProcess(url, null);
      first[0] = restarted;
      expect(tokenOf(restarted)).toBe(token);
      for (const { base } of first) {
        expect((await call(base, 'GET', '/api/v1/accounts', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
        expect((await call(base, 'GET', '/api/v1/accounts', undefined, { authorization: 'Bearer some-other-token-of-16+' })).status).toBe(401);
      }
    } finally {
      await Promise.all(first.map(stopProcess));
    }
  }, 60_000);
});
