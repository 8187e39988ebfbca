import { commandsOf, type RecordedCommand } from '../domain/decide-command';
import { LedgerError, SyncError } from '../domain/errors';
import type { RecordedEvent } from '../domain/events';
import { commitEndingAt } from '../projections/timeline';
import { eventText, type EventText } from '../store/event-text';
import { LogReader, type LoggedText } from '../store/log-reader';
import { cutsCleanly } from '../store/rebase';
import type { RefusedCommand, SyncMeta } from '../store/records';
import { exportLedgerParts } from './export';
import type { Ledger } from './ledger';
import { PULL_PAGE, SyncServer } from './sync-server';
import { RoundWrites, refusal } from './sync-writes';

/** Sync as a screen shows it: where it stands, and how many commands of this device wait for the server. */
export type SyncStatus = Omit<SyncMeta, 'token'> & { pending: number };

/** What one sync round did. */
export interface SyncRound {
  /** Commands of this device the server took. */
  pushed: number;
  /** Events pulled from the server. */
  pulled: number;
  /** Commands refused on this round (also kept in the head's sync record until dismissed). */
  refused: RefusedCommand[];
}

/**
 * Sync with a server, server-authoritative: the server's log is the log. A round pushes this device's pending
 * commands in order (the events after `syncedPosition`, read back as commands), pulls the server's log after
 * `syncedPosition`, then rebases in one transaction: the local log becomes the server's, with any command run
 * here meanwhile decided again on top. A command the server (or the rebase) refuses is kept for the person to
 * see; nothing is dropped silently or applied by half. One tab syncs at a time (see SyncLoop).
 */
export class Sync {
  private readonly writes: RoundWrites;

  constructor(
    private readonly ledger: Ledger,
    /** Events asked for per pull (the server's most by default). */
    private readonly pageSize = PULL_PAGE,
  ) {
    this.writes = new RoundWrites(ledger);
  }

  async state(): Promise<SyncMeta | undefined> {
    return (await this.ledger.store.meta()).sync;
  }

  /** What a screen shows of sync (the token stays out); null while sync is off. */
  async status(): Promise<SyncStatus | null> {
    const head = await this.ledger.store.meta();
    if (!head.sync) return null;
    const { token: _, ...shown } = head.sync;
    return { ...shown, pending: (await this.commandsAfter(head.sync.syncedPosition, head.position)).length };
  }

  /** Commands of this device the server has not confirmed yet. */
  async pending(): Promise<RecordedCommand[]> {
    const head = await this.ledger.store.meta();
    return head.sync ? this.commandsAfter(head.sync.syncedPosition, head.position) : [];
  }

  /** The commands whose events follow `position` in the log, up to `end`: a synced log's pending tail. */
  private async commandsAfter(position: number, end: number): Promise<RecordedCommand[]> {
    return commandsOf(await this.ledger.store.readAppended(position + 1, end));
  }

