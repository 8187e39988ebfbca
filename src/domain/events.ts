import type { Currency } from './money';

/** What every event carries besides its data. Time and ids come from outside the domain. */
export interface EventMetadata {
  eventId: string;
  commandId: string;
  /** ISO-8601 instant the event was recorded. */
  at: string;
}

interface Message<Type extends string, Data> {
  type: Type;
  data: Data;
}

export type AccountOpened = Message<
  'AccountOpened',
  { accountId: string; ownerName: string; currency: Currency }
>;
export type MoneyDeposited = Message<
  'MoneyDeposited',
  { accountId: string; amount: string; description: string }
>;
export type MoneyWithdrawn = Message<
  'MoneyWithdrawn',
  { accountId: string; amount: string; description: string }
>;
export type TransferSent = Message<
  'TransferSent',
  { accountId: string; transferId: string; toAccountId: string; amount: string; description: string }
>;
export type TransferReceived = Message<
  'TransferReceived',
  { accountId: string; transferId: string; fromAccountId: string; amount: string; description: string }
>;
export type AccountClosed = Message<'AccountClosed', { accountId: string; reason: string }>;

/** An event as the domain decides it: type and data, no envelope yet. */
export type AccountEvent =
  | AccountOpened
  | MoneyDeposited
  | MoneyWithdrawn
  | TransferSent
  | TransferReceived
  | AccountClosed;

export type AccountEventType = AccountEvent['type'];

/** Current schema version of each event type; raise it and add an upcaster when a shape changes. */
export const SCHEMA_VERSIONS: { readonly [T in AccountEventType]: number } = {
  AccountOpened: 2,
  MoneyDeposited: 2,
  MoneyWithdrawn: 2,
  TransferSent: 1,
  TransferReceived: 1,
  AccountClosed: 1,
};

export const EVENT_TYPES = Object.keys(SCHEMA_VERSIONS) as AccountEventType[];

export function isEventType(value: unknown): value is AccountEventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SCHEMA_VERSIONS, value);
}

/** An event as stored: its place in the log and in its stream, its schema version, its metadata. */
export type RecordedEvent<E extends AccountEvent = AccountEvent> = E & {
  streamId: string;
  /** 1..n within the stream. */
  version: number;
  /** 1..N across the whole log, gap-free. */
  position: number;
  schemaVersion: number;
  metadata: EventMetadata;
};

/** The signed effect of an event on the balance, as a decimal string, or null when it moves no money. */
export function amountOf(event: AccountEvent): string | null {
  switch (event.type) {
    case 'MoneyDeposited':
    case 'MoneyWithdrawn':
    case 'TransferSent':
    case 'TransferReceived':
      return event.data.amount;
    case 'AccountOpened':
    case 'AccountClosed':
      return null;
  }
}
