import { initialState, evolve, type AccountState } from './account';
import { DomainError, EventSchemaError, ImportError, LedgerError, ValidationError, quoted } from './errors';
import { parseEventData } from './event-schema';
import type { AccountEvent, EventMetadata, RecordedEvent, TransferSent } from './events';

interface PendingTransfer {
  data: TransferSent['data'];
  metadata: EventMetadata;
  index: number;
}
import { Money } from './money';
import { assertFunds, assertId, assertNew, assertOpen, assertTransferable, assertZeroBalance } from './rules';
import { upcast } from './upcast';

const EVENT_KEYS = new Set(['position', 'streamId', 'version', 'type', 'schemaVersion', 'data', 'metadata']);
const METADATA_KEYS = new Set(['eventId', 'commandId', 'at']);
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Which field of the raw event an error thrown by a shared guard is about. */
function fieldOf(error: LedgerError): string | undefined {
  if (error instanceof ValidationError) return error.field;
  if (error instanceof EventSchemaError) return error.code === 'UNKNOWN_EVENT_TYPE' ? 'type' : 'schemaVersion';
  return undefined;
}

/** Date.parse rolls 30 February over into March, so the calendar fields are checked before it runs. */
function instantOf(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0;
  // Checked by hand: cheaper than a Date round trip, and this runs once per imported event.
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! + leap) return undefined;
  if (+m[4]! > 23 || +m[5]! > 59 || +m[6]! > 59) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

