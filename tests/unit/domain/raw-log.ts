import { expect } from 'vitest';
import { ImportError } from '../../../src/domain/errors';
import { SCHEMA_VERSIONS, type AccountEvent, type RecordedEvent } from '../../../src/domain/events';
import { LedgerCheck } from '../../../src/domain/ledger-check';
import type { Currency } from '../../../src/domain/money';
import { closed, deposited, opened, received, sent, withdrawn } from './fixtures';

/** One event as an export file holds it: loose types, because tests break it on purpose. */
export interface RawEvent {
  position: unknown;
  streamId: unknown;
  version: unknown;
  type: unknown;
  schemaVersion: unknown;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

const START = Date.parse('2026-01-01T09:00:00.000Z');

/** Builds a valid exported log, one command at a time, with positions, versions, ids and times filled in. */
export class RawLog {
  readonly events: RawEvent[] = [];
  private readonly versions = new Map<string, number>();
  private commands = 0;

  /** Appends the events of one command: one command id, one instant, like one commit of the app. */
  record(...events: AccountEvent[]): this {
    this.commands++;
    const commandId = `cmd-${this.commands}`;
    const at = new Date(START + this.commands * 1000).toISOString();
    for (const event of events) {
      const streamId = event.data.accountId;
      const version = (this.versions.get(streamId) ?? 0) + 1;
      this.versions.set(streamId, version);
      const position = this.events.length + 1;
      this.events.push({
        position,
        streamId,
        version,
        type: event.type,
        schemaVersion: SCHEMA_VERSIONS[event.type],
        data: { ...event.data },
        metadata: { eventId: `evt-${position}`, commandId, at },
      });
    }
    return this;
  }

  open(accountId: string, currency: Currency = 'EUR'): this {
    return this.record(opened(accountId, currency));
  }
  deposit(accountId: string, amount: string): this {
    return this.record(deposited(accountId, amount));
  }
  withdraw(accountId: string, amount: string): this {
    return this.record(withdrawn(accountId, amount));
  }
  /** Both halves under one command, with the command id as transfer id, as the app writes them. */
  transfer(fromAccountId: string, toAccountId: string, amount: string): this {
    const transferId = `cmd-${this.commands + 1}`;
    return this.record(sent(fromAccountId, toAccountId, amount, transferId), received(toAccountId, fromAccountId, amount, transferId));
  }
  close(accountId: string): this {
    return this.record(closed(accountId));
  }

  /** The event at `index`, for a test to break. */
  at(index: number): RawEvent {
    const event = this.events[index];
    if (!event) throw new Error(`the log has no events[${index}]`);
    return event;
  }
}

/** Feeds every event to a fresh LedgerCheck, then ends the log, exactly as import does. */
export function checkLog(events: readonly unknown[]): { recorded: RecordedEvent[]; check: LedgerCheck } {
  const check = new LedgerCheck();
  const recorded = events.map((event, index) => check.accept(event, index));
  check.finish();
  return { recorded, check };
}

/** Asserts the log is refused and that the error points at the culprit event and field. */
export function expectRefused(
  events: readonly unknown[],
  where: { eventIndex: number; field: string | undefined; message?: string | RegExp },
): ImportError {
  let refusal: unknown;
  try {
    checkLog(events);
  } catch (error) {
    refusal = error;
  }
  expect(refusal, 'the log should have been refused').toBeInstanceOf(ImportError);
  const error = refusal as ImportError;
  expect({ eventIndex: error.eventIndex, field: error.field }).toEqual({ eventIndex: where.eventIndex, field: where.field });
  // The place as a person counts it comes first; the field path for a developer is kept apart.
  expect(error.message.startsWith(`Event ${where.eventIndex + 1}: `), error.message).toBe(true);
  expect(error.path).toBe(`events[${where.eventIndex}]${where.field ? `.${where.field}` : ''}`);
  if (where.message !== undefined) expect(error.message).toMatch(where.message);
  return error;
}
