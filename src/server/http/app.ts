import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type pg from 'pg';
import { LedgerError, quoted } from '../../domain/errors';
import { CommandHandler, type CommandOptions } from '../commands';
import { ServerError, envelope, failureOf, type Failure } from '../errors';
import { requireToken } from './auth';
import { registerCommandRoutes } from './command-routes';
import { registerQueryRoutes } from './query-routes';
import { registerUploadRoute } from './upload-route';
import { describeIssue } from './schemas';

/** Commands are a few hundred bytes; 16 KiB leaves room for the longest names and descriptions, escaped. */
export const BODY_LIMIT = 16 * 1024;

export interface AppOptions extends CommandOptions {
  pool: pg.Pool;
  /** Bearer tokens that may use the API. */
  tokens: readonly string[];
  /** Origins allowed to call the API from a browser; none: no CORS at all. */
  corsOrigins?: readonly string[];
  /** The built app (vite build's dist/), served at / without a token: it holds no data. */
  staticDir?: string;
}

/** Any error as the API answers it (`bodyLimit`: the route's); the unexpected ones say little and are logged. */
function failureFor(error: FastifyError | Error, bodyLimit: number): Failure {
  if (error instanceof LedgerError || error instanceof ServerError) return failureOf(error);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation?.[0]) {
    return { status: 400, code: 'INVALID_REQUEST', message: describeIssue(fastifyError.validationContext, fastifyError.validation[0]) };
  }
  switch (fastifyError.statusCode) {
    case 413:
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than ${bodyLimit} bytes.` };
    case 415:
      return { status: 415, code: 'INVALID_REQUEST', message: 'The request body must be JSON (Content-Type: application/json).' };
    case 400:
      return { status: 400, code: 'INVALID_REQUEST', message: `The request body is not valid JSON: ${fastifyError.message}` };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'The server could not process the request.' };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    // Fastify's default Ajv turns 0.1 into "0.1" and drops unknown fields; here a wrong type and an unknown field are refused.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, allowUnionTypes: true } },
    // An address Fastify cannot route (a broken %-escape, a parameter over its length) is answered in the API's shape too.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
      // Fastify types this reply generically over every route; it is a plain one here.
      void (reply as unknown as FastifyReply).status(status).send(envelope({ status, code: 'INVALID_REQUEST', message: `The address cannot be read: ${error.message}.` }));
    },
  });
  const newId = options.newId ?? randomUUID;
  const clock = options.clock ?? (() => new Date());
  const handler = new CommandHandler(options.pool, { ...options, newId });

  await app.register(cors, {
    origin: options.corsOrigins?.length ? [...options.corsOrigins] : false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    exposedHeaders: ['Idempotent-Replayed'],
    maxAge: 600,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const failure = failureFor(error, request.routeOptions.bodyLimit ?? BODY_LIMIT);
    if (failure.status >= 500) console.error(`${request.method} ${request.url} failed:`, error);
    return reply.status(failure.status).send(envelope(failure));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(envelope({ status: 404, code: 'NOT_FOUND', message: `Nothing at ${request.method} ${quoted(request.url, 80)}.` })),
  );
  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
  });

  // Every API route, and any other path under /api, asks for the token first: the hook belongs to this scope.
  await app.register(
    async (api) => {
      api.addHook('onRequest', requireToken(options.tokens));
      registerCommandRoutes(api, handler, newId);
      registerQueryRoutes(api, options.pool);
      await registerUploadRoute(api, options.pool, clock);
      api.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        url: '/*',
        handler: (_request, reply) => reply.callNotFound(),
      });
    },
    { prefix: '/api' },
  );

  if (options.staticDir) await app.register(fastifyStatic, { root: options.staticDir, prefix: '/' });
  return app;
}
