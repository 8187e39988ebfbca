import type { LedgerDb } from '../store/db';
import { EventStore } from '../store/event-store';
import { FORMAT_NAME, FORMAT_VERSION, exportedEvent } from './export-format';

/**
 * The whole log as one JSON document, one event per line, in global order.
 * Read in one transaction, so the file is a consistent cut of the ledger.
 */
export async function exportLedger(db: LedgerDb, exportedAt: Date = new Date()): Promise<string> {
  const store = new EventStore(db);
  const events = await db.transaction('r', db.commits, db.meta, async () => {
    const meta = await store.meta();
    return store.readAllStored(1, meta.position);
  });
  const header = JSON.stringify({
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    exportedAt: exportedAt.toISOString(),
    eventCount: events.length,
  });
  const lines = events.map((e) => JSON.stringify(exportedEvent(e.streamId, e.stored)));
  return `${header.slice(0, -1)},"events":[${lines.length ? `\n${lines.join(',\n')}\n` : ''}]}\n`;
}
