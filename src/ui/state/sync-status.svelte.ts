import type { LedgerService } from '../../app/service';
import type { SyncStatus } from '../../app/sync';
import { formatCount, formatDateTime } from '../lib/format';
import { handleError } from '../lib/handle-error';
import { Live } from '../lib/live.svelte';

export type SyncTone = 'ok' | 'pending' | 'offline' | 'problem';

/** Sync's state for the header and the Data screen, in words; null while sync is off. */
export class SyncView {
  readonly #live: Live<SyncStatus | null>;
  #online = $state(typeof navigator === 'object' ? navigator.onLine : true);

  constructor(service: LedgerService) {
    this.#live = new Live(
      () => undefined,
      () => service.sync.status(),
    );
    $effect(() => {
      const update = () => (this.#online = navigator.onLine);
      addEventListener('online', update);
      addEventListener('offline', update);
      return () => {
        removeEventListener('online', update);
        removeEventListener('offline', update);
      };
    });
  }

  get status(): SyncStatus | null | undefined {
    return this.#live.value;
  }

  readonly tone = $derived.by((): SyncTone | null => {
    const status = this.#live.value;
    if (!status) return null;
    // A server that cannot be reached is waited for, as the browser's being offline is: no fault of anyone's here.
    if (!this.#online || status.problem?.offline) return 'offline';
    if (status.problem) return 'problem';
    // Until a round first reaches the server's head, nothing is "synced" yet.
    return status.pending > 0 || !status.syncedAt ? 'pending' : 'ok';
  });

  /** One short line: "Synced", "Syncing", "3 pending", "Offline · 3 pending", "Waiting for the server · 3 pending", "Not synced · 3 pending", "Sync problem". */
  readonly summary = $derived.by((): string => {
    const status = this.#live.value;
    if (!status) return '';
    const pending = status.pending > 0 ? `${formatCount(status.pending)} pending` : '';
    switch (this.tone) {
      case 'offline': {
        const waiting = this.#online ? 'Waiting for the server' : 'Offline';
        return pending ? `${waiting} · ${pending}` : waiting;
      }
      case 'problem':
        return pending ? `Not synced · ${pending}` : 'Sync problem';
      case 'pending':
        return pending || 'Syncing';
      default:
        return 'Synced';
    }
  });

  /** The longer account: when it last synced, and why it stopped if it did. */
  readonly detail = $derived.by((): string => {
    const status = this.#live.value;
    if (!status) return '';
    const last = status.syncedAt ? `Last synced ${formatDateTime(status.syncedAt)}.` : 'Not synced yet.';
    const waiting =
      status.pending > 0
        ? ` ${formatCount(status.pending)} ${status.pending === 1 ? 'command waits' : 'commands wait'} to be sent; ${status.pending === 1 ? 'it counts' : 'they count'} here already.`
        : '';
    const offline = this.tone === 'offline' && !status.problem ? ' This browser is offline; the ledger keeps working and syncs when it is back online.' : '';
    return `${last}${waiting}${offline}${status.problem ? ` ${status.problem.message}` : ''}`;
  });
}

/** The "Sync with a server" form and its actions. */
export class SyncSettings {
  readonly #service: LedgerService;
  server = $state('');
  token = $state('');
  #busy = $state(false);
  #error = $state<string | null>(null);
  #notice = $state<string | null>(null);

  constructor(service: LedgerService) {
    this.#service = service;
  }

  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get notice(): string | null {
    return this.#notice;
  }

  async turnOn(): Promise<void> {
    const server = this.server.trim();
    const token = this.token.trim();
    if (!server || !token) {
      this.#error = 'Enter the server’s address and the access token it printed when it started.';
      return;
    }
    await this.#run(async () => {
      const { uploaded, pending } = await this.#service.turnOnSync(server, token);
      this.token = '';
      this.#notice =
        uploaded > 0
          ? `Sync is on: this browser’s ${formatCount(uploaded)} events are now the server’s ledger.`
          : pending > 0
            ? `Sync is on. This browser and the server share the start of their ledger; the ${formatCount(pending)} ${pending === 1 ? 'command' : 'commands'} after it will be sent to the server and decided again on top of its ledger.`
            : 'Sync is on.';
    });
  }

  turnOff(): Promise<void> {
    return this.#run(async () => {
      await this.#service.sync.turnOff();
      this.#notice = 'Sync is off. The ledger stays in this browser as it is.';
    });
  }

  dismiss(commandId: string): Promise<void> {
    return this.#run(() => this.#service.sync.dismiss(commandId));
  }

  async #run(work: () => Promise<void>): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#error = this.#notice = null;
    try {
      await work();
    } catch (error) {
      this.#error = handleError(error);
    } finally {
      this.#busy = false;
    }
  }
}
