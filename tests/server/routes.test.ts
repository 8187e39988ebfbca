import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAccount, startServer, type TestServer } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('every route answers with its JSON shape', () => {
  it('opens an account and answers with its id', async () => {
    const answer = await server.api('POST', '/api/v1/accounts', { owner_name: 'Ada Lovelace', initial_deposit: '100.00', currency: 'EUR' });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({
      success: true,
      data: { account_id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'open', balance: '100.00', version: 2, position: expect.any(Number) },
    });
  });

  it('opens an account with the id a client chose, without a deposit, in the default currency', async () => {
    const answer = await server.api('POST', '/api/v1/accounts', { owner_name: 'Bob', account_id: 'acc-bob-1' });
    expect(answer.status).toBe(201);
    expect(answer.body.data).toMatchObject({ account_id: 'acc-bob-1', balance: '0.00', version: 1 });
    expect((await server.api('GET', '/api/v1/accounts/acc-bob-1')).body.data.currency).toBe('EUR');
  });

  it('deposits, withdraws, transfers and closes, each answering with the account as it left it', async () => {
    const alice = await openAccount(server, 'Alice', '100.00');
    const bob = await openAccount(server, 'Bob', '0.01');
    const deposit = await server.api('POST', `/api/v1/accounts/${alice}/deposit`, { amount: '25.5', description: 'Salary' });
    expect(deposit.status).toBe(200);
    expect(deposit.body).toEqual({ success: true, data: { account_id: alice, status: 'open', balance: '125.50', version: 3, position: expect.any(Number) } });
    const withdraw = await server.api('POST', `/api/v1/accounts/${alice}/withdraw`, { amount: '0.50', description: 'Coffee' });
    expect(withdraw.body.data).toMatchObject({ balance: '125.00', version: 4 });
    const transfer = await server.api('POST', `/api/v1/accounts/${alice}/transfer`, { to_account_id: bob, amount: '25.00', description: 'Rent share' });
    expect(transfer.status).toBe(200);
    expect(transfer.body.data).toMatchObject({ account_id: alice, balance: '100.00', version: 5 });
    expect((await server.api('GET', `/api/v1/accounts/${bob}`)).body.data).toMatchObject({ balance: '25.01', version: 3 });
    await server.api('POST', `/api/v1/accounts/${bob}/withdraw`, { amount: '25.01' });
    const close = await server.api('POST', `/api/v1/accounts/${bob}/close`, { reason: 'Moved abroad' });
    expect(close.status).toBe(200);
    expect(close.body.data).toMatchObject({ account_id: bob, status: 'closed', balance: '0.00', version: 5 });
  });

  it('shows an account', async () => {
    const id = await openAccount(server, 'Grace Hopper', '42.00', 'USD');
    const answer = await server.api('GET', `/api/v1/accounts/${id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      success: true,
      data: {
        account_id: id,
        owner_name: 'Grace Hopper',
        currency: 'USD',
        status: 'open',
        balance: '42.00',
        version: 2,
        transaction_count: 1,
        opened_at: expect.stringMatching(ISO),
        last_activity_at: expect.stringMatching(ISO),
        closed_reason: null,
      },
    });
  });

  it('lists accounts in the order they were opened, a page at a time', async () => {
    const all = await server.api('GET', '/api/v1/accounts?limit=1000');
    const total = all.body.data.total;
    expect(all.body.data.accounts).toHaveLength(total);
    const page = await server.api('GET', '/api/v1/accounts?limit=2&offset=1');
    expect(page.status).toBe(200);
    expect(page.body.data).toMatchObject({ total, limit: 2, offset: 1 });
    expect(page.body.data.accounts.map((a: { account_id: string }) => a.account_id)).toEqual(
      all.body.data.accounts.slice(1, 3).map((a: { account_id: string }) => a.account_id),
    );
    const past = await server.api('GET', `/api/v1/accounts?offset=${total + 5}`);
    expect(past.body.data).toMatchObject({ accounts: [], total });
  });

  it('lists transactions newest first, each with the balance after it', async () => {
    const alice = await openAccount(server, 'Alice', '10.00');
    const bob = await openAccount(server, 'Bob', '');
    await server.api('POST', `/api/v1/accounts/${alice}/deposit`, { amount: '5.00', description: 'Gift' });
    await server.api('POST', `/api/v1/accounts/${alice}/transfer`, { to_account_id: bob, amount: '12.25', description: 'Dinner' });
    const answer = await server.api('GET', `/api/v1/accounts/${alice}/transactions?limit=10`);
    expect(answer.status).toBe(200);
    expect(answer.body.data.total).toBe(3);
    expect(answer.body.data.transactions).toEqual([
      { version: 4, position: expect.any(Number), at: expect.stringMatching(ISO), kind: 'transfer-out', amount: '-12.25', balance_after: '2.75', counterparty_id: bob, description: 'Dinner' },
      { version: 3, position: expect.any(Number), at: expect.stringMatching(ISO), kind: 'deposit', amount: '5.00', balance_after: '15.00', counterparty_id: null, description: 'Gift' },
      { version: 2, position: expect.any(Number), at: expect.stringMatching(ISO), kind: 'deposit', amount: '10.00', balance_after: '10.00', counterparty_id: null, description: 'Initial deposit' },
    ]);
    const received = await server.api('GET', `/api/v1/accounts/${bob}/transactions?limit=1`);
    expect(received.body.data.transactions).toEqual([expect.objectContaining({ kind: 'transfer-in', amount: '12.25', balance_after: '12.25', counterparty_id: alice })]);
  }, 60_000);

  it("shows an account's raw events in the export format", async () => {
    const id = await openAccount(server, 'Ada', '7.00');
    const answer = await server.api('GET', `/api/v1/accounts/${id}/events`);
    expect(answer.status).toBe(200);
    expect(answer.body.data.account_id).toBe(id);
    const [opened, deposited] = answer.body.data.events;
    expect(Object.keys(opened)).toEqual(['position', 'streamId', 'version', 'type', 'schemaVersion', 'data', 'metadata']);
    expect(opened).toMatchObject({ streamId: id, version: 1, type: 'AccountOpened', schemaVersion: 2, data: { accountId: id, ownerName: 'Ada', currency: 'EUR' } });
    expect(Object.keys(opened.metadata)).toEqual(['eventId', 'commandId', 'at']);
    expect(deposited).toMatchObject({ version: 2, type: 'MoneyDeposited', data: { accountId: id, amount: '7.00', description: 'Initial deposit' } });
    expect(deposited.metadata.commandId).toBe(opened.metadata.commandId);
    expect(deposited.position).toBe(opened.position + 1);
    const later = await server.api('GET', `/api/v1/accounts/${id}/events?after_version=1&limit=5`);
    expect(later.body.data.events.map((e: { version: number }) => e.version)).toEqual([2]);
    // Past the end, even past what a version column holds: the empty page, as for any version after the last.
    for (const after of ['2', '2147483648', String(Number.MAX_SAFE_INTEGER)]) {
      const past = await server.api('GET', `/api/v1/accounts/${id}/events?after_version=${after}`);
      expect([past.status, past.body.data.events]).toEqual([200, []]);
    }
    const beyond = await server.api('GET', `/api/v1/accounts/${id}/events?after_version=${Number.MAX_SAFE_INTEGER + 1}`);
    expect([beyond.status, beyond.body.error.message]).toEqual([400, `The query parameter "after_version" must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`]);
  });

  it('hands out the whole log by position, a page at a time, with the head', async () => {
    const all = await server.api('GET', '/api/v1/events?after=0&limit=10000');
    const { head, events } = all.body.data;
    expect(events.map((e: { position: number }) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const page = await server.api('GET', '/api/v1/events?after=3&limit=2');
    expect(page.body.data.head).toBe(head);
    expect(page.body.data.events).toEqual(events.slice(3, 5));
    expect((await server.api('GET', `/api/v1/events?after=${head}`)).body.data.events).toEqual([]);
  });

  it('answers a transfer as one commit: both events share a command id, a time and neighbouring positions', async () => {
    const alice = await openAccount(server, 'Alice', '10.00');
    const bob = await openAccount(server, 'Bob', '');
    const transfer = await server.api('POST', `/api/v1/accounts/${alice}/transfer`, { to_account_id: bob, amount: '1.00' }, { 'idempotency-key': 'transfer-commit-1' });
    const { events } = (await server.api('GET', `/api/v1/events?after=${transfer.body.data.position - 2}`)).body.data;
    expect(events.map((e: { type: string }) => e.type)).toEqual(['TransferSent', 'TransferReceived']);
    expect(events[0].metadata.commandId).toBe('transfer-commit-1');
    expect(events[1].metadata).toMatchObject({ commandId: 'transfer-commit-1', at: events[0].metadata.at });
    expect(events[0].data.transferId).toBe('transfer-commit-1');
  });
});
