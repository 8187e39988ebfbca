import { SyncError } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import type { LedgerDb } from './db';
import { APPEND_RECORD_LIMIT, EventStore, indexCommands, toCommitRecord } from './event-store';
import type { EventText } from './event-text';
import type { CommitRecord, LogMeta } from './records';

/**
 * The two steps that make the local log the server's again (see Ledger.rebase): cut the commands the server
 * had not confirmed off the end, then append what the server's log holds after that point.
 */

/**
 * Whether the log can be cut after `position`: every event after it is in a record that starts after it (an
 * appended command's or a pulled commit's). An import's records each hold events from all over the log, so a
 * cut inside an imported part would leave some of its events behind.
 */
export async function cutsCleanly(db: LedgerDb, position: number): Promise<boolean> {
  const { position: end } = await new EventStore(db).meta();
  if (end <= position) return true;
  const records = await db.commits.where('position').between(position - APPEND_RECORD_LIMIT + 1, end, true, true).toArray();
  let after = 0;
  for (const record of records) {
    const beyond = record.positions.filter((p) => p > position).length;
    if (record.position <= position && beyond > 0) return false;
    after += beyond;
  }
  return after === end - position;
}

/**
 * Removes every event after `position`, with the snapshots taken after it; the read models are rebuilt by the
 * caller. Every record after the synced position is one local command's (imports are refused while syncing),
 * and a cut anywhere else is refused.
 */
export async function truncateAfter(db: LedgerDb, position: number): Promise<LogMeta> {
  const meta = await new EventStore(db).meta();
  if (meta.position <= position) return meta;
  if (!(await cutsCleanly(db, position))) {
    throw new SyncError('SYNC_FAILED', `This ledger cannot be cut back to event ${position}: what follows it came from an imported file. Nothing was changed.`);
  }
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
      if (event.position !== ++position) {
        throw new SyncError('SYNC_FAILED', `The server sent event ${event.position} where this ledger goes on with event ${position}; nothing was written.`);
      }
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
