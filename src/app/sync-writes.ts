import { commandsOf, type RecordedCommand } from '../domain/decide-command';
import { DomainError, SyncError, ValidationError, type MoneyMention } from '../domain/errors';
import { PROJECTION_VERSION, projectionsCurrent } from '../projections/projector';
import { toRecorded } from '../store/event-store';
import type { EventText } from '../store/event-text';
import { appendRecorded, truncateAfter } from '../store/rebase';
import type { LogMeta, RefusedCommand, SyncMeta } from '../store/records';
import type { BoundStores, Ledger } from './ledger';

/** Where a round started: a write finds the head's sync the same, or the round stops (see moved). */
export interface Round {
  id: string;
  syncedPosition: number;
}

/** The head's sync, if it is still the one a round started from. */
function sameRound(head: LogMeta, { id, syncedPosition }: Round): SyncMeta {
  if (!head.sync || head.sync.id !== id || head.sync.syncedPosition !== syncedPosition) throw moved();
  return head.sync;
}

const moved = () => new SyncError('SYNC_MOVED', 'Sync was turned off or moved on meanwhile; the next round starts over.');

/** A command of this device as the person is shown it once the server, or the rebase, refused it. */
export function refusal({ command, at }: RecordedCommand, error: { code: string; message: string; amounts?: readonly MoneyMention[] }): RefusedCommand {
  const { code, message, amounts } = error;
  return { commandId: command.commandId, command: { type: command.type, data: { ...command.data } }, at, code, message, ...(amounts?.length && { amounts: [...amounts] }) };
}

/**
 * What a sync round writes here, each in one transaction that first checks the round still runs under the
 * sync it started with: the pulled pages appended as they come, the time a round reached the server's head,
 * and the rebase that makes the local log the server's.
 */
export class RoundWrites {
  constructor(private readonly ledger: Ledger) {}

  /**
   * Appends a page of the server's log and folds it into the read models, when this device has no command
   * after the synced position; false (nothing written) when one has come meanwhile.
   */
  async appendPulled(round: Round, events: EventText[]): Promise<boolean> {
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
    const current = projectionsCurrent(head);
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

  /** A round that found nothing to rebase: the time it reached the server's head, and no problem. */
  async markSynced(round: Round): Promise<void> {
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
  async rebase(round: Round, pulled: EventText[], settled: ReadonlySet<string>, refusedByServer: RefusedCommand[]): Promise<RefusedCommand[]> {
    const { syncedPosition } = round;
    return this.ledger.within(async (t) => {
      const head = await t.store.meta();
      sameRound(head, round);
      // Usually only the accounts the cut touches are folded again. Read models that were behind, or fold
      // segments that reach past the cut (a rebuild ran while commands were pending), are rebuilt instead.
      const partial = projectionsCurrent(head) && (head.projections?.segmentsThrough ?? 0) <= syncedPosition;
      const cut = await t.store.readAppended(syncedPosition + 1, head.position);
      const tail = commandsOf(cut);
      await truncateAfter(t.db, syncedPosition);
      if (partial) {
        await t.projector.foldAgainAfterCut(syncedPosition, cut.map((event) => event.streamId));
        await this.appendFolded(t, pulled);
      } else {
        await t.projector.forgetSegmentsAfter(syncedPosition);
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