/** The first expected key the object lacks, so a missing field is reported as missing, not as malformed. */
function missingKey(value: Record<string, unknown>, keys: ReadonlySet<string>): string | undefined {
  for (const key of keys) if (!Object.prototype.hasOwnProperty.call(value, key)) return key;
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Replays an untrusted log one event at a time and refuses the first event
 * that is malformed or that the business rules would never have produced.
 * Nothing is written while it runs; the caller writes only after `finish()`.
 */
export class LedgerCheck {
  private readonly states = new Map<string, AccountState>();
  private readonly versions = new Map<string, number>();
  private readonly eventIds = new Set<string>();
  private pendingSent: PendingTransfer | null = null;
  private lastAt = '';
  private lastTime = Number.NEGATIVE_INFINITY;
  private count = 0;

  get eventCount(): number {
    return this.count;
  }

  accountStates(): ReadonlyMap<string, AccountState> {
    return this.states;
  }

  accept(raw: unknown, index: number): RecordedEvent {
    try {
      return this.check(raw, index);
    } catch (error) {
      if (error instanceof ImportError) throw error;
      if (error instanceof LedgerError) {
        const field = fieldOf(error);
        throw new ImportError(error.code === 'UNKNOWN_EVENT_TYPE' ? error.code : 'IMPORT_INVALID', error.message, {
          eventIndex: index,
          ...(field === undefined ? {} : { field }),
        });
      }
      throw error;
    }
  }

  /** Throws when the log ends in the middle of a transfer. */
  finish(): void {
    if (this.pendingSent) {
      throw new ImportError('IMPORT_INVALID', 'TransferSent has no matching TransferReceived after it.', {
        eventIndex: this.pendingSent.index,
        field: 'type',
      });
    }
  }

  private check(raw: unknown, index: number): RecordedEvent {
    const fail = (field: string, message: string): never => {
      throw new ImportError('IMPORT_INVALID', message, { eventIndex: index, field });
    };
    if (!isPlainObject(raw)) return fail('', 'an event must be a JSON object.');
    for (const key of Object.keys(raw)) {
      if (!EVENT_KEYS.has(key)) fail(key, `unknown field ${quoted(key)}.`);
    }
    const missing = missingKey(raw, EVENT_KEYS);
    if (missing !== undefined) fail(missing, `the field "${missing}" is missing.`);
    const position = raw.position;
    if (position !== index + 1) {
      fail('position', `expected position ${index + 1} (positions are 1, 2, 3… in order), found ${quoted(position)}.`);
    }
    const streamId = assertId(raw.streamId, 'streamId');
    const expectedVersion = (this.versions.get(streamId) ?? 0) + 1;
    if (raw.version !== expectedVersion) {
      fail('version', `stream ${streamId} expects version ${expectedVersion} next, found ${quoted(raw.version)}.`);
    }
    if (!isPlainObject(raw.data)) return fail('data', 'data must be a JSON object.');
    const metadata = this.checkMetadata(raw.metadata, fail);
    const { type, data } = upcast(raw.type, raw.schemaVersion, raw.data);
    const event = parseEventData(type, data, (id) => {
      const state = this.states.get(id);
      return state && state.status !== 'none' ? state.currency : undefined;
    });
    if (event.data.accountId !== streamId) {
      fail('data.accountId', `data.accountId ${event.data.accountId} does not match streamId ${streamId}.`);
    }
    this.checkRules(event, metadata, index, fail);
    this.states.set(streamId, evolve(this.states.get(streamId) ?? initialState, event));
    this.versions.set(streamId, expectedVersion);
    this.count++;
    return { ...event, streamId, version: expectedVersion, position: index + 1, schemaVersion: raw.schemaVersion as number, metadata };
  }

  private checkMetadata(value: unknown, fail: (field: string, message: string) => never): EventMetadata {
    if (!isPlainObject(value)) return fail('metadata', 'metadata must be a JSON object.');
    for (const key of Object.keys(value)) {
      if (!METADATA_KEYS.has(key)) fail(`metadata.${key}`, `unknown field ${quoted(`metadata.${key}`)}.`);
    }
    const missing = missingKey(value, METADATA_KEYS);
    if (missing !== undefined) fail(`metadata.${missing}`, `the field "metadata.${missing}" is missing.`);
    const eventId = assertId(value.eventId, 'metadata.eventId');
    if (this.eventIds.has(eventId)) fail('metadata.eventId', `duplicate event id ${eventId}.`);
    this.eventIds.add(eventId);
    const commandId = assertId(value.commandId, 'metadata.commandId');
    const at = value.at;
    const time = typeof at === 'string' ? instantOf(at) : undefined;
    if (typeof at !== 'string' || time === undefined) {
      return fail('metadata.at', `metadata.at must be an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z.`);
    }
    // Compared as instants: "…:05Z" sorts after "…:05.500Z" as text.
    if (time < this.lastTime) fail('metadata.at', `time ${at} is earlier than the event before it (${this.lastAt}).`);
    this.lastAt = at;
    this.lastTime = time;
    return { eventId, commandId, at };
  }

  private checkRules(
    event: AccountEvent,
    metadata: EventMetadata,
    index: number,
    fail: (field: string, message: string) => never,
  ): void {
    const stateOf = (id: string): AccountState => this.states.get(id) ?? initialState;
    const state = stateOf(event.data.accountId);
    // The shared guards know nothing of raw events; this says which field each refusal is about.
    const guard = <T>(field: string, rule: () => T): T => {
      try {
        return rule();
      } catch (error) {
        if (error instanceof DomainError) return fail(field, error.message);
        throw error;
      }
    };
    if (this.pendingSent && event.type !== 'TransferReceived') {
      fail('type', `expected the TransferReceived that completes the transfer at events[${this.pendingSent.index}], found ${event.type}.`);
    }
    switch (event.type) {
      case 'AccountOpened':
        guard('data.accountId', () => assertNew(state, event.data.accountId));
        return;
      case 'MoneyDeposited':
        guard('data.accountId', () => assertOpen(state, event.data.accountId));
        return;
      case 'MoneyWithdrawn': {
        const account = guard('data.accountId', () => assertOpen(state, event.data.accountId));
        guard('data.amount', () => assertFunds(account, new Money(event.data.amount)));
        return;
      }
      case 'AccountClosed': {
        const account = guard('data.accountId', () => assertOpen(state, event.data.accountId));
        guard('type', () => assertZeroBalance(account));
        return;
      }
      case 'TransferSent': {
        const { accountId, toAccountId } = event.data;
        const source = guard('data.accountId', () => assertOpen(state, accountId, 'Source account'));
        const target = guard('data.toAccountId', () => assertOpen(stateOf(toAccountId), toAccountId, 'Target account'));
        guard('data.toAccountId', () => assertTransferable(source, target, accountId, toAccountId));
        guard('data.amount', () => assertFunds(source, new Money(event.data.amount)));
        this.pendingSent = { data: event.data, metadata, index };
        return;
      }
      case 'TransferReceived': {
        const sent = this.pendingSent;
        if (!sent) return fail('type', 'TransferReceived without the TransferSent right before it.');
        const mismatch =
          sent.data.transferId !== event.data.transferId
            ? 'data.transferId'
            : sent.data.toAccountId !== event.data.accountId
              ? 'data.accountId'
              : sent.data.accountId !== event.data.fromAccountId
                ? 'data.fromAccountId'
                : !new Money(sent.data.amount).eq(event.data.amount)
                  ? 'data.amount'
                  : sent.metadata.commandId !== metadata.commandId
                    ? 'metadata.commandId'
                    : sent.metadata.at !== metadata.at
                      ? 'metadata.at'
                      : null;
        if (mismatch) fail(mismatch, `does not match the TransferSent at events[${index - 1}].`);
        this.pendingSent = null;
        return;
      }
    }
  }
}
