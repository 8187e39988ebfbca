import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { ServerError } from '../errors';
import { uploadLog } from '../upload';

/**
 * An upload is a whole ledger, the app's export file, at 270-400 bytes an event: room for the largest ledgers a
 * browser is expected to hold. Every other route keeps BODY_LIMIT.
 */
export const UPLOAD_LIMIT = 256 * 2 ** 20;

/**
 * `POST /v1/log`: a device's ledger becomes an empty server's first log (upload.ts). The body is kept as text,
 * not parsed by Fastify, so that the browser import's reader parses it an event per line, as it reads a file.
 */
export async function registerUploadRoute(api: FastifyInstance, pool: pg.Pool, clock: () => Date): Promise<void> {
  await api.register(async (scope) => {
    // JSON only, as every other route: Fastify's own text/plain parser would take a file under any name.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: UPLOAD_LIMIT }, (_request, body, done) => done(null, body));
    scope.post<{ Body: string | undefined }>('/v1/log', { bodyLimit: UPLOAD_LIMIT }, async (request) => {
      if (typeof request.body !== 'string') {
        throw new ServerError('INVALID_REQUEST', 400, 'The request has no body: send the ledger export as JSON (Content-Type: application/json).');
      }
      return { success: true, data: await uploadLog(pool, request.body, clock()) };
    });
  });
}
