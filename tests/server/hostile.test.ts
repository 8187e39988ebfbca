import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../../src/server/http/app';
import { count, openAccount, startServer, type TestServer } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

async function invalid(method: string, path: string, body: unknown, status = 400, headers: Record<string, string> = {}) {
  const events = await count(server, 'events');
  const answer = await server.api(method, path, body, headers);
  expect(answer.status).toBe(status);
  expect(answer.body.success).toBe(false);
  expect(await count(server, 'events')).toBe(events);
  return answer.body.error as { code: string; message: string };
}

describe('hostile requests are refused in words, and change nothing', () => {
  it('refuses malformed JSON', async () => {
    const error = await invalid('POST', '/api/v1/accounts', '{"owner_name": "Ada",');
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(/^The request body is not valid JSON/);
  });

  it('refuses a body that is not JSON, or not an object', async () => {
    expect((await invalid('POST', '/api/v1/accounts', 'owner_name=Ada', 415, { 'content-type': 'application/x-www-form-urlencoded' })).code).toBe('INVALID_REQUEST');
    expect(await invalid('POST', '/api/v1/accounts', '["Ada"]')).toEqual({ code: 'INVALID_REQUEST', message: 'The request body must be a JSON object.' });
    expect((await invalid('POST', '/api/v1/accounts', 'null')).code).toBe('INVALID_REQUEST');
  });

  it('refuses an upload with no body, or with one that is not sent as JSON', async () => {
    expect(await invalid('POST', '/api/v1/log', undefined)).toEqual({
      code: 'INVALID_REQUEST',
      message: 'The request has no body: send the ledger export as JSON (Content-Type: application/json).',
    });
    const text = '{"format":"ledger-events","version":1,"events":[]}';
    expect((await invalid('POST', '/api/v1/log', text, 415, { 'content-type': 'text/plain' })).code).toBe('INVALID_REQUEST');
  });

  it('answers an address it cannot read (a broken %-escape) in its own shape', async () => {
    for (const path of ['/api/v1/accounts/%ZZ', '/api/v1/accounts/%ED%A0%80/deposit']) {
      const error = await invalid(path.endsWith('deposit') ? 'POST' : 'GET', path, path.endsWith('deposit') ? { amount: '1.00' } : undefined);
      expect(error).toEqual({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^The address cannot be read: .*is not a valid url component\.$/) });
    }
  });

  it('refuses a body over the limit with 413', async () => {
    const error = await invalid('POST', '/api/v1/accounts', { owner_name: 'x'.repeat(BODY_LIMIT) }, 413);
    expect(error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than ${BODY_LIMIT} bytes.` });
  });

  it('refuses wrong types, naming the field', async () => {
    expect(await invalid('POST', '/api/v1/accounts', { owner_name: 42 })).toEqual({ code: 'INVALID_REQUEST', message: 'The field "owner_name" must be a string.' });
    expect(await invalid('POST', '/api/v1/accounts', { owner_name: ['Ada'] })).toMatchObject({ message: 'The field "owner_name" must be a string.' });
    const id = await openAccount(server, 'Ada', '1.00');
    expect(await invalid('POST', `/api/v1/accounts/${id}/deposit`, { amount: { value: '1.00' } })).toEqual({
      code: 'INVALID_REQUEST',
      message: 'The field "amount" must be a decimal string such as "12.50".',
    });
    expect((await invalid('POST', `/api/v1/accounts/${id}/deposit`, { amount: true })).code).toBe('INVALID_REQUEST');
    expect((await invalid('POST', `/api/v1/accounts/${id}/close`, { reason: null })).message).toBe('The field "reason" must be a string.');
  });

  it('refuses missing and unknown fields, naming them', async () => {
    expect(await invalid('POST', '/api/v1/accounts', {})).toEqual({ code: 'INVALID_REQUEST', message: 'The field "owner_name" is required.' });
    const id = await openAccount(server, 'Ada', '1.00');
    expect((await invalid('POST', `/api/v1/accounts/${id}/transfer`, { amount: '1.00' })).message).toBe('The field "to_account_id" is required.');
    expect(await invalid('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00', ammount: '2.00' })).toEqual({
      code: 'INVALID_REQUEST',
      message: '"ammount" is not a field of this request.',
    });
    expect((await invalid('POST', '/api/v1/accounts', { owner_name: 'Ada', balance: '1000000.00' })).message).toBe('"balance" is not a field of this request.');
    expect((await invalid('GET', '/api/v1/accounts?limit=5&admin=true', undefined)).message).toBe('"admin" is not a query parameter of this request.');
  });

  it('refuses query parameters that are not whole numbers in range', async () => {
    for (const query of ['limit=abc', 'limit=0', 'limit=1001', 'offset=-1', 'limit=1e3', 'limit=5.5']) {
      const error = await invalid('GET', `/api/v1/accounts?${query}`, undefined);
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.message).toMatch(/^The query parameter "(limit|offset)" must be a whole number from/);
    }
    expect((await invalid('GET', '/api/v1/events?after=x', undefined)).message).toMatch(/"after"/);
  });

  it('stores SQL and script in names verbatim, and returns them as JSON data', async () => {
    const hostile = `Robert'); DROP TABLE accounts; -- <script>alert("x")</script>`;
    const answer = await server.api('POST', '/api/v1/accounts', { owner_name: hostile, initial_deposit: '1.00' });
    expect(answer.status).toBe(201);
    const id = answer.body.data.account_id;
    const deposit = await server.api('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00', description: "'; DELETE FROM events; --" });
    expect(deposit.status).toBe(200);
    const shown = await server.api('GET', `/api/v1/accounts/${id}`);
    expect(shown.body.data.owner_name).toBe(hostile);
    expect(shown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(shown.headers.get('x-content-type-options')).toBe('nosniff');
    const transactions = await server.api('GET', `/api/v1/accounts/${id}/transactions`);
    expect(transactions.body.data.transactions[0].description).toBe("'; DELETE FROM events; --");
    expect(await count(server, 'accounts')).toBeGreaterThan(0);
    expect((await server.api('GET', `/api/v1/accounts/${id}/events`)).body.data.events[0].data.ownerName).toBe(hostile);
  });

  it('refuses ids of other shapes in the path and the body', async () => {
    for (const id of ["1'%20OR%20'1'='1", '%3Cscript%3E', 'a'.repeat(65), '..%2F..%2Fetc%2Fpasswd', '%00']) {
      const error = await invalid('POST', `/api/v1/accounts/${id}/deposit`, { amount: '1.00' });
      expect(error).toEqual({ code: 'ID_INVALID', message: 'The account_id must be 1-64 letters, digits, "-" or "_".' });
      expect((await invalid('GET', `/api/v1/accounts/${id}`, undefined)).code).toBe('ID_INVALID');
    }
    const from = await openAccount(server, 'Ada', '1.00');
    expect((await invalid('POST', `/api/v1/accounts/${from}/transfer`, { to_account_id: "x' OR 1=1", amount: '1.00' })).code).toBe('ID_INVALID');
    expect((await invalid('POST', '/api/v1/accounts', { owner_name: 'Ada', account_id: '<b>' })).code).toBe('ID_INVALID');
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    const answer = await server.api('GET', '/api/v1/nothing-here');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
    expect((await server.api('DELETE', '/api/v1/accounts')).status).toBe(404);
  });
});
