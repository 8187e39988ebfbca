import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, openAccount, startServer, type TestServer } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Sends a command and checks it is refused with this status and code (naming these amounts), and that nothing was written. */
async function refused(path: string, body: unknown, status: number, code: string, amounts?: string[]): Promise<string> {
  const before = await count(server, 'events');
  const answer = await server.api('POST', path, body);
  const named = amounts?.map((text) => ({ text, amount: text.split(' ')[0], currency: text.split(' ')[1] }));
  expect(answer.body).toEqual({ success: false, error: { code, message: expect.any(String), ...(named && { amounts: named }) } });
  expect(answer.status).toBe(status);
  expect(await count(server, 'events')).toBe(before);
  return answer.body.error.message;
}

describe('business rules are the domain’s, refused with 409 (404 for an unknown account) and nothing written', () => {
  it('refuses a withdrawal above the balance', async () => {
    const id = await openAccount(server, 'Ada', '10.00');
    const message = await refused(`/api/v1/accounts/${id}/withdraw`, { amount: '10.01' }, 409, 'INSUFFICIENT_FUNDS', ['10.00 EUR', '10.01 EUR']);
    expect(message).toBe('Insufficient funds: the balance is 10.00 EUR, 10.01 EUR was requested.');
  });

  it('refuses a transfer above the balance', async () => {
    const from = await openAccount(server, 'Ada', '1.00');
    const to = await openAccount(server, 'Bob', '');
    await refused(`/api/v1/accounts/${from}/transfer`, { to_account_id: to, amount: '1.50' }, 409, 'INSUFFICIENT_FUNDS', ['1.00 EUR', '1.50 EUR']);
  });

  it('refuses every command on a closed account', async () => {
    const id = await openAccount(server, 'Ada', '');
    expect((await server.api('POST', `/api/v1/accounts/${id}/close`, {})).status).toBe(200);
    const other = await openAccount(server, 'Bob', '5.00');
    await refused(`/api/v1/accounts/${id}/deposit`, { amount: '1.00' }, 409, 'ACCOUNT_CLOSED');
    await refused(`/api/v1/accounts/${id}/withdraw`, { amount: '1.00' }, 409, 'ACCOUNT_CLOSED');
    await refused(`/api/v1/accounts/${id}/close`, {}, 409, 'ACCOUNT_CLOSED');
    await refused(`/api/v1/accounts/${other}/transfer`, { to_account_id: id, amount: '1.00' }, 409, 'ACCOUNT_CLOSED');
  });

  it('refuses to close an account that holds money', async () => {
    const id = await openAccount(server, 'Ada', '0.01');
    const message = await refused(`/api/v1/accounts/${id}/close`, { reason: 'done' }, 409, 'BALANCE_NOT_ZERO', ['0.01 EUR']);
    expect(message).toContain('0.01 EUR');
  });

  it('refuses a transfer to the same account, to an unknown one and across currencies', async () => {
    const eur = await openAccount(server, 'Ada', '10.00');
    const usd = await openAccount(server, 'Bob', '', 'USD');
    await refused(`/api/v1/accounts/${eur}/transfer`, { to_account_id: eur, amount: '1.00' }, 409, 'TRANSFER_TO_SELF');
    await refused(`/api/v1/accounts/${eur}/transfer`, { to_account_id: 'no-such-account', amount: '1.00' }, 404, 'ACCOUNT_NOT_FOUND');
    await refused(`/api/v1/accounts/${eur}/transfer`, { to_account_id: usd, amount: '1.00' }, 409, 'CURRENCY_MISMATCH');
  });

  it('answers 404 for a command or a query on an account that does not exist', async () => {
    await refused('/api/v1/accounts/no-such-account/deposit', { amount: '1.00' }, 404, 'ACCOUNT_NOT_FOUND');
    for (const path of ['', '/transactions', '/events']) {
      const answer = await server.api('GET', `/api/v1/accounts/no-such-account${path}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('ACCOUNT_NOT_FOUND');
    }
  });

  it('refuses to open an account under an id that is taken', async () => {
    await server.api('POST', '/api/v1/accounts', { owner_name: 'Ada', account_id: 'taken-id' });
    await refused('/api/v1/accounts', { owner_name: 'Bob', account_id: 'taken-id' }, 409, 'ACCOUNT_ALREADY_EXISTS');
  });
});

describe('amounts are decimal strings with the currency’s digits, never floats: anything else is a 400', () => {
  const cases: [string, unknown, string][] = [
    ['too many decimals', '1.001', 'AMOUNT_TOO_PRECISE'],
    ['negative', '-5', 'AMOUNT_NOT_POSITIVE'],
    ['zero', '0.00', 'AMOUNT_NOT_POSITIVE'],
    ['an exponent', '1e3', 'AMOUNT_NOT_A_NUMBER'],
    ['a JSON number', 0.1, 'AMOUNT_NOT_A_NUMBER'],
    ['a whole JSON number', 5, 'AMOUNT_NOT_A_NUMBER'],
    ['empty', '', 'AMOUNT_REQUIRED'],
    ['words', 'ten', 'AMOUNT_NOT_A_NUMBER'],
    ['a thousands separator', '1,000.00', 'AMOUNT_NOT_A_NUMBER'],
    ['spaces', ' 5', 'AMOUNT_NOT_A_NUMBER'],
    ['too large', '1234567890123456', 'AMOUNT_TOO_LARGE'],
  ];
  it.each(cases)('refuses an amount that is %s', async (_what, amount, code) => {
    const id = await openAccount(server, 'Ada', '10.00');
    await refused(`/api/v1/accounts/${id}/deposit`, { amount }, 400, code);
    await refused(`/api/v1/accounts/${id}/withdraw`, { amount }, 400, code);
  });

  it('says what a JSON number should have been', async () => {
    const id = await openAccount(server, 'Ada', '10.00');
    const message = await refused(`/api/v1/accounts/${id}/deposit`, { amount: 0.1 }, 400, 'AMOUNT_NOT_A_NUMBER');
    expect(message).toBe('The amount must be a decimal string such as "12.50", not the number 0.1.');
  });

  it('checks the initial deposit and the transfer amount the same way', async () => {
    await refused('/api/v1/accounts', { owner_name: 'Ada', initial_deposit: '1.001' }, 400, 'AMOUNT_TOO_PRECISE');
    await refused('/api/v1/accounts', { owner_name: 'Ada', initial_deposit: 100 }, 400, 'AMOUNT_NOT_A_NUMBER');
    const from = await openAccount(server, 'Ada', '10.00');
    const to = await openAccount(server, 'Bob', '');
    await refused(`/api/v1/accounts/${from}/transfer`, { to_account_id: to, amount: '-1' }, 400, 'AMOUNT_NOT_POSITIVE');
  });

  it('follows the currency’s minor unit: none for JPY, three for KWD', async () => {
    await refused('/api/v1/accounts', { owner_name: 'Ada', currency: 'JPY', initial_deposit: '1.5' }, 400, 'AMOUNT_TOO_PRECISE');
    const kwd = await server.api('POST', '/api/v1/accounts', { owner_name: 'Ada', currency: 'KWD', initial_deposit: '1.255' });
    expect(kwd.body.data.balance).toBe('1.255');
  });

  it('refuses an unknown currency and an empty owner name', async () => {
    await refused('/api/v1/accounts', { owner_name: 'Ada', currency: 'XYZ' }, 400, 'CURRENCY_UNKNOWN');
    await refused('/api/v1/accounts', { owner_name: '   ' }, 400, 'OWNER_NAME_INVALID');
    await refused('/api/v1/accounts', { owner_name: 'x'.repeat(121) }, 400, 'OWNER_NAME_INVALID');
  });

  it('refuses, as the app does, a NUL or half of a character pair, which PostgreSQL would fail on or rewrite', async () => {
    const message = await refused('/api/v1/accounts', { owner_name: 'Bob\u0000' }, 400, 'OWNER_NAME_INVALID');
    expect(message).toBe('The owner’s name contains a NUL character (U+0000), which cannot be stored; remove it.');
    await refused('/api/v1/accounts', { owner_name: 'Bob\ud800' }, 400, 'OWNER_NAME_INVALID');
    const id = await openAccount(server, 'Ada', '10.00');
    await refused(`/api/v1/accounts/${id}/deposit`, { amount: '1.00', description: 'Rent\u0000' }, 400, 'TEXT_INVALID');
    await refused(`/api/v1/accounts/${id}/withdraw`, { amount: '1.00', description: 'Fee \udfff' }, 400, 'TEXT_INVALID');
  });
});