  /**
   * Turns sync on; the rounds themselves are SyncLoop's (or the caller's) to run. An empty server takes this
   * browser's ledger as its first log, and an empty browser takes the server's. When both hold a ledger, they
   * must share its start (this browser synced with this server before): the part they share is the synced
   * log, and this browser's events after it are pending. Otherwise both stay as they are, refused.
   * Resolves to how many events this browser's ledger gave an empty server, and how many of its commands wait
   * to be sent (those after a shared start).
   */
  async turnOn(address: string, token: string): Promise<{ uploaded: number; pending: number }> {
    const server = new SyncServer(address, token);
    const { head: serverHead } = await server.pull(0, 1);
    const local = await this.ledger.store.meta();
    if (local.sync) throw new SyncError('SYNC_FAILED', `This ledger already syncs with ${local.sync.server}; turn that off first.`);
    let synced: { position: number; eventId?: string } = { position: 0 };
    let uploaded = 0;
    if (local.position > 0 && serverHead === 0) {
      const { parts, position } = await exportLedgerParts(this.ledger.db, this.ledger.clock());
      await server.upload(new Blob(parts, { type: 'application/json' }));
      synced = { position, eventId: (await this.localEvent(position))?.metadata.eventId };
      uploaded = position;
    } else if (local.position > 0) {
      synced = await this.sharedStart(server, Math.min(local.position, serverHead));
      if (synced.position === 0) {
        throw new SyncError(
          'SYNC_SERVER_NOT_EMPTY',
          `The server already holds a ledger of ${serverHead} events, and this browser holds another of ${local.position}. Only an empty server, or one this browser synced with before, can take this browser's ledger; nothing was changed on either.`,
        );
      }
      if (!(await cutsCleanly(this.ledger.db, synced.position))) {
        throw new SyncError(
          'SYNC_SERVER_NOT_EMPTY',
          `This browser's ledger and the server's share their first ${synced.position} events, but what this browser holds after them came from an imported file, which cannot be sent as commands. Nothing was changed on either.`,
        );
      }
    }
    const sync: SyncMeta = { id: this.ledger.newId(), server: server.url, token, syncedPosition: synced.position, ...(synced.eventId && { syncedEventId: synced.eventId }), refused: [] };
    await this.ledger.within(async (t) => {
      const head = await t.store.meta();
      if (head.sync) throw new SyncError('SYNC_FAILED', `This ledger already syncs with ${head.sync.server}.`);
      if (head.position !== local.position) throw new SyncError('SYNC_MOVED', 'The ledger changed while sync was being turned on (in another tab, say); turn it on again.');
      await t.db.meta.put({ ...head, sync });
    });
    return { uploaded, pending: (await this.commandsAfter(synced.position, local.position)).length };
  }

  /** The event of this browser's log at `position` (where an import wrote it too). */
  private async localEvent(position: number): Promise<RecordedEvent | undefined> {
    return (await commitEndingAt(this.ledger.db, position)).at(-1);
  }

  /**
   * How many events, from the first, this browser and the server hold alike, word for word, and the last one's
   * id: the two logs are read side by side from the start until they part (a file edited by hand and imported
   * keeps its event ids, so ids alone would not do). Rare (turning sync on), and linear in the shared part.
   */
  private async sharedStart(server: SyncServer, most: number): Promise<{ position: number; eventId?: string }> {
    const ours = new LogReader(this.ledger.db, most);
    let slice: LoggedText[] = [];
    let shared: { position: number; eventId?: string } = { position: 0 };
    while (shared.position < most) {
      const { events } = await server.pull(shared.position, Math.min(this.pageSize, most - shared.position));
      if (events.length === 0) break;
      for (const theirs of events) {
        if (slice.length === 0) slice = (await ours.next()) ?? [];
        const mine = slice.shift();
        if (mine?.position !== theirs.position || mine.text !== eventText(theirs.streamId, theirs)) return shared;
        shared = { position: theirs.position, eventId: theirs.metadata.eventId };
      }
    }
    return shared;
  }

  /** Turns sync off: the ledger stays as it is, pending commands included, and works on alone. */
  async turnOff(): Promise<void> {
    await this.ledger.within(async (t) => {
      const { sync: _, ...head } = await t.store.meta();
      await t.db.meta.put(head);
    });
  }

  /** Keeps why the last round stopped, for every tab to show (when sync is still the one the round ran under). */
  async report(problem: { offline: boolean; message: string }, syncId: string): Promise<void> {
    await this.ledger.within(async (t) => {
      const head = await t.store.meta();
      if (!head.sync || head.sync.id !== syncId) return;
      await t.db.meta.put({ ...head, sync: { ...head.sync, problem: { ...problem, at: this.ledger.clock().toISOString() } } });
    });
  }

  /** Forgets a refused command once the person has seen it. */
  async dismiss(commandId: string): Promise<void> {
    await this.ledger.within(async (t) => {
      const head = await t.store.meta();
      if (!head.sync) return;
      await t.db.meta.put({ ...head, sync: { ...head.sync, refused: head.sync.refused.filter((r) => r.commandId !== commandId) } });
    });
  }

