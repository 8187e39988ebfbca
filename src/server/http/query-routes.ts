import type { FastifyInstance, FastifyReply } from 'fastify';
import type pg from 'pg';
import { assertId } from '../../domain/rules';
import { eventText, type EventText } from '../../store/event-text';
import { readLog, readStreamPage } from '../event-store';
import { getAccount, listAccounts, listTransactions } from '../queries';
import { accountParams, logQuery, pageQuery, streamQuery, wholeParam } from './schemas';

const PAGE = { fallback: 50, min: 1, max: 1000 };
const OFFSET = { fallback: 0, min: 0, max: Number.MAX_SAFE_INTEGER };
const EVENTS = { fallback: 1000, min: 1, max: 10_000 };

/**
 * Events go out as the export format writes them, one `eventText` each, so the app reads them like a file's;
 * the answer is joined from those texts rather than parsed and written again.
 */
function sendEvents(reply: FastifyReply, fields: Record<string, string | number>, events: EventText[]) {
  const data = Object.entries(fields).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)},`).join('');
  const body = `{"success":true,"data":{${data}"events":[${events.map((e) => eventText(e.streamId, e)).join(',')}]}}`;
  return reply.type('application/json; charset=utf-8').send(body);
}

type Page = { Querystring: { limit?: string; offset?: string } };
type AccountPage = Page & { Params: { id: string } };

export function registerQueryRoutes(api: FastifyInstance, pool: pg.Pool): void {
  api.get<Page>('/v1/accounts', { schema: { querystring: pageQuery } }, async (request) => {
    const limit = wholeParam(request.query.limit, 'limit', PAGE);
    const offset = wholeParam(request.query.offset, 'offset', OFFSET);
    return { success: true, data: { ...(await listAccounts(pool, limit, offset)), limit, offset } };
  });

  api.get<{ Params: { id: string } }>('/v1/accounts/:id', { schema: { params: accountParams } }, async (request) => {
    return { success: true, data: await getAccount(pool, assertId(request.params.id, 'account_id')) };
  });

  api.get<AccountPage>('/v1/accounts/:id/transactions', { schema: { params: accountParams, querystring: pageQuery } }, async (request) => {
    const accountId = assertId(request.params.id, 'account_id');
    const limit = wholeParam(request.query.limit, 'limit', PAGE);
    const offset = wholeParam(request.query.offset, 'offset', OFFSET);
    return { success: true, data: { account_id: accountId, ...(await listTransactions(pool, accountId, limit, offset)), limit, offset } };
  });

  api.get<{ Params: { id: string }; Querystring: { after_version?: string; limit?: string } }>(
    '/v1/accounts/:id/events',
    { schema: { params: accountParams, querystring: streamQuery } },
    async (request, reply) => {
      const account = await getAccount(pool, assertId(request.params.id, 'account_id'));
      const after = wholeParam(request.query.after_version, 'after_version', OFFSET);
      const limit = wholeParam(request.query.limit, 'limit', EVENTS);
      const events = await readStreamPage(pool, account.account_id, after, limit);
      return sendEvents(reply, { account_id: account.account_id }, events);
    },
  );

  api.get<{ Querystring: { after?: string; limit?: string } }>('/v1/events', { schema: { querystring: logQuery } }, async (request, reply) => {
    const after = wholeParam(request.query.after, 'after', OFFSET);
    const limit = wholeParam(request.query.limit, 'limit', EVENTS);
    const { head, events } = await readLog(pool, after, limit);
    return sendEvents(reply, { head }, events);
  });
}
