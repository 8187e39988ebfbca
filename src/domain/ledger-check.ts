import type { AccountState } from './account';
import { ImportError, LedgerError, quoted } from './errors';
import { parseEventData } from './event-schema';
import type { AccountEvent, EventMetadata, RecordedEvent, TransferSent } from './events';
import { InstantReader } from './instant';
import { type Currency, fromMinorUnits, toMinorUnits } from './money';
import { NONE, type Replayed, decimalState, evolveReplayed } from './replayed-account';
import { refusalWords } from './refusal-words';
import { EVENT_KEYS, METADATA_KEYS, RuleRefusal, checkKeys, fieldOf, fundsAt, guarded, isPlainObject, openAt, refuse } from './ledger-check-guards';
import { assertId, assertNew, assertTransferable, assertZeroBalance } from './rules';
import { upcast } from './upcast';

interface PendingTransfer {
  data: TransferSent['data'];
  metadata: EventMetadata;
  index: number;
  /** The amount in the two accounts' currency's minor units. */
  units: bigint;
}

/** How far ahead of this device's clock an event's time may be: clocks of two devices differ a little. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface LedgerCheckOptions {
  /** This device's clock, in ms (default Date.now() at construction): no event may be later, give or take FUTURE_TOLERANCE_MS. */
  now?: number;
  /** Where the event at an index is, as a person counts: "line 14" of the file (default "event 14"). */
  placeOf?: (index: number) => string;
  /** Whose clock `now` is, as a refusal names it: "this device's clock" (default), "the server's clock". */
  clock?: string;
}

const eventPlace = (index: number) => `event ${index + 1}`;

/**
 * Replays an untrusted log one event at a time and refuses the first event
 * that is malformed or that no command could have written.
 * Nothing is written while it runs; the caller writes only after `finish()`.
 */
export class LedgerCheck {
  private readonly states = new Map<string, Replayed>();
  private readonly versions = new Map<string, number>();
  private readonly instants = new InstantReader();
  private readonly eventIds = new Set<string>();
  /** Each command's first event: a command takes effect once, so its id belongs to one commit. */
  private readonly commands = new Map<string, number>();
  private pendingSent: PendingTransfer | null = null;
  /** An open account's currency, for parsing its amounts (made once: the check makes no closure per event). */
  private readonly currencyOf = (id: string): Currency | undefined => {
    const state = this.states.get(id);
    return state && state.status !== 'none' ? state.currency : undefined;
  };
  private readonly replayedOf = (id: string): Replayed => this.replayed(id);
  private readonly balanceOf = (id: string): string => this.balanceText(id);
  private lastAt = '';
  private lastTime = Number.NEGATIVE_INFINITY;
  /** The event before the one being checked: a commit's events come together, under one command id. */
  private last: AccountEvent | null = null;
  private lastCommand = '';
  private commandAt = '';
  /** The event being checked, once its data is parsed: a rule's refusal is said in its terms. */
  private current: AccountEvent | null = null;
  private count = 0;
  private readonly latest: number;
  private readonly clock: string;
  readonly placeOf: (index: number) => string;

  constructor({ now = Date.now(), placeOf = eventPlace, clock = "this device's clock" }: LedgerCheckOptions = {}) {
    this.latest = now + FUTURE_TOLERANCE_MS;
    this.placeOf = placeOf;
    this.clock = clock;
  }

  get eventCount(): number {
    return this.count;
  }

  /** How many accounts the log has opened so far. */
  get accountCount(): number {
    return this.states.size;
  }

  /** The balance of an account after the events so far, with its currency's minor digits ('' when never opened). */
  balanceText(accountId: string): string {
    const account = this.states.get(accountId);
    return account && account.status !== 'none' ? fromMinorUnits(account.units, account.currency) : '';
  }

  /** One account's state after the events so far, as the domain's aggregate would fold it. */
  stateOf(accountId: string): AccountState {
    const account = this.states.get(accountId);
    return account && account.status !== 'none' ? decimalState(account) : NONE;
  }

  accountStates(): ReadonlyMap<string, AccountState> {
    return new Map([...this.states.keys()].map((id) => [id, this.stateOf(id)]));
  }

  accept(raw: unknown, index: number): RecordedEvent {
    this.current = null;
    try {
      return this.check(raw, index);
    } catch (error) {
      throw this.refusal(error, index);
    }
  }

