import { commandsOf, type RecordedCommand } from '../domain/decide-command';
import { DomainError, LedgerError, SyncError, ValidationError, type MoneyMention } from '../domain/errors';
import { eventText, type EventText } from '../store/event-text';
import { LogReader, type LoggedText } from '../store/log-reader';
import type { RecordedEvent } from '../domain/events';
import { PROJECTION_VERSION } from '../projections/projector';
import { commitEndingAt } from '../projections/timeline';
import { toRecorded } from '../store/event-store';
import { appendRecorded, cutsCleanly, truncateAfter } from '../store/rebase';
import type { LogMeta, RefusedCommand, SyncMeta } from '../store/records';
import { exportLedgerParts } from './export';
import type { BoundStores, Ledger } from './ledger';
import { PULL_PAGE, SyncServer } from './sync-server';

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

function refusal({ command, at }: RecordedCommand, error: { code: string; message: string; amounts?: readonly MoneyMention[] }): RefusedCommand {
  const { code, message, amounts } = error;
  return { commandId: command.commandId, command: { type: command.type, data: { ...command.data } }, at, code, message, ...(amounts?.length && { amounts: [...amounts] }) };
}

/**
 * Sync with a server, server-authoritative: the server's log is the log. A round pushes this device's pending
 * commands in order (the events after `syncedPosition`, read back as commands), pulls the server's log after
 * `syncedPosition`, then rebases in one transaction: the local log becomes the server's, with any command run
 * here meanwhile decided again on top. A command the server (or the rebase) refuses is kept for the person to
 * see; nothing is dropped silently or applied by half. One tab syncs at a time (see SyncLoop).
 */
export class Sync {
  constructor(
    private readonly ledger: Ledger,
    /** Events asked for per pull (the server's most by default). */
    private readonly pageSize = PULL_PAGE,
  ) {}

  async state(): Promise<SyncMeta | undefined> {
    return (await this.ledger.store.meta()).sync;
  }

  /** What a screen shows of sync (the token stays out); null while sync is off. */
  async status(): Promise<SyncStatus | null> {
    const head = await this.ledger.store.meta();
    if (!head.sync) return null;
    const { token: _, ...shown } = head.sync;
    const pending = commandsOf(await this.ledger.store.readAppended(head.sync.syncedPosition + 1, head.position)).length;
    return { ...shown, pending };
  }

