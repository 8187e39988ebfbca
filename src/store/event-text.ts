import type { StoredEvent } from './records';

/** An event as it is kept at rest and written to an export: its stored form plus its stream. */
export interface EventText extends StoredEvent {
  streamId: string;
}

/** Fixed key order, so the same event always has the same text. */
export function eventText(streamId: string, e: StoredEvent): string {
  return JSON.stringify({
    position: e.position,
    streamId,
    version: e.version,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: { eventId: e.metadata.eventId, commandId: e.metadata.commandId, at: e.metadata.at },
  });
}

/** The stored event a text holds. The text was checked when it was written, so it is trusted here. */
export function parseEventText(text: string): EventText {
  return JSON.parse(text) as EventText;
}
