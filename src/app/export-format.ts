import type { StoredEvent } from '../store/db';
import { eventText, parseEventText, type EventText } from '../store/event-text';

/** The file format of a whole-ledger export. Bump FORMAT_VERSION on any incompatible change. */
export const FORMAT_NAME = 'ledger-events';
export const FORMAT_VERSION = 1;

export type ExportedEvent = EventText;

export interface LedgerExport {
  format: typeof FORMAT_NAME;
  version: typeof FORMAT_VERSION;
  exportedAt: string;
  eventCount: number;
  events: ExportedEvent[];
}

export const EXPORT_KEYS = new Set(['format', 'version', 'exportedAt', 'eventCount', 'events']);

/** The object form of one exported event (the text form is eventText). */
export function exportedEvent(streamId: string, e: StoredEvent): ExportedEvent {
  return parseEventText(eventText(streamId, e));
}
