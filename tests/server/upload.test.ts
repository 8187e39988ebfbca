import 'fake-indexeddb/auto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLedger } from '../../src/app/export';
import { UPLOAD_LIMIT } from '../../src/server/http/upload-route';
import { close, deleteLedger, deposit, open, openLedger, transfer, withdraw } from '../support/ledger';
import { SHAPE_CASES } from '../store/hostile-cases';
import { LAYOUTS, LogFixture, basic, serialize, type Layout } from '../store/hostile-fixtures';
import { RULE_CASES } from '../store/hostile-rule-cases';
import { TOKEN, count, startServer, type TestServer } from './support';

const servers: TestServer[] = [];
/** A server of its own for each test: an upload needs an empty one. */
async function emptyServer(): Promise<TestServer> {
  const server = await startServer();
  servers.push(server);
  return server;
}
afterAll(() => Promise.all(servers.map((server) => server.close())));

const upload = (server: TestServer, text: string) => server.api('POST', '/api/v1/log', text);

/** The log by position, as a device pulls it. */
async function pull(server: TestServer): Promise<{ head: number; events: unknown[] }> {
  return (await server.api('GET', '/api/v1/events?after=0&limit=10000')).body.data;
}

/** Every read model as the API shows it: the accounts, and each one's transactions. */
async function readModels(server: TestServer): Promise<unknown> {
  const { accounts } = (await server.api('GET', '/api/v1/accounts?limit=1000')).body.data;
  const histories = await Promise.all(
    accounts.map(async ({ account_id }: { account_id: string }) => (await server.api('GET', `/api/v1/accounts/${account_id}/transactions?limit=1000`)).body.data),
  );
  return { accounts, histories };
}

async function nothingWritten(server: TestServer): Promise<void> {
  for (const table of ['events', 'accounts', 'transactions', 'commands'] as const) expect(await count(server, table)).toBe(0);
  expect((await pull(server)).head).toBe(0);
}

describe('POST /api/v1/log: a device’s ledger becomes an empty server’s first log', () => {
  it('takes the app’s own export: the server’s log is the file’s events, and the device syncs on from its positions', async () => {
    const ledger = await openLedger();
    try {
      await ledger.execute(open('acc-ada', 'Ada Lovelace', 'EUR', '100.00'));
      await ledger.execute(open('acc-bob', 'Bob Stone'));
      await ledger.execute(transfer('acc-ada', 'acc-bob', '25.50'));
      await ledger.execute(withdraw('acc-bob', '25.50'));
      await ledger.execute(close('acc-bob', 'Moved abroad'));
      await ledger.execute(open('acc-yen', 'Yoko', 'JPY', '1500'));
      const file = await exportLedger(ledger.db);
      const server = await emptyServer();

      const answer = await upload(server, file);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ success: true, data: { events: 9, head: 9 } });
      expect(await pull(server)).toEqual({ head: 9, events: JSON.parse(file).events });

      const next = await server.api('POST', '/api/v1/accounts/acc-ada/deposit', { amount: '1.00' });
      expect(next.body.data).toMatchObject({ balance: '75.50', version: 4, position: 10 });
      expect((await server.api('GET', '/api/v1/accounts/acc-yen')).body.data).toMatchObject({ balance: '1500', currency: 'JPY', transaction_count: 1 });
    } finally {
      await deleteLedger(ledger);
    }
  });

  it('builds the read models the commands built, and answers a retried command as the server that decided it', async () => {
    const source = await emptyServer();
    const sent: { path: string; body: object; key: string; answer: unknown }[] = [];
    const send = async (path: string, body: object) => {
      const key = `cmd-${sent.length + 1}`;
      const { body: answer } = await source.api('POST', path, body, { 'idempotency-key': key });
      expect(answer.success).toBe(true);
      sent.push({ path, body, key, answer });
    };
    await send('/api/v1/accounts', { owner_name: 'Ada', initial_deposit: '100.00', account_id: 'a' });
    await send('/api/v1/accounts', { owner_name: 'Bob', account_id: 'b' });
    await send('/api/v1/accounts', { owner_name: 'Kim', currency: 'KWD', initial_deposit: '2.500', account_id: 'k' });
    await send('/api/v1/accounts/a/transfer', { to_account_id: 'b', amount: '30.00', description: 'Rent' });
    await send('/api/v1/accounts/b/withdraw', { amount: '30.00', description: 'Cash' });
    await send('/api/v1/accounts/k/deposit', { amount: '0.125' });
    await send('/api/v1/accounts/b/close', { reason: 'Moved' });
    const log = await pull(source);
    const file = serialize({ format: 'ledger-events', version: 1, exportedAt: new Date().toISOString(), eventCount: log.head, events: log.events as never }, 'line-per-event');

    const copy = await emptyServer();
    expect((await upload(copy, file)).body.data).toEqual({ events: log.head, head: log.head });
    expect(await pull(copy)).toEqual(log);
    expect(await readModels(copy)).toEqual(await readModels(source));

    for (const { path, body, key, answer } of sent) {
      const retry = await copy.api('POST', path, body, { 'idempotency-key': key });
      expect(retry.body).toEqual(answer);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
    }
    expect((await pull(copy)).head).toBe(log.head);
  });

  it('keeps older schema versions and times exactly as the file writes them', async () => {
    const fixture = new LogFixture().open('a', 'Ada').deposit('a', '5.00').withdraw('a', '1.50');
    const [opened, deposited] = fixture.events;
    opened!.schemaVersion = 1;
    opened!.data = { accountId: 'a', owner: 'Ada', currency: 'EUR' };
    deposited!.schemaVersion = 1;
    deposited!.data = { accountId: 'a', amount: '5.00' };
    deposited!.metadata.at = '2026-02-01T08:00:02Z';
    const server = await emptyServer();
    expect((await upload(server, fixture.text())).body).toEqual({ success: true, data: { events: 3, head: 3 } });
    expect((await pull(server)).events).toEqual(fixture.events);
    expect((await server.api('GET', '/api/v1/accounts/a')).body.data).toMatchObject({ owner_name: 'Ada', balance: '3.50', version: 3 });
  });

  it('takes an empty ledger, and then still takes a ledger', async () => {
    const server = await emptyServer();
    expect((await upload(server, new LogFixture().text())).body.data).toEqual({ events: 0, head: 0 });
    expect((await upload(server, basic().text())).body.data).toEqual({ events: 5, head: 5 });
  });
});

