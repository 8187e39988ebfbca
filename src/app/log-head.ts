import type { LedgerDb, LogMeta } from '../store/db';
import { EventStore } from '../store/event-store';

/** The newest global position and its time: the upper end of the history slider. */
export function logHead(db: LedgerDb): Promise<LogMeta> {
  return new EventStore(db).meta();
}