  /** Throws when the log ends in the middle of a transfer. */
  finish(): void {
    if (this.pendingSent) {
      throw this.refusal(new ImportError('IMPORT_INVALID', 'this transfer has no TransferReceived after it: the file ends in the middle of it.', { eventIndex: this.pendingSent.index, field: 'type' }), this.pendingSent.index);
    }
  }

  /** Any refusal of the event at `index` as the ImportError a person reads: its place in the file, the rules' refusals in the import's words. */
  private refusal(error: unknown, index: number): unknown {
    const capital = (place: string) => place[0]!.toUpperCase() + place.slice(1);
    const place = capital(this.placeOf(index));
    if (error instanceof RuleRefusal && this.current) {
      const { detail, amounts } = refusalWords(error.refusal, this.current, this.replayedOf, this.balanceOf);
      return new ImportError('IMPORT_INVALID', detail, { eventIndex: index, field: error.field, place, amounts });
    }
    if (error instanceof ImportError) {
      return new ImportError(error.code, error.detail, { eventIndex: index, ...(error.field !== undefined && { field: error.field }), place, amounts: error.amounts });
    }
    if (error instanceof LedgerError) {
      const field = fieldOf(error);
      const code = error.code === 'UNKNOWN_EVENT_TYPE' ? error.code : 'IMPORT_INVALID';
      return new ImportError(code, error.message, { eventIndex: index, ...(field !== undefined && { field }), place, amounts: error.amounts });
    }
    return error;
  }

  private replayed(id: string): Replayed {
    return this.states.get(id) ?? NONE;
  }

  private check(raw: unknown, index: number): RecordedEvent {
    if (!isPlainObject(raw)) return refuse(index, '', 'an event must be a JSON object.');
    checkKeys(index, raw, EVENT_KEYS, '');
    const position = raw.position;
    if (position !== index + 1) {
      refuse(index, 'position', `expected position ${index + 1} (positions are 1, 2, 3… in order), found ${quoted(position)}.`);
    }
    const streamId = assertId(raw.streamId, 'streamId');
    const expectedVersion = (this.versions.get(streamId) ?? 0) + 1;
    if (raw.version !== expectedVersion) {
      refuse(index, 'version', `stream ${streamId} expects version ${expectedVersion} next, found ${quoted(raw.version)}.`);
    }
    if (!isPlainObject(raw.data)) return refuse(index, 'data', 'data must be a JSON object.');
    const metadata = this.checkMetadata(raw.metadata, index);
    const { type, data } = upcast(raw.type, raw.schemaVersion, raw.data);
    const event = parseEventData(type, data, this.currencyOf);
    this.current = event;
    if (event.data.accountId !== streamId) {
      refuse(index, 'data.accountId', `data.accountId ${event.data.accountId} does not match streamId ${streamId}.`);
    }
    this.checkCommand(event, metadata, index);
    const units = this.checkRules(event, metadata, index);
    this.states.set(streamId, evolveReplayed(this.replayed(streamId), event, units));
    this.versions.set(streamId, expectedVersion);
    this.count++;
    return { ...event, streamId, version: expectedVersion, position: index + 1, schemaVersion: raw.schemaVersion as number, metadata };
  }

  private checkMetadata(value: unknown, index: number): EventMetadata {
    if (!isPlainObject(value)) return refuse(index, 'metadata', 'metadata must be a JSON object.');
    checkKeys(index, value, METADATA_KEYS, 'metadata.');
    const eventId = assertId(value.eventId, 'metadata.eventId');
    if (this.eventIds.has(eventId)) refuse(index, 'metadata.eventId', `duplicate event id ${eventId}.`);
    this.eventIds.add(eventId);
    const commandId = assertId(value.commandId, 'metadata.commandId');
    const at = value.at;
    const time = typeof at === 'string' ? this.instants.read(at) : undefined;
    if (typeof at !== 'string' || time === undefined) {
      return refuse(index, 'metadata.at', `metadata.at must be an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z.`);
    }
    // Compared as instants: "…:05Z" sorts after "…:05.500Z" as text.
    if (time < this.lastTime) refuse(index, 'metadata.at', `time ${at} is earlier than the event before it (${this.lastAt}).`);
    // Checked before it becomes the time later events are compared with: one bad date is refused on its own line.
    if (time > this.latest) {
      refuse(index, 'metadata.at', `time ${at} lies in the future (${this.clock} says ${new Date(this.latest - FUTURE_TOLERANCE_MS).toISOString()}); no ledger could have written it yet. If ${this.clock} is behind, or the file's device ran ahead, set the clock right and try again.`);
    }
    this.lastAt = at;
    this.lastTime = time;
    return { eventId, commandId, at };
  }

