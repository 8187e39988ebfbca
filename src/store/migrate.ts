import type { Transaction } from 'dexie';
import { CommandBuckets } from './command-index';
import { parseEventText } from './event-text';
import type { CommitRecord, LogMeta } from './records';

/**
 * Brings a database that an unreleased build left (schema 1-8, events kept as text) to schema 9: every event
 * stays as it is, and what is derived from them is built anew. The imported command index is rebuilt here
 * from the events; the read models are cleared, and the head no longer says they are current, so the next
 * open rebuilds them.
 */
export async function migrateToSchema9(tx: Transaction): Promise<void> {
  const commits = tx.table<CommitRecord & { fold?: unknown }, [string, number]>('commits');
  // An appended command's first record names it (a transfer's other record does not); every other event's
  // command, an imported one, goes into the buckets.
  const appended = new Set<string>();
  const others: [string, string, number][] = [];
  await commits.toCollection().modify((record) => {
    delete record.fold;
    if (record.commandId !== undefined) appended.add(record.commandId);
    else record.events.forEach((text, i) => others.push([parseEventText(text).metadata.commandId, record.streamId, record.version + i]));
  });
  const commands = new CommandBuckets();
  for (const [commandId, streamId, version] of others) if (!appended.has(commandId)) commands.add(commandId, streamId, version);
  await Promise.all(['commandBuckets', 'accounts', 'history', 'ledgerCheckpoints', 'folds'].map((name) => tx.table(name).clear()));
  for (const batch of commands.batches(16)) await tx.table('commandBuckets').bulkAdd(batch);
  const head = await tx.table<LogMeta, string>('meta').get('log');
  if (head) await tx.table('meta').put({ key: 'log', position: head.position, lastAt: head.lastAt, ...(head.importMark !== undefined && { importMark: head.importMark }) });
}
