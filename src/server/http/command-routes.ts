import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LedgerCommand } from '../../domain/commands';
import { assertId } from '../../domain/rules';
import type { CommandHandler } from '../commands';
import { ServerError } from '../errors';
import { accountParams, closeBody, moneyBody, openAccountBody, transferBody } from './schemas';

// Bodies as the schemas let them through; amounts may still be JSON numbers, for the domain to refuse.
interface OpenAccountBody { owner_name: string; initial_deposit?: string | number; currency?: string; account_id?: string }
interface MoneyBody { amount: string | number; description?: string }
interface TransferBody { to_account_id: string; amount: string | number; description?: string }
interface CloseBody { reason?: string }
type WithAccount<Body> = { Params: { id: string }; Body: Body };

export const DEFAULT_CURRENCY = 'EUR';

/**
 * What identifies a request for idempotency: the route, its account and its body, keys sorted, so that a retry
 * sent with its fields in another order is the same request.
 */
function requestIdentity(route: string, request: FastifyRequest): string {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const fields = Object.keys(body).sort().map((key) => [key, body[key]]);
  return createHash('sha256').update(JSON.stringify([route, (request.params as { id?: string }).id ?? null, fields])).digest('hex');
}

/** The command id: the Idempotency-Key when sent (a retry with it takes effect once), else a new one. */
function commandIdOf(request: FastifyRequest, newId: () => string): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return newId();
  if (Array.isArray(key)) throw new ServerError('INVALID_REQUEST', 400, 'Send one Idempotency-Key header, not several.');
  return assertId(key, 'Idempotency-Key');
}

// The domain types amounts as the strings a person typed; here they may be any JSON value, and the domain checks them.
const untrusted = (value: unknown): string => value as string;

export function registerCommandRoutes(api: FastifyInstance, handler: CommandHandler, newId: () => string): void {
  const run = async (route: string, request: FastifyRequest, reply: FastifyReply, command: (commandId: string) => LedgerCommand) => {
    const { answer, replayed } = await handler.execute(command(commandIdOf(request, newId)), requestIdentity(route, request));
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    return reply.status(route === 'open' ? 201 : 200).send({ success: true, data: answer });
  };
  const pathAccount = (request: FastifyRequest<{ Params: { id: string } }>) => assertId(request.params.id, 'account_id');

  api.post<{ Body: OpenAccountBody }>('/v1/accounts', { schema: { body: openAccountBody } }, (request, reply) => {
    const body = request.body;
    const accountId = body.account_id === undefined ? newId() : assertId(body.account_id, 'account_id');
    return run('open', request, reply, (commandId) => ({
      type: 'OpenAccount',
      commandId,
      data: { accountId, ownerName: body.owner_name, currency: body.currency ?? DEFAULT_CURRENCY, initialDeposit: untrusted(body.initial_deposit) },
    }));
  });

  const moneyRoute = (route: 'deposit' | 'withdraw', type: 'Deposit' | 'Withdraw') =>
    api.post<WithAccount<MoneyBody>>(`/v1/accounts/:id/${route}`, { schema: { params: accountParams, body: moneyBody } }, (request, reply) => {
      const accountId = pathAccount(request);
      const { amount, description } = request.body;
      return run(route, request, reply, (commandId) => ({ type, commandId, data: { accountId, amount: untrusted(amount), description } }));
    });
  moneyRoute('deposit', 'Deposit');
  moneyRoute('withdraw', 'Withdraw');

  api.post<WithAccount<TransferBody>>('/v1/accounts/:id/transfer', { schema: { params: accountParams, body: transferBody } }, (request, reply) => {
    const fromAccountId = pathAccount(request);
    const toAccountId = assertId(request.body.to_account_id, 'to_account_id');
    const { amount, description } = request.body;
    return run('transfer', request, reply, (commandId) => ({
      type: 'Transfer',
      commandId,
      data: { fromAccountId, toAccountId, amount: untrusted(amount), description },
    }));
  });

  api.post<WithAccount<CloseBody>>('/v1/accounts/:id/close', { schema: { params: accountParams, body: closeBody } }, (request, reply) => {
    const accountId = pathAccount(request);
    return run('close', request, reply, (commandId) => ({ type: 'CloseAccount', commandId, data: { accountId, reason: request.body.reason } }));
  });
}
