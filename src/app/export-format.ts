import type { StoredEvent } from '../store/db';

/** The file format of a whole-ledger export. Bump FORMAT_VERSION on any incompatible change. */
export const FORMAT_NAME = 'ledger-events';
export const FORMAT_VERSION = 1;

export interface ExportedEvent extends StoredEvent {
  streamId: string;
}

export interface LedgerExport {
  format: typeof FORMAT_NAME;
  version: typeof FORMAT_VERSION;
  exportedAt: string;
  eventCount: number;
  events: ExportedEvent[];
}

export const EXPORT_KEYS = new Set(['format', 'version', 'exportedAt', 'eventCount', 'events']);

/** Fixed key order, so the same log always exports to the same bytes. */
export function exportedEvent(streamId: string, e: StoredEvent): ExportedEvent {
  return {
    position: e.position,
    streamId,
    version: e.version,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: { eventId: e.metadata.eventId, commandId: e.metadata.commandId, at: e.metadata.at },
  };
}
