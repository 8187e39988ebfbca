import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { LogReader } from '../store/log-reader';
import { FORMAT_NAME, FORMAT_VERSION } from './export-format';

/**
 * The whole log as one JSON document, one event per line, in global order,
 * produced a slice at a time as pieces of text (for a Blob: never one giant
 * string). Read in one transaction, so the file is a consistent cut.
 */
export async function exportLedgerParts(db: LedgerDb, exportedAt: Date = new Date()): Promise<{ parts: string[]; position: number }> {
  const store = new EventStore(db);
  return db.transaction('r', db.commits, db.meta, async () => {
    const { position } = await store.meta();
    const header = JSON.stringify({ format: FORMAT_NAME, version: FORMAT_VERSION, exportedAt: exportedAt.toISOString(), eventCount: position });
    const parts = [`${header.slice(0, -1)},"events":[`];
    const reader = new LogReader(db, position);
    for (let slice = await reader.next(); slice; slice = await reader.next()) {
      // Events are kept as their export text: an export only puts them in order.
      parts.push(`${parts.length === 1 ? '\n' : ',\n'}${slice.map((e) => e.text).join(',\n')}`);
    }
    parts.push(parts.length > 1 ? '\n]}\n' : ']}\n');
    return { parts, position };
  });
}

export async function exportLedger(db: LedgerDb, exportedAt: Date = new Date()): Promise<string> {
  return (await exportLedgerParts(db, exportedAt)).parts.join('');
}

/** The export as a file, for a person to keep: the log's head then records when, and how far, it was exported. */
export async function exportLedgerBlob(db: LedgerDb, exportedAt: Date = new Date()): Promise<Blob> {
  const { parts, position } = await exportLedgerParts(db, exportedAt);
  await db.meta.update('log', { exported: { at: exportedAt.toISOString(), position } });
  return new Blob(parts, { type: 'application/json' });
}
