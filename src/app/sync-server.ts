import type { LedgerCommand } from '../domain/commands';
import { SyncError, assertNever, type ErrorCode, type MoneyMention } from '../domain/errors';
import type { EventText } from '../store/event-text';

/** What the server said of a pushed command: taken (now, or the first time it came), or refused by a rule. */
export type PushAnswer = { taken: true } | { taken: false; code: string; message: string; amounts?: MoneyMention[] };

/** A page of the server's log after a position, and where its log ends. */
export interface LogPage {
  head: number;
  events: EventText[];
}

/** The codes with which the ledger's rules refuse a command (a DomainError's or a ValidationError's). */
const RULE_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'AMOUNT_REQUIRED',
  'AMOUNT_NOT_A_NUMBER',
  'AMOUNT_NOT_POSITIVE',
  'AMOUNT_TOO_PRECISE',
  'AMOUNT_TOO_LARGE',
  'CURRENCY_UNKNOWN',
  'OWNER_NAME_INVALID',
  'TEXT_TOO_LONG',
  'TEXT_INVALID',
  'ID_INVALID',
  'ACCOUNT_ALREADY_EXISTS',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_CLOSED',
  'INSUFFICIENT_FUNDS',
  'BALANCE_NOT_ZERO',
  'TRANSFER_TO_SELF',
  'CURRENCY_MISMATCH',
]);

/** The amounts a refusal names, when the server sent them as the client's own errors carry them. */
function validMentions(amounts: unknown): amounts is MoneyMention[] {
  const text = (value: unknown, form = /^.{1,100}$/) => typeof value === 'string' && form.test(value);
  return Array.isArray(amounts) && amounts.length > 0 && amounts.length <= 10 && amounts.every((m) => m && typeof m === 'object' && text(m.text) && text(m.amount, /^-?\d{1,20}(\.\d{1,8})?$/) && text(m.currency, /^[A-Z]{3}$/));
}

/** Events asked for per pull: the server's most. */
export const PULL_PAGE = 10_000;

interface Envelope<T> {
  success: boolean;
  data?: T;
  error?: { code: string; message: string; amounts?: MoneyMention[] };
}

/** The REST request a command is, on the server's API (docs/api.md). */
function requestOf(command: LedgerCommand): { path: string; body: Record<string, unknown> } {
  const account = (id: string) => `/api/v1/accounts/${encodeURIComponent(id)}`;
  switch (command.type) {
    case 'OpenAccount': {
      const { accountId, ownerName, currency, initialDeposit } = command.data;
      return { path: '/api/v1/accounts', body: { account_id: accountId, owner_name: ownerName, currency, ...(initialDeposit && { initial_deposit: initialDeposit }) } };
    }
    case 'Deposit':
    case 'Withdraw': {
      const { accountId, amount, description } = command.data;
      return { path: `${account(accountId)}/${command.type === 'Deposit' ? 'deposit' : 'withdraw'}`, body: { amount, description: description ?? '' } };
    }
    case 'Transfer': {
      const { fromAccountId, toAccountId, amount, description } = command.data;
      return { path: `${account(fromAccountId)}/transfer`, body: { to_account_id: toAccountId, amount, description: description ?? '' } };
    }
    case 'CloseAccount':
      return { path: `${account(command.data.accountId)}/close`, body: { reason: command.data.reason ?? '' } };
    default:
      return assertNever(command, 'command');
  }
}

/**
 * The server a ledger syncs with, through its REST API. Failures that a later try may cure (no network, the
 * server down or busy) are SYNC_UNREACHABLE; a token the server refuses is SYNC_UNAUTHORIZED.
 */
export class SyncServer {
  readonly url: string;

  constructor(
    url: string,
    private readonly token: string,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  private async call<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: Envelope<T> }> {
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        ...init,
        headers: { Authorization: `Bearer ${this.token}`, ...(init.body !== undefined && { 'Content-Type': 'application/json' }), ...init.headers },
      });
    } catch {
      throw new SyncError('SYNC_UNREACHABLE', `The server at ${this.url} cannot be reached (offline, or the address is wrong). Your ledger keeps working here; it syncs when the server can be reached.`);
    }
    if (response.status === 401) throw new SyncError('SYNC_UNAUTHORIZED', `The server at ${this.url} refused the access token. Check the token in the sync settings.`);
    if (response.status >= 500 || response.status === 429) {
      throw new SyncError('SYNC_UNREACHABLE', `The server at ${this.url} could not answer just now (HTTP ${response.status}); the sync will try again.`);
    }
    let body: Envelope<T>;
    try {
      body = (await response.json()) as Envelope<T>;
    } catch {
      throw new SyncError('SYNC_FAILED', `The server at ${this.url} answered something that is not the ledger's API (HTTP ${response.status}). Check the address.`);
    }
    return { status: response.status, body };
  }

  /** Sends one command, its id as the Idempotency-Key: sent again after a lost answer, it still takes effect once. */
  async push(command: LedgerCommand): Promise<PushAnswer> {
    const { path, body } = requestOf(command);
    const answer = await this.call(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Idempotency-Key': command.commandId } });
    if (answer.body.success) return { taken: true };
    const error = answer.body.error ?? { code: 'SYNC_FAILED', message: `HTTP ${answer.status}` };
    // Two servers deciding on the same account at once: nothing was written, and the next try decides again.
    if (error.code === 'CONCURRENCY_CONFLICT') throw new SyncError('SYNC_UNREACHABLE', error.message);
    // Only a rule of the ledger refuses a command for good; anything else (a route this server lacks, a proxy,
    // a request it could not read) stops the round and leaves the command pending.
    if (!RULE_CODES.has(error.code)) throw new SyncError('SYNC_FAILED', `The server at ${this.url} did not take a command (${error.code}: ${error.message}); it stays pending.`);
    return { taken: false, code: error.code, message: error.message, ...(validMentions(error.amounts) && { amounts: error.amounts }) };
  }

  /** The server's events after `after`, a page at a time, with its log's head. */
  async pull(after: number, limit = PULL_PAGE): Promise<LogPage> {
    const { body } = await this.call<LogPage>(`/api/v1/events?after=${after}&limit=${limit}`);
    if (!body.success || !body.data) throw new SyncError('SYNC_FAILED', `The server refused to send its log: ${body.error?.message ?? 'no reason given.'}`);
    return body.data;
  }

  /** Makes this device's whole log the server's first, when the server's log is empty (see docs/api.md). */
  async upload(file: Blob): Promise<void> {
    const { body } = await this.call(`/api/v1/log`, { method: 'POST', body: file });
    if (body.success) return;
    if (body.error?.code === 'IMPORT_NOT_EMPTY') throw new SyncError('SYNC_SERVER_NOT_EMPTY', body.error.message);
    throw new SyncError('SYNC_FAILED', `The server refused this ledger: ${body.error?.message ?? 'no reason given.'}`);
  }
}
