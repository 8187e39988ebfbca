/**
 * One error shape for the whole ledger: a class per kind of failure, a stable
 * machine-readable `code`, and a message written for the person using the app.
 */
export type ErrorCode =
  | 'AMOUNT_REQUIRED'
  | 'AMOUNT_NOT_A_NUMBER'
  | 'AMOUNT_NOT_POSITIVE'
  | 'AMOUNT_TOO_PRECISE'
  | 'AMOUNT_TOO_LARGE'
  | 'CURRENCY_UNKNOWN'
  | 'OWNER_NAME_INVALID'
  | 'TEXT_TOO_LONG'
  | 'TEXT_INVALID'
  | 'ID_INVALID'
  | 'ACCOUNT_ALREADY_EXISTS'
  | 'ACCOUNT_NOT_FOUND'
  | 'ACCOUNT_CLOSED'
  | 'INSUFFICIENT_FUNDS'
  | 'BALANCE_NOT_ZERO'
  | 'TRANSFER_TO_SELF'
  | 'CURRENCY_MISMATCH'
  | 'TRANSFER_MISMATCH'
  | 'UNKNOWN_EVENT_TYPE'
  | 'UNSUPPORTED_SCHEMA_VERSION'
  | 'INVALID_EVENT'
  | 'CONCURRENCY_CONFLICT'
  | 'IMPORT_INVALID'
  | 'IMPORT_NOT_EMPTY'
  | 'IMPORT_CANCELLED'
  | 'IMPORT_STOPPED'
  | 'IMPORT_FILE_UNREADABLE'
  | 'IMPORT_WHILE_SYNCING'
  | 'TIME_INVALID'
  | 'STORAGE_QUOTA_EXCEEDED'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_SCHEMA_NEWER'
  | 'TIMELINE_UNREADABLE'
  | 'NOT_FOUND'
  // The server's refusals of a request itself, before any command is decided.
  | 'UNAUTHORIZED'
  | 'INVALID_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INTERNAL_ERROR'
  // Sync with a server, as the app meets it.
  | 'SYNC_UNREACHABLE'
  | 'SYNC_UNAUTHORIZED'
  | 'SYNC_SERVER_NOT_EMPTY'
  | 'SYNC_SERVER_CHANGED'
  /** Another round, or turning sync off, changed the sync state during a round: nothing wrong, the next one starts over. */
  | 'SYNC_MOVED'
  | 'SYNC_FAILED';

/** An amount a message names, as the message writes it, so a screen can show it in the person's own format. */
export interface MoneyMention {
  text: string;
  amount: string;
  currency: string;
}

export class LedgerError extends Error {
  readonly code: ErrorCode;
  /** The amounts the message names (see MoneyMention). */
  readonly amounts: readonly MoneyMention[];
  constructor(code: ErrorCode, message: string, amounts: readonly MoneyMention[] = []) {
    super(message);
    this.code = code;
    this.amounts = amounts;
    this.name = new.target.name;
  }
}

/** The input itself is malformed (an amount that is not a number, an empty name). */
export class ValidationError extends LedgerError {
  readonly field: string;
  constructor(code: ErrorCode, field: string, message: string) {
    super(code, message);
    this.field = field;
  }
}

/** The input is well formed but a business rule refuses it (overdraft, closed account). */
export class DomainError extends LedgerError {}

/** A stored or imported event cannot be understood (unknown type, future schema). */
export class EventSchemaError extends LedgerError {}

/** Someone else appended to the stream since it was read. */
export class ConcurrencyError extends LedgerError {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly actualVersion: number;
  constructor(streamId: string, expectedVersion: number, actualVersion: number) {
    super(
      'CONCURRENCY_CONFLICT',
      `Account ${streamId} changed meanwhile (expected version ${expectedVersion}, found ${actualVersion}). Reload and try again.`,
    );
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** Where in an import file a refusal is: the event (from 0), its field, and the place as a person counts it. */
export interface ImportPlace {
  eventIndex?: number;
  field?: string;
  /** "Line 14" (the file's own line) or "Event 14" (a file not laid out one event per line); default the latter. */
  place?: string;
  amounts?: readonly MoneyMention[];
}

/**
 * An import file was refused. The message says where as a person counts ("Line 14: …"); `path`
 * (events[12].data.amount) says it for a developer.
 */
export class ImportError extends LedgerError {
  readonly eventIndex: number | undefined;
  readonly field: string | undefined;
  readonly place: string | undefined;
  /** The message without its place, so the error can be rebuilt where it is reported. */
  readonly detail: string;
  constructor(code: ErrorCode, detail: string, where: ImportPlace = {}) {
    const place = where.place ?? (where.eventIndex === undefined ? undefined : `Event ${where.eventIndex + 1}`);
    super(code, place === undefined ? detail : `${place}: ${detail}`, where.amounts);
    this.detail = detail;
    this.eventIndex = where.eventIndex;
    this.field = where.field;
    this.place = place;
  }

  /** The field at fault as a developer reads it: events[12].data.amount. */
  get path(): string | undefined {
    if (this.eventIndex === undefined) return undefined;
    return `events[${this.eventIndex}]${this.field ? `.${this.field}` : ''}`;
  }
}

/** Sync with a server could not go on (the network, the token, an answer it did not expect); nothing local is lost. */
export class SyncError extends LedgerError {}

/** The browser's storage refused (quota, IndexedDB missing). */
export class StorageError extends LedgerError {}

export class NotFoundError extends LedgerError {
  constructor(message: string) {
    super('NOT_FOUND', message);
    // Dexie replaces any error named like the DOMException "NotFoundError" thrown inside a transaction with its own.
    this.name = 'LedgerNotFoundError';
  }
}

/**
 * An untrusted value as a message shows it: JSON-quoted and cut short, so a
 * hostile 100,000-character field cannot become a 100,000-character message.
 */
export function quoted(value: unknown, max = 40): string {
  // JSON would write Infinity (a 1e400 in a file) as null.
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
