import type { RecordedEvent } from '../domain/events';
import type { LedgerDb } from './db';
import { EventStore, indexCommands, toCommitRecord } from './event-store';
import type { EventText } from './event-text';
import type { CommitRecord, LogMeta } from './records';

/**
 * The two steps that make the local log the server's again (see Ledger.rebase): cut the commands the server
 * had not confirmed off the end, then append what the server's log holds after that point.
 */

/**
 * Removes every event after `position`, with the snapshots taken after it; the read models are rebuilt by the
 * caller. Every record after the synced position is one local command's (imports are refused while syncing).
 */
export async function truncateAfter(db: LedgerDb, position: number): Promise<LogMeta> {
  const meta = await new EventStore(db).meta();
  if (meta.position <= position) return meta;
  await Promise.all([
    db.commits.where('position').above(position).delete(),
    db.snapshots.filter((snapshot) => snapshot.position > position).delete(),
  ]);
  // lastAt stays: no later event may be stamped before a time this log has already shown.
  const head: LogMeta = { ...meta, position };
  await db.meta.put(head);
  return head;
}

/**
 * Appends events another writer decided (the server), exactly as they were recorded: positions, versions,
 * ids and times. They are stored as commands store theirs, a record per command and stream, so that every
 * command id is found again. The read models do not follow; the caller folds them.
 */
export async function appendRecorded(db: LedgerDb, events: readonly EventText[]): Promise<LogMeta> {
  const meta = await new EventStore(db).meta();
  const records: [CommitRecord, RecordedEvent[]][] = [];
  let position = meta.position;
  for (let i = 0; i < events.length; ) {
    const { commandId } = events[i]!.metadata;
    let end = i;
    while (end < events.length && events[end]!.metadata.commandId === commandId) end++;
    // Stored as given, older schema versions included: a record keeps the text an export writes.
    const commit = events.slice(i, end) as unknown as RecordedEvent[];
    for (const event of commit) {
      if (event.position !== ++position) throw new Error(`The server's event at position ${event.position} does not continue this log at ${position}`);
    }
    for (const streamId of new Set(commit.map((e) => e.streamId))) {
      const own = commit.filter((e) => e.streamId === streamId);
      records.push([toCommitRecord(streamId, own), own]);
    }
    i = end;
  }
  indexCommands(records);
  const last = events.at(-1);
  const head: LogMeta = last ? { ...meta, position, lastAt: last.metadata.at } : meta;
  await Promise.all([records.length && db.commits.bulkAdd(records.map(([record]) => record)), db.meta.put(head)]);
  return head;
}
