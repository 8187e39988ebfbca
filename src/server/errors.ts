import { ConcurrencyError, DomainError, ImportError, LedgerError, NotFoundError, ValidationError, type ErrorCode, type MoneyMention } from '../domain/errors';

/** Codes only the HTTP edge has; everything a command can break keeps the domain's code. */
export type ServerErrorCode = Extract<ErrorCode, 'UNAUTHORIZED' | 'INVALID_REQUEST' | 'PAYLOAD_TOO_LARGE' | 'IDEMPOTENCY_KEY_REUSED' | 'INTERNAL_ERROR'>;

/** A refusal of the request itself (auth, shape, size), with the HTTP status it answers with. */
export class ServerError extends LedgerError {
  constructor(
    code: ServerErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(code, message);
  }
}

export interface Failure {
  status: number;
  code: ErrorCode;
  message: string;
  /** An uploaded file's refusal: the field at fault as a developer reads it, `events[12].data.amount`. */
  path?: string;
  /** The amounts the message names, each as it is written there, for a client to show in its own format. */
  amounts?: readonly MoneyMention[];
}

/** The one table from an error to its status: bad input 400, unknown account 404, a rule or a race 409. */
export function failureOf(error: LedgerError | ServerError): Failure {
  if (error instanceof ServerError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof ImportError) {
    const status = error.code === 'IMPORT_NOT_EMPTY' ? 409 : 400;
    return { status, code: error.code, message: error.message, ...(error.path !== undefined && { path: error.path }) };
  }
  const status =
    error instanceof ValidationError
      ? 400
      : error instanceof NotFoundError || error.code === 'ACCOUNT_NOT_FOUND'
        ? 404
        : error instanceof DomainError || error instanceof ConcurrencyError
          ? 409
          : error.code === 'STORAGE_UNAVAILABLE'
            ? 503
            : 500;
  return { status, code: error.code, message: error.message, ...(error.amounts.length > 0 && { amounts: error.amounts }) };
}

export function envelope({ code, message, path, amounts }: Failure): { success: false; error: Omit<Failure, 'status'> } {
  return { success: false, error: { code, message, ...(path !== undefined && { path }), ...(amounts && { amounts }) } };
}
