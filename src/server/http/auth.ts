import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerError, envelope, failureOf } from '../errors';

export const MIN_TOKEN_LENGTH = 16;

/** A token for a server started without LEDGER_TOKENS: 256 random bits. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens in constant time: digests have equal
 * lengths for timingSafeEqual, and every token is compared, so timing tells neither a prefix nor which one matched.
 */
export function tokenChecker(tokens: readonly string[]): (header: string | undefined) => boolean {
  const digests = tokens.map(digest);
  return (header) => {
    const given = /^Bearer ([!-~]+)$/i.exec(header ?? '');
    const candidate = digest(given?.[1] ?? '');
    let matched = false;
    for (const known of digests) matched = timingSafeEqual(known, candidate) || matched;
    return matched && given !== null;
  };
}

/** An onRequest hook: runs before the body is read, so a refused request costs nothing and changes nothing. */
export function requireToken(tokens: readonly string[]) {
  const isAuthorized = tokenChecker(tokens);
  const refusal = envelope(failureOf(new ServerError('UNAUTHORIZED', 401, 'Send a valid token: Authorization: Bearer <token>.')));
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // A CORS preflight carries no credentials by design; it reaches no route that reads or writes.
    if (request.method === 'OPTIONS' || isAuthorized(request.headers.authorization)) return;
    await reply.status(401).header('WWW-Authenticate', 'Bearer').send(refusal);
  };
}
