import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../src/domain/errors';
import { inTransaction } from '../../src/server/db';
import { streamLockKeys } from '../../src/server/commands';
import { append } from '../../src/server/event-store';
import { openAccount, startServer, type TestServer } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function streamVersions(accountId: string): Promise<number[]> {
  const { rows } = await server.pool.query<{ version: number }>('SELECT version FROM events WHERE stream_id = $1 ORDER BY version', [accountId]);
  return rows.map((row) => row.version);
}

describe('concurrent commands on one account', () => {
  it('decides them one at a time: no lost update, no overdraft, versions contiguous', async () => {
    const id = await openAccount(server, 'Ada', '10.00');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.api('POST', `/api/v1/accounts/${id}/${i % 2 ? 'withdraw' : 'deposit'}`, { amount: i % 2 ? '3.00' : '1.00' }),
      ),
    );
    const done = answers.map((answer, i) => ({ answer, deposit: i % 2 === 0 })).filter(({ answer }) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.every((a) => a.status === 409 && a.body.error.code === 'INSUFFICIENT_FUNDS')).toBe(true);
    expect(await streamVersions(id)).toEqual(Array.from({ length: 2 + done.length }, (_, i) => i + 1));
    const deposits = done.filter((d) => d.deposit).length;
    const withdrawals = done.length - deposits;
    const { body } = await server.api('GET', `/api/v1/accounts/${id}`);
    expect(body.data.balance).toBe((10 + deposits - 3 * withdrawals).toFixed(2));
    expect(Number(body.data.balance)).toBeGreaterThanOrEqual(0);
  });

  it('moves money both ways between two accounts at once without deadlock or loss', async () => {
    const a = await openAccount(server, 'Ada', '50.00');
    const b = await openAccount(server, 'Bob', '50.00');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const [from, to] = i % 2 ? [a, b] : [b, a];
        return server.api('POST', `/api/v1/accounts/${from}/transfer`, { to_account_id: to, amount: '5.00' });
      }),
    );
    expect(answers.every((x) => x.status === 200)).toBe(true);
    const [ab, bb] = await Promise.all([a, b].map(async (id) => (await server.api('GET', `/api/v1/accounts/${id}`)).body.data.balance));
    expect([ab, bb]).toEqual(['50.00', '50.00']);
  });
});

describe('transfers between accounts whose ids share a lock key', () => {
  it('are decided one at a time, never deadlocking, though the ids sort in another order than their keys', async () => {
    // acc-111251 and acc-35181 share a lock key; acc-2 sorts between them and has a key of its own.
    const [low, middle, high] = ['acc-111251', 'acc-2', 'acc-35181'];
    expect(streamLockKeys([low, high])).toHaveLength(1);
    expect(streamLockKeys([low, middle, high])).toHaveLength(2);
    for (const accountId of [low, middle, high]) {
      const opened = await server.api('POST', '/api/v1/accounts', { owner_name: accountId, initial_deposit: '100.00', account_id: accountId });
      expect(opened.status).toBe(201);
    }
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          const [from, to] = i % 2 ? [low, middle] : [middle, high];
          return server.api('POST', `/api/v1/accounts/${from}/transfer`, { to_account_id: to, amount: '1.00' });
        }),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    }
    const balances = await Promise.all([low, middle, high].map(async (id) => (await server.api('GET', `/api/v1/accounts/${id}`)).body.data.balance));
    expect(balances).toEqual(['50.00', '100.00', '150.00']);
  });
});

describe('the append refuses a version another writer took first', () => {
  it('throws ConcurrencyError for a stale expected version and writes nothing', async () => {
    const id = await openAccount(server, 'Ada', '10.00');
    const stale = { streamId: id, expectedVersion: 1, events: [{ type: 'MoneyDeposited' as const, data: { accountId: id, amount: '1.00', description: '' } }] };
    const error = await inTransaction(server.pool, (db) => append(db, [stale], { commandId: 'stale-append', newId: () => 'evt-stale', now: new Date() })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: id, expectedVersion: 1 });
    expect(await streamVersions(id)).toEqual([1, 2]);
    const { body } = await server.api('GET', '/api/v1/events?after=0&limit=10000');
    expect(body.data.events.map((e: { position: number }) => e.position)).toEqual(Array.from({ length: body.data.head }, (_, i) => i + 1));
  });
});