  /**
   * Refuses a command id used by an earlier command: a command takes effect once, so its events are one
   * commit, next to each other. Only two commands write two events: opening with a first deposit, and a
   * transfer (whose halves checkRules matches).
   */
  private checkCommand(event: AccountEvent, { commandId, at }: EventMetadata, index: number): void {
    const last = this.last;
    this.last = event;
    if (!last || commandId !== this.lastCommand) {
      const first = this.commands.get(commandId);
      if (first !== undefined) {
        refuse(index, 'metadata.commandId', `command ${commandId} already took effect at ${this.placeOf(first)}; a command takes effect once.`);
      }
      this.commands.set(commandId, index);
      this.lastCommand = commandId;
      this.commandAt = at;
      return;
    }
    const pair = (last.type === 'AccountOpened' && event.type === 'MoneyDeposited') || (last.type === 'TransferSent' && event.type === 'TransferReceived');
    if (!pair) {
      refuse(index, 'metadata.commandId', `this event has the command id of the event before it (${commandId}), but no command writes a ${last.type} and a ${event.type} together.`);
    }
    if (last.type === 'AccountOpened' && (last.data.accountId !== event.data.accountId || at !== this.commandAt)) {
      refuse(index, 'metadata.commandId', `the first deposit of a new account must be written with its opening, to the same account at the same time.`);
    }
  }

  /**
   * Refuses the event if the rules would never have produced it; else
   * returns the minor units it moves (0 for an event that moves no money).
   */
  private checkRules(
    event: AccountEvent,
    metadata: EventMetadata,
    index: number,
  ): bigint {
    const state = this.replayed(event.data.accountId);
    if (this.pendingSent && event.type !== 'TransferReceived') {
      refuse(index, 'type', `expected the TransferReceived that completes the transfer at ${this.placeOf(this.pendingSent.index)}, found ${event.type}.`);
    }
    switch (event.type) {
      case 'AccountOpened':
        guarded('data.accountId', () => assertNew(state, event.data.accountId));
        return 0n;
      case 'MoneyDeposited': {
        const account = openAt('data.accountId', state, event.data.accountId);
        return toMinorUnits(event.data.amount, account.currency);
      }
      case 'MoneyWithdrawn': {
        const account = openAt('data.accountId', state, event.data.accountId);
        return fundsAt(account, event.data.amount);
      }
      case 'AccountClosed': {
        const account = openAt('data.accountId', state, event.data.accountId);
        if (account.units !== 0n) guarded('type', () => assertZeroBalance(decimalState(account)));
        return 0n;
      }
      case 'TransferSent': {
        const { accountId, toAccountId } = event.data;
        const source = openAt('data.accountId', state, accountId, 'Source account');
        const target = openAt('data.toAccountId', this.replayed(toAccountId), toAccountId, 'Target account');
        guarded('data.toAccountId', () => assertTransferable(source, target, accountId, toAccountId));
        const units = fundsAt(source, event.data.amount);
        this.pendingSent = { data: event.data, metadata, index, units };
        return units;
      }
      case 'TransferReceived': {
        const sent = this.pendingSent;
        if (!sent) return refuse(index, 'type', 'this TransferReceived has no TransferSent right before it.');
        const target = state.status === 'none' ? null : state;
        const mismatch =
          sent.data.transferId !== event.data.transferId
            ? 'data.transferId'
            : sent.data.toAccountId !== event.data.accountId
              ? 'data.accountId'
              : sent.data.accountId !== event.data.fromAccountId
                ? 'data.fromAccountId'
                : !target || toMinorUnits(event.data.amount, target.currency) !== sent.units
                  ? 'data.amount'
                  : sent.metadata.commandId !== metadata.commandId
                    ? 'metadata.commandId'
                    : sent.metadata.at !== metadata.at
                      ? 'metadata.at'
                      : sent.data.description !== event.data.description
                        ? 'data.description'
                        : null;
        if (mismatch) refuse(index, mismatch, `this TransferReceived does not match the TransferSent before it (${this.placeOf(index - 1)}) in ${mismatch}.`);
        this.pendingSent = null;
        return sent.units;
      }
    }
  }
}