describe('an upload refused changes nothing', () => {
  it('refuses a server that holds events with 409 IMPORT_NOT_EMPTY', async () => {
    const server = await emptyServer();
    await server.api('POST', '/api/v1/accounts', { owner_name: 'Ada', initial_deposit: '1.00' });
    const answer = await upload(server, basic().text());
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: 'IMPORT_NOT_EMPTY',
      message: "The server already holds a ledger of 2 events; it takes a device's ledger only while it is empty. Nothing was changed.",
    });
    expect((await pull(server)).head).toBe(2);
    expect(await count(server, 'accounts')).toBe(1);
  });

  it('refuses a second upload, and lets exactly one of two at once win', async () => {
    const server = await emptyServer();
    expect((await upload(server, basic().text())).status).toBe(200);
    expect((await upload(server, basic().text())).body.error.code).toBe('IMPORT_NOT_EMPTY');

    const raced = await emptyServer();
    const files = [basic().text(), new LogFixture('2026-02-01T08:00:00.000Z', 'g').open('x').deposit('x', '9.00').text()];
    const answers = await Promise.all(files.map((file) => upload(raced, file)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = files[answers.findIndex((a) => a.status === 200)]!;
    expect((await pull(raced)).events).toEqual(JSON.parse(winner).events);
  });

  // Every refusal writes nothing, so one server serves them all.
  let untouched: TestServer;
  beforeAll(async () => {
    untouched = await emptyServer();
  });
  const cases = [...SHAPE_CASES, ...RULE_CASES].flatMap((c) => (c.layouts ?? LAYOUTS).map((layout): [string, Layout, typeof c] => [c.name, layout, c]));
  it.each(cases)('refuses %s (%s) with 400, naming the event', async (_name, layout, { text, expected }) => {
    const answer = await upload(untouched, text(layout));
    expect(answer.status).toBe(400);
    const { code, message, path } = answer.body.error;
    expect(code).toMatch(expected.code ?? /^(IMPORT_INVALID|UNKNOWN_EVENT_TYPE)$/);
    expect(message).toMatch(expected.message);
    if (expected.eventIndex !== undefined) {
      expect(message.startsWith(`Event ${expected.eventIndex + 1}: `)).toBe(true);
      expect(path).toBe(`events[${expected.eventIndex}]${expected.field ? `.${expected.field}` : ''}`);
    }
    await nothingWritten(untouched);
  });
});

describe('an upload from a device whose clock runs ahead', () => {
  it('is refused naming the server’s clock, which is the one it was checked against', async () => {
    const server = await emptyServer();
    const ahead = new Date(Date.now() + 60 * 60_000).toISOString();
    const answer = await upload(server, new LogFixture(ahead).open('a').text());
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^Event 1: time \S+ lies in the future \(the server's clock says \S+\); .* If the server's clock is behind, or the file's device ran ahead, set the clock right and try again\.$/);
    await nothingWritten(server);
  });
});

describe('the upload’s own body limit', () => {
  it('takes a ledger far over the 16 KiB of the other routes', async () => {
    const fixture = new LogFixture().open('a').deposit('a', '1000.00');
    for (let i = 0; i < 300; i++) fixture.withdraw('a', '1.00', 'A description long enough to make the file grow');
    const server = await emptyServer();
    expect(fixture.text().length).toBeGreaterThan(64 * 1024);
    expect((await upload(server, fixture.text())).body.data).toEqual({ events: 302, head: 302 });
  });

  it(`answers 413 before reading a body said to be over ${UPLOAD_LIMIT} bytes`, async () => {
    const server = await emptyServer();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sending = request(`${server.base}/api/v1/log`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': String(UPLOAD_LIMIT + 1) },
      });
      sending.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body: text }));
      });
      sending.on('error', reject);
      sending.write('{"format":');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error).toEqual({ code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than ${UPLOAD_LIMIT} bytes.` });
    await nothingWritten(server);
  });
});