  /** Commands of this device the server has not confirmed yet. */
  async pending(): Promise<RecordedCommand[]> {
    const head = await this.ledger.store.meta();
    if (!head.sync) return [];
    return commandsOf(await this.ledger.store.readAppended(head.sync.syncedPosition + 1, head.position));
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
    const pending = commandsOf(await this.ledger.store.readAppended(synced.position + 1, local.position)).length;
    return { uploaded, pending };
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
    const pending = commandsOf(await this.ledger.store.readAppended(syncedPosition + 1, head.position));
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
      if (direct && taken.length > 0) direct = await this.appendPulled({ id, syncedPosition: after }, taken);
      if (!direct) held.push(...taken);
      after += taken.length;
      if (page.events.length === 0 || after >= page.head) break;
    }
    const base = after - held.length;
    const redecided = direct ? (await this.markSynced({ id, syncedPosition: base }), []) : await this.rebase({ id, syncedPosition: base }, held, settled, refused);
    return { pushed: pending.length - refused.length, pulled: after - syncedPosition, refused: [...refused, ...redecided] };
  }

  /**
   * Appends a page of the server's log and folds it into the read models, when this device has no command
   * after the synced position; false (nothing written) when one has come meanwhile.
   */
  private async appendPulled(round: Round, events: EventText[]): Promise<boolean> {
    return this.ledger.within(async (t) => {
      const head = await t.store.meta();
      const { problem: _, ...sync } = sameRound(head, round);
      if (head.position !== round.syncedPosition) return false;
      const appended = await this.appendFolded(t, events);
      // Not yet "synced at": that is when a round reaches the server's head (markSynced).
      const synced = { syncedPosition: appended.position, syncedEventId: events.at(-1)!.metadata.eventId };
      await t.db.meta.put({ ...appended, sync: { ...sync, ...synced } });
      return true;
    });
  }

  /**
   * Appends the server's events and folds them into the read models, when those are current (read models
   * that were behind stay behind, for the next open to rebuild, as after any append), with the snapshots a
   * command would have taken. Answers the log's new head.
   */
  private async appendFolded(t: BoundStores, events: EventText[]): Promise<LogMeta> {
    const head = await t.store.meta();
    const { projections: was } = head;
    const current = await t.projector.isCurrent();
    const appended = await appendRecorded(t.db, events);
    // Folded up to each multiple of timelineEvery in turn, so that a ledger checkpoint is taken at each, as a full build takes them.
    const every = t.db.timelineEvery;
    for (let from = 0; current && from < events.length; ) {
      const boundary = Math.ceil(events[from]!.position / every) * every;
      const to = from + Math.max(1, Math.min(events.length - from, boundary - events[from]!.position + 1));
      await t.projector.applyInline(events.slice(from, to).map((event) => toRecorded(event.streamId, event)));
      from = to;
    }
    await this.ledger.snapshotCrossedIn(t, events);
    const projections = current ? { position: appended.position, version: PROJECTION_VERSION, segmentsThrough: was?.segmentsThrough ?? 0 } : was;
    const next = { ...appended, ...(projections && { projections }) };
    await t.db.meta.put(next);
    return next;
  }

  /** Fold segments that reach past the cut describe events that are gone: the rebuild makes them again from the events. */
  private async dropSegmentsAfter(t: BoundStores, position: number): Promise<void> {
    const head = await t.store.meta();
    if (!head.projections || head.projections.segmentsThrough <= position) return;
    await t.db.folds.clear();
    await t.db.meta.put({ ...head, projections: { ...head.projections, segmentsThrough: 0 } });
  }

  /** A round that found nothing to rebase: the time it reached the server's head, and no problem. */
  private async markSynced(round: Round): Promise<void> {
    await this.ledger.within(async (t) => {
      const head = await t.store.meta();
      const { problem: _, ...sync } = sameRound(head, round);
      await t.db.meta.put({ ...head, sync: { ...sync, syncedAt: this.now() } });
    });
  }

  private now(): string {
    return this.ledger.clock().toISOString();
  }

  /**
   * The local log becomes the server's: the commands after the synced position are cut off, the accounts they
   * touched folded again from what is left, the server's events after it appended and folded, and commands run
   * here since the push (not `settled`) decided again on top, in order; one that no longer holds (the account
   * was closed on another device, say) is refused. The refusals, the server's among them, are kept for the
   * person to see. Resolves to the rebase's own refusals.
   */
  private async rebase(round: Round, pulled: EventText[], settled: ReadonlySet<string>, refusedByServer: RefusedCommand[]): Promise<RefusedCommand[]> {
    const { syncedPosition } = round;
    return this.ledger.within(async (t) => {
      const head = await t.store.meta();
      sameRound(head, round);
      // Usually only the accounts the cut touches are folded again. Read models that were behind, or fold
      // segments that reach past the cut (a rebuild ran while commands were pending), are rebuilt instead.
      const partial = (await t.projector.isCurrent()) && (head.projections?.segmentsThrough ?? 0) <= syncedPosition;
      const cut = await t.store.readAppended(syncedPosition + 1, head.position);
      const tail = commandsOf(cut);
      await truncateAfter(t.db, syncedPosition);
      if (partial) {
        await t.projector.foldAgainAfterCut(syncedPosition, cut.map((event) => event.streamId));
        await this.appendFolded(t, pulled);
      } else {
        await this.dropSegmentsAfter(t, syncedPosition);
        await appendRecorded(t.db, pulled);
        await t.projector.rebuildHere();
        await this.ledger.snapshotCrossedIn(t, pulled);
      }
      const refused: RefusedCommand[] = [];
      for (const entry of tail.filter(({ command }) => !settled.has(command.commandId))) {
        try {
          await this.ledger.executeIn(t, entry.command);
        } catch (error) {
          if (!(error instanceof DomainError || error instanceof ValidationError)) throw error;
          refused.push(refusal(entry, error));
        }
      }
      const now = await t.store.meta();
      const { problem: _, ...sync } = now.sync!;
      const kept = [...sync.refused, ...refusedByServer, ...refused];
      const syncedEventId = pulled.at(-1)?.metadata.eventId ?? sync.syncedEventId;
      await t.db.meta.put({ ...now, sync: { ...sync, syncedPosition: syncedPosition + pulled.length, ...(syncedEventId && { syncedEventId }), syncedAt: this.now(), refused: kept } });
      return refused;
    });
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

/** Where a round started: a write finds the head's sync the same, or the round stops (see moved). */
interface Round {
  id: string;
  syncedPosition: number;
}

/** The head's sync, if it is still the one a round started from. */
function sameRound(head: LogMeta, { id, syncedPosition }: Round): SyncMeta {
  if (!head.sync || head.sync.id !== id || head.sync.syncedPosition !== syncedPosition) throw moved();
  return head.sync;
}

/** The events of a page without its last commit, which may go on in the next page. */
function wholeCommits(events: EventText[]): EventText[] {
  const lastCommand = events.at(-1)?.metadata.commandId;
  let end = events.length;
  while (end > 0 && events[end - 1]!.metadata.commandId === lastCommand) end--;
  return events.slice(0, end);
}

const moved = () => new SyncError('SYNC_MOVED', 'Sync was turned off or moved on meanwhile; the next round starts over.');

/** An error as a sync status says it. */
export function syncProblem(error: unknown): { offline: boolean; message: string } {
  if (error instanceof SyncError) return { offline: error.code === 'SYNC_UNREACHABLE', message: error.message };
  if (error instanceof LedgerError) return { offline: false, message: error.message };
  return { offline: false, message: `The sync stopped: ${(error as Error)?.message ?? String(error)}. It will try again.` };
}
