import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, openAccount, startServer, type TestServer } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const key = (value: string) => ({ 'idempotency-key': value });

describe('an Idempotency-Key is the command id: a retried request takes effect once and answers the same', () => {
  it('opens one account for the same key sent twice, and answers with the same id', async () => {
    const body = { owner_name: 'Ada', initial_deposit: '10.00' };
    const first = await server.api('POST', '/api/v1/accounts', body, key('open-once'));
    const events = await count(server, 'events');
    const again = await server.api('POST', '/api/v1/accounts', body, key('open-once'));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await count(server, 'events')).toBe(events);
  });

  it('deposits once for a retried deposit, even with its fields in another order', async () => {
    const id = await openAccount(server, 'Ada', '10.00');
    const first = await server.api('POST', `/api/v1/accounts/${id}/deposit`, '{"amount":"5.00","description":"Gift"}', key('deposit-once'));
    const again = await server.api('POST', `/api/v1/accounts/${id}/deposit`, '{"description":"Gift","amount":"5.00"}', key('deposit-once'));
    expect(again.body).toEqual(first.body);
    expect((await server.api('GET', `/api/v1/accounts/${id}`)).body.data.balance).toBe('15.00');
  });

  it('answers a retry with the first answer even when the command would now be refused', async () => {
    const id = await openAccount(server, 'Ada', '10.00');
    const first = await server.api('POST', `/api/v1/accounts/${id}/withdraw`, { amount: '10.00' }, key('withdraw-all'));
    const again = await server.api('POST', `/api/v1/accounts/${id}/withdraw`, { amount: '10.00' }, key('withdraw-all'));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('transfers once when the same key arrives many times at once', async () => {
    const from = await openAccount(server, 'Ada', '100.00');
    const to = await openAccount(server, 'Bob', '');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => server.api('POST', `/api/v1/accounts/${from}/transfer`, { to_account_id: to, amount: '30.00' }, key('transfer-at-once'))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect((await server.api('GET', `/api/v1/accounts/${from}`)).body.data.balance).toBe('70.00');
    expect((await server.api('GET', `/api/v1/accounts/${to}`)).body.data.balance).toBe('30.00');
  });

  it('refuses a key reused for a different request, and writes nothing', async () => {
    const id = await openAccount(server, 'Ada', '10.00');
    await server.api('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00' }, key('reused-key'));
    const events = await count(server, 'events');
    for (const [path, body] of [
      [`/api/v1/accounts/${id}/deposit`, { amount: '2.00' }],
      [`/api/v1/accounts/${id}/withdraw`, { amount: '1.00' }],
      ['/api/v1/accounts', { owner_name: 'Eve' }],
    ] as const) {
      const answer = await server.api('POST', path, body, key('reused-key'));
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await count(server, 'events')).toBe(events);
  });

  it('decides a refused command again on retry: a refusal writes nothing, not even its key', async () => {
    const id = await openAccount(server, 'Ada', '1.00');
    const refused = await server.api('POST', `/api/v1/accounts/${id}/withdraw`, { amount: '5.00' }, key('retry-after-deposit'));
    expect(refused.body.error.code).toBe('INSUFFICIENT_FUNDS');
    await server.api('POST', `/api/v1/accounts/${id}/deposit`, { amount: '10.00' });
    const retried = await server.api('POST', `/api/v1/accounts/${id}/withdraw`, { amount: '5.00' }, key('retry-after-deposit'));
    expect(retried.status).toBe(200);
    expect(retried.body.data.balance).toBe('6.00');
  });

  it('makes every request without a key a new command', async () => {
    const id = await openAccount(server, 'Ada', '');
    await server.api('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00' });
    await server.api('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00' });
    expect((await server.api('GET', `/api/v1/accounts/${id}`)).body.data.balance).toBe('2.00');
  });

  it('refuses a key that is not an id, and several keys at once', async () => {
    const id = await openAccount(server, 'Ada', '');
    const bad = await server.api('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00' }, key("x' OR 1=1 --"));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({ code: 'ID_INVALID', message: 'The Idempotency-Key must be 1-64 letters, digits, "-" or "_".' });
    expect((await server.api('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00' }, key('k'.repeat(65)))).status).toBe(400);
  });
});
