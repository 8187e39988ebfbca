import type { ErrorCode } from '../../src/domain/errors';
import { SCHEMA_VERSIONS, type AccountEventType } from '../../src/domain/events';

/**
 * Builds export files event by event, so each hostile case starts from a log
 * that is valid and then breaks exactly one thing. Pure TypeScript: the same
 * builder runs in Node, in vitest's browser mode and in the stress harness page.
 */

export type FileEvent = Record<string, unknown> & {
  position: unknown;
  streamId: unknown;
  version: unknown;
  type: unknown;
  schemaVersion: unknown;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

export interface FileDocument extends Record<string, unknown> {
  format: unknown;
  version: unknown;
  exportedAt: unknown;
  eventCount: unknown;
  events: FileEvent[];
}

/** A valid log, built one command at a time with positions, versions, ids and times filled in. */
export class LogFixture {
  private readonly list: FileEvent[] = [];
  private readonly versions = new Map<string, number>();
  private commands = 0;
  private readonly start: number;

  constructor(start = '2026-02-01T08:00:00.000Z', private readonly prefix = 'f') {
    this.start = Date.parse(start);
  }

  get events(): FileEvent[] {
    return this.list;
  }

  open(accountId: string, ownerName = 'Ada Lovelace', currency = 'EUR'): this {
    return this.command([[accountId, 'AccountOpened', { accountId, ownerName, currency }]]);
  }

  deposit(accountId: string, amount: string, description = ''): this {
    return this.command([[accountId, 'MoneyDeposited', { accountId, amount, description }]]);
  }

  withdraw(accountId: string, amount: string, description = ''): this {
    return this.command([[accountId, 'MoneyWithdrawn', { accountId, amount, description }]]);
  }

  transfer(from: string, to: string, amount: string, description = ''): this {
    const transferId = this.nextCommandId();
    return this.command(
      [
        [from, 'TransferSent', { accountId: from, transferId, toAccountId: to, amount, description }],
        [to, 'TransferReceived', { accountId: to, transferId, fromAccountId: from, amount, description }],
      ],
      transferId,
    );
  }

  close(accountId: string, reason = ''): this {
    return this.command([[accountId, 'AccountClosed', { accountId, reason }]]);
  }

  /** The file as an export would write it. */
  document(): FileDocument {
    return {
      format: 'ledger-events',
      version: 1,
      exportedAt: '2026-03-01T00:00:00.000Z',
      eventCount: this.list.length,
      events: this.list,
    };
  }

  text(layout: Layout = 'line-per-event'): string {
    return serialize(this.document(), layout);
  }

  private nextCommandId(): string {
    return `${this.prefix}cmd-${++this.commands}`;
  }

  private command(parts: [string, string, Record<string, unknown>][], commandId = this.nextCommandId()): this {
    // One command, one instant: a transfer's two events share it, as the store stamps them.
    const at = new Date(this.start + this.commands * 1000).toISOString();
    for (const [streamId, type, data] of parts) {
      const version = (this.versions.get(streamId) ?? 0) + 1;
      this.versions.set(streamId, version);
      const position = this.list.length + 1;
      this.list.push({
        position,
        streamId,
        version,
        type,
        schemaVersion: SCHEMA_VERSIONS[type as AccountEventType],
        data,
        metadata: { eventId: `${this.prefix}evt-${position}`, commandId, at },
      });
    }
    return this;
  }
}

/**
 * The two layouts an import meets: one event per line, as export writes and
 * import reads a line at a time, and any other valid JSON, which import parses whole.
 */
export type Layout = 'line-per-event' | 'one-line';
export const LAYOUTS: readonly Layout[] = ['line-per-event', 'one-line'];

export function serialize(doc: FileDocument, layout: Layout): string {
  if (layout === 'one-line' || !Array.isArray(doc.events)) return JSON.stringify(doc);
  // Same shape as exportLedger's output: the header fields, then one event per line.
  const { events, ...header } = doc;
  const lines = events.map((event) => JSON.stringify(event));
  return `${JSON.stringify(header).slice(0, -1)},"events":[${lines.length ? `\n${lines.join(',\n')}\n` : ''}]}\n`;
}

/** A deep copy of the fixture's file with one thing broken by `breakIt`. */
export function broken(fixture: LogFixture, breakIt: (doc: FileDocument) => void, layout: Layout): string {
  const doc = structuredClone(fixture.document());
  breakIt(doc);
  return serialize(doc, layout);
}

/**
 * Adds an own enumerable key even when it is `__proto__`: plain assignment of
 * `__proto__` would change the prototype instead, which JSON.parse never does.
 */
export function ownKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A valid log of about `bytes` bytes: a handful of accounts passing money
 * around, so every event is one the rules allow. Deterministic for a given size.
 */
export function largeValidLog(bytes: number, prefix = 'big'): LogFixture {
  const fixture = new LogFixture('2026-02-01T08:00:00.000Z', prefix);
  const accounts = ['acc-a', 'acc-b', 'acc-c', 'acc-d'];
  for (const id of accounts) fixture.open(id, `Owner of ${id}`).deposit(id, '1000000.00', 'Opening balance');
  const perEvent = 260;
  const rounds = Math.ceil(bytes / perEvent / 4);
  for (let i = 0; i < rounds; i++) {
    const from = accounts[i % 4]!;
    const to = accounts[(i + 1) % 4]!;
    fixture.transfer(from, to, '12.34', 'Rent share').deposit(to, '0.99', 'Interest').withdraw(to, '0.99', 'Fee');
  }
  return fixture;
}

// What each hostile case expects, and the ways a case breaks a valid log.

/** Where the import must say the problem is, and words a person would recognise. */
export interface Expected {
  eventIndex?: number;
  field?: string;
  code?: ErrorCode;
  message: RegExp;
}

export interface HostileCase {
  name: string;
  text: (layout: Layout) => string;
  expected: Expected;
  /** Text that is not a document (not JSON, cut short) has one layout only. */
  layouts?: readonly Layout[];
}

export const RAW_TEXT: readonly Layout[] = ['one-line'];

/** events: 0 a opened, 1 a +100.00, 2 b opened, 3 a sends 30.00, 4 b receives 30.00. */
export const basic = (): LogFixture => new LogFixture().open('a').deposit('a', '100.00').open('b').transfer('a', 'b', '30.00');

const event = (doc: FileDocument, index: number): FileEvent => doc.events[index]!;

/** The basic log with event `index` changed by `change`. */
export const editEvent = (index: number, change: (e: FileEvent) => void) => (layout: Layout): string =>
  broken(basic(), (doc) => change(event(doc, index)), layout);

/** The basic log with the whole document changed by `change`. */
export const editDocument = (change: (doc: FileDocument) => void) => (layout: Layout): string => broken(basic(), change, layout);

/** Keeps the events at `order` (old indexes), renumbered 1..n, as a file that lost or swapped events would. */
export function reorder(doc: FileDocument, order: number[]): void {
  doc.events = order.map((i, at) => ({ ...doc.events[i]!, position: at + 1 }));
  doc.eventCount = doc.events.length;
}

const RAW = '"@@raw@@"';
/** JSON.stringify cannot write 1e400 (it is Infinity to JS), so the number goes into the text directly. */
export const withRaw = (index: number, change: (e: FileEvent, placeholder: string) => void, raw: string) => (layout: Layout): string =>
  broken(basic(), (doc) => change(event(doc, index), JSON.parse(RAW) as string), layout).replace(RAW, raw);
