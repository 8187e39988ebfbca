import { DomainError, EventSchemaError, ImportError, type LedgerError, ValidationError, quoted } from './errors';
import { Money, toMinorUnits } from './money';
import { type OpenReplayed, type Replayed, decimalState } from './replayed-account';
import { assertFunds, assertOpen } from './rules';

// How LedgerCheck refuses an event of an import file: its raw shape, and the shared rules' refusals as the
// refusal of that event (the rules know nothing of raw events, so these name the field at fault).

export const EVENT_KEYS = new Set(['position', 'streamId', 'version', 'type', 'schemaVersion', 'data', 'metadata']);
export const METADATA_KEYS = new Set(['eventId', 'commandId', 'at']);

/** Which field of the raw event an error thrown by a shared guard is about. */
export function fieldOf(error: LedgerError): string | undefined {
  if (error instanceof ValidationError) return error.field;
  if (error instanceof EventSchemaError) return error.code === 'UNKNOWN_EVENT_TYPE' ? 'type' : 'schemaVersion';
  return undefined;
}

/**
 * Refuses the event at `index` if the object has a key it should not, or lacks one (`prefix` is the path to
 * it), so a missing field is reported as missing, not as malformed. An object's own keys are distinct: one
 * whose keys are all expected, and as many, lacks none, and is not searched.
 */
export function checkKeys(index: number, value: Record<string, unknown>, expected: ReadonlySet<string>, prefix: string): void {
  const keys = Object.keys(value);
  for (const key of keys) {
    if (!expected.has(key)) refuse(index, prefix + key, `unknown field ${quoted(prefix + key)}.`);
  }
  if (keys.length === expected.size) return;
  for (const key of expected) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) refuse(index, prefix + key, `the field "${prefix}${key}" is missing.`);
  }
}

/** A shared rule's refusal of the event being checked, about `field`; LedgerCheck.accept says it in the import's words. */
export class RuleRefusal extends Error {
  constructor(
    readonly field: string,
    readonly refusal: DomainError,
  ) {
    super(refusal.message);
  }
}

export function refusedBy(field: string, error: unknown): never {
  if (error instanceof DomainError) throw new RuleRefusal(field, error);
  throw error;
}

/** Runs a shared rule on the event at `index`. */
export function guarded(field: string, rule: () => void): void {
  try {
    rule();
  } catch (error) {
    refusedBy(field, error);
  }
}

/** The account, when it is open; else the shared rule's refusal, about `field` (no closure: every event asks). */
export function openAt(field: string, state: Replayed, accountId: string, role?: string): OpenReplayed {
  try {
    return assertOpen(state, accountId, role);
  } catch (error) {
    return refusedBy(field, error);
  }
}

/** The minor units an amount takes from an account; no overdraft, and the refusal is the shared rule's own. */
export function fundsAt(account: OpenReplayed, amount: string): bigint {
  const units = toMinorUnits(amount, account.currency);
  if (units > account.units) guarded('data.amount', () => assertFunds(decimalState(account), new Money(amount)));
  return units;
}

/** Refuses the event at `index`, naming the field at fault. */
export function refuse(index: number, field: string, message: string): never {
  throw new ImportError('IMPORT_INVALID', message, { eventIndex: index, field });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