  /**
   * One round: push, pull, rebase. A failure before the rebase changes nothing here but the pages already
   * appended (see appendPulled); the next round goes on from there.
   */
  async syncOnce(): Promise<SyncRound> {
    const head = await this.ledger.store.meta();
    if (!head.sync) throw new SyncError('SYNC_FAILED', 'Sync is off.');
    const { id, syncedPosition } = head.sync;
    const server = new SyncServer(head.sync.server, head.sync.token);
    // Settings kept before the synced event's id was: the local event there is the one synced.
    const syncedEventId = head.sync.syncedEventId ?? (syncedPosition > 0 ? (await this.localEvent(syncedPosition))?.metadata.eventId : undefined);
    await expectSameServerLog(server, syncedPosition, syncedEventId);
    const pending = await this.commandsAfter(syncedPosition, head.position);
    const settled = new Set<string>();
    const refused: RefusedCommand[] = [];
    for (const entry of pending) {
      const answer = await server.push(entry.command);
      settled.add(entry.command.commandId);
      if (!answer.taken) refused.push(refusal(entry, answer));
    }
    // With nothing of this device's to rebase, each page is appended and folded as it comes, so a pull that
    // breaks off resumes where it stopped. Otherwise (or once a command runs here meanwhile) pages wait for the rebase.
    let direct = pending.length === 0;
    const held: EventText[] = [];
    let after = syncedPosition;
    for (;;) {
      const page = await server.pull(after, this.pageSize);
      const last = after + page.events.length >= page.head;
      // A page may end inside a commit (a transfer's two halves): its last commit is asked for again with the
      // next page, so that only whole commits are appended. A page too short for one whole commit waits for the rebase.
      const events = last ? page.events : wholeCommits(page.events);
      if (events.length === 0 && page.events.length > 0) direct = false;
      const taken = events.length > 0 ? events : page.events;
      if (direct && taken.length > 0) direct = await this.writes.appendPulled({ id, syncedPosition: after }, taken);
      if (!direct) held.push(...taken);
      after += taken.length;
      if (page.events.length === 0 || after >= page.head) break;
    }
    const base = after - held.length;
    const round = { id, syncedPosition: base };
    const redecided = direct ? (await this.writes.markSynced(round), []) : await this.writes.rebase(round, held, settled, refused);
    return { pushed: pending.length - refused.length, pulled: after - syncedPosition, refused: [...refused, ...redecided] };
  }

}

/**
 * The server still holds the log this browser synced with: its event at the synced position is the one synced
 * there. A server reset, or another one at the same address, is refused before anything is sent.
 */
async function expectSameServerLog(server: SyncServer, syncedPosition: number, syncedEventId: string | undefined): Promise<void> {
  if (syncedPosition === 0) return;
  const [theirs] = (await server.pull(syncedPosition - 1, 1)).events;
  if (theirs?.metadata.eventId === syncedEventId) return;
  throw new SyncError(
    'SYNC_SERVER_CHANGED',
    `The server at ${server.url} no longer holds the ledger this browser synced with (it was reset, or is another server). Nothing was sent, and your ledger here is unchanged. Turn sync off, then on again to join the server as it is now.`,
  );
}

/** The events of a page without its last commit, which may go on in the next page. */
function wholeCommits(events: EventText[]): EventText[] {
  const lastCommand = events.at(-1)?.metadata.commandId;
  let end = events.length;
  while (end > 0 && events[end - 1]!.metadata.commandId === lastCommand) end--;
  return events.slice(0, end);
}

/** An error as a sync status says it. */
export function syncProblem(error: unknown): { offline: boolean; message: string } {
  if (error instanceof SyncError) return { offline: error.code === 'SYNC_UNREACHABLE', message: error.message };
  if (error instanceof LedgerError) return { offline: false, message: error.message };
  return { offline: false, message: `The sync stopped: ${(error as Error)?.message ?? String(error)}. It will try again.` };
}
