import { SyncError } from '../domain/errors';
import type { LogMeta } from '../store/records';
import { syncProblem, type Sync } from './sync';
import { watch } from './watch';

/** How often a tab that syncs asks the server for other devices' events when nothing else prompts it. */
export const SYNC_EVERY_MS = 30_000;
/** The longest wait after failed rounds (the wait doubles from SYNC_EVERY_MS / 10 up to this). */
const MOST_BACKOFF_MS = 5 * 60_000;
/** The Web Lock that makes one tab of this browser the one that syncs, and the channel any tab nudges it on. */
const LOCK = 'ledger-sync';

/**
 * Runs sync rounds in the one tab of this browser that holds the `ledger-sync` Web Lock; when it closes, another
 * tab's loop takes the lock over. A round runs when sync is turned on, when a command adds pending events (in
 * any tab: the log's head is watched), when the browser comes back online, and every SYNC_EVERY_MS.
 */
export class SyncLoop {
  private stopped = false;
  private wake: (() => void) | null = null;
  /** A nudge that came while a round ran: the next sleep ends at once. */
  private nudged = false;
  private failures = 0;
  private unwatch: (() => void) | null = null;
  private readonly online = () => this.wakeUp();
  private readonly channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(LOCK) : null;

  constructor(
    private readonly sync: Sync,
    private readonly readHead: () => Promise<LogMeta>,
  ) {
    if (this.channel) this.channel.onmessage = () => this.wakeUp();
  }

  start(): void {
    const locks = typeof navigator === 'object' ? navigator.locks : undefined;
    // Without Web Locks (an old browser, Node) this loop is the only one.
    if (locks) void locks.request(LOCK, () => this.run());
    else void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.unwatch?.();
    this.channel?.close();
    globalThis.removeEventListener?.('online', this.online);
    this.wakeUp();
  }

  /** Runs a round soon, in whichever tab syncs (now, if none is running). */
  nudge(): void {
    this.wakeUp();
    this.channel?.postMessage('sync');
  }

  private wakeUp(): void {
    if (this.wake) this.wake();
    else this.nudged = true;
  }

  private async run(): Promise<void> {
    globalThis.addEventListener?.('online', this.online);
    // A write that leaves events after the synced position (a command here or in another tab) is pending work.
    let seen = -1;
    let syncing = false;
    this.unwatch = watch(this.readHead, {
      next: (head) => {
        const pending = head.sync && head.position !== seen && head.position > head.sync.syncedPosition;
        if (pending || (head.sync && !syncing)) this.wakeUp();
        seen = head.position;
        syncing = head.sync !== undefined;
      },
      error: () => undefined,
    });
    while (!this.stopped) {
      const head = await this.readHead().catch(() => null);
      // Offline, a round could only fail: the browser's 'online' event wakes the loop.
      const offline = typeof navigator === 'object' && navigator.onLine === false;
      let wait = offline || !head?.sync ? Number.POSITIVE_INFINITY : SYNC_EVERY_MS;
      if (head?.sync && !offline) {
        try {
          await this.sync.syncOnce();
          this.failures = 0;
        } catch (error) {
          // A round that found sync turned off or moved on meanwhile is no failure: it starts over soon.
          if (error instanceof SyncError && error.code === 'SYNC_MOVED') {
            wait = 1_000;
          } else {
            this.failures++;
            wait = Math.min(MOST_BACKOFF_MS, (SYNC_EVERY_MS / 10) * 2 ** (this.failures - 1));
            await this.sync.report(syncProblem(error), head.sync.id).catch(() => undefined);
          }
        }
      }
      // Without a head (the database closing, say), the watch's next change wakes the loop.
      if (!this.stopped) await this.sleep(head ? wait : SYNC_EVERY_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.wake = done;
    });
  }
}
