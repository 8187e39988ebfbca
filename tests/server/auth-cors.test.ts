import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenChecker } from '../../src/server/http/auth';
import { ORIGIN, TOKEN, count, startServer, type TestServer } from './support';

let server: TestServer;
let appDir: string;
beforeAll(async () => {
  appDir = mkdtempSync(join(tmpdir(), 'ledger-static-'));
  writeFileSync(join(appDir, 'index.html'), '<!doctype html><title>Ledger</title>');
  server = await startServer({ staticDir: appDir, tokens: [TOKEN, 'a-second-token-of-the-server'] });
});
afterAll(async () => {
  await server.close();
  rmSync(appDir, { recursive: true, force: true });
});

const UNAUTHORIZED = { success: false, error: { code: 'UNAUTHORIZED', message: 'Send a valid token: Authorization: Bearer <token>.' } };

describe('every API route asks for a bearer token', () => {
  const wrong: [string, Record<string, string>][] = [
    ['no token', { authorization: '' }],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['a token one character short', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['the token without "Bearer"', { authorization: TOKEN }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
  ];
  it.each(wrong)('answers 401 and nothing else to %s, and writes nothing', async (_what, headers) => {
    const before = await count(server, 'events');
    for (const [method, path, body] of [
      ['POST', '/api/v1/accounts', { owner_name: 'Mallory', initial_deposit: '1000.00' }],
      ['POST', '/api/v1/accounts/some-id/deposit', { amount: '1.00' }],
      ['GET', '/api/v1/accounts', undefined],
      ['GET', '/api/v1/accounts/some-id/events', undefined],
      ['GET', '/api/v1/events?after=0', undefined],
      ['GET', '/api/v1/no-such-route', undefined],
      ['POST', '/api/v1/accounts', '{not json'],
    ] as const) {
      const answer = await server.api(method, path, body, headers);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(UNAUTHORIZED);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(await count(server, 'events')).toBe(before);
  });

  it('accepts any configured token, in any case of "Bearer"', async () => {
    expect((await server.api('GET', '/api/v1/accounts', undefined, { authorization: 'Bearer a-second-token-of-the-server' })).status).toBe(200);
    expect((await server.api('GET', '/api/v1/accounts', undefined, { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('compares tokens by digest, so lengths and prefixes make no difference to the answer', () => {
    const check = tokenChecker(['secret-token-0123456789']);
    expect(check('Bearer secret-token-0123456789')).toBe(true);
    expect(check('Bearer secret-token-012345678')).toBe(false);
    expect(check('Bearer secret-token-0123456789x')).toBe(false);
    expect(check('Bearer ')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(tokenChecker([])('Bearer anything')).toBe(false);
  });

  it('serves the built app without a token: it holds no data', async () => {
    const page = await fetch(`${server.base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Ledger</title>');
  });
});

describe('CORS only for configured origins', () => {
  it('answers a preflight from a configured origin, allowing the headers the API needs', async () => {
    const answer = await fetch(`${server.base}/api/v1/accounts`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(answer.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('authorization, content-type, idempotency-key');
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST');
  });

  it('lets a configured origin read answers, refusals included', async () => {
    const ok = await server.api('GET', '/api/v1/accounts', undefined, { origin: ORIGIN });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const refused = await server.api('GET', '/api/v1/accounts', undefined, { origin: ORIGIN, authorization: '' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('gives any other origin no CORS header at all', async () => {
    const preflight = await fetch(`${server.base}/api/v1/accounts`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await server.api('GET', '/api/v1/accounts', undefined, { origin: 'https://evil.example' });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('has no CORS when no origin is configured', async () => {
    const plain = await startServer({ corsOrigins: [] });
    try {
      const answer = await plain.api('GET', '/api/v1/accounts', undefined, { origin: ORIGIN });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
