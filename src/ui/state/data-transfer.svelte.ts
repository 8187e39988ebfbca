import { importWhileSyncing, type CheckSummary, type ImportProgress, type ImportResult } from '../../app/import';
import type { LedgerService } from '../../app/service';
import { ImportError, LedgerError } from '../../domain/errors';
import { dateStamp, downloadBlob } from '../lib/download';
import { formatCount } from '../lib/format';
import { handleError } from '../lib/handle-error';

export class LedgerExport {
  readonly #service: LedgerService;
  #busy = $state(false);
  #notice = $state<string | null>(null);
  #error = $state<string | null>(null);

  constructor(service: LedgerService) {
    this.#service = service;
  }

  get busy(): boolean {
    return this.#busy;
  }
  get notice(): string | null {
    return this.#notice;
  }
  get error(): string | null {
    return this.#error;
  }

  async download(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    this.#notice = this.#error = null;
    try {
      // A Blob built from slices: a large ledger never has to exist as one string in memory.
      const blob = await this.#service.exportBlob();
      const fileName = `ledger-${dateStamp()}.json`;
      downloadBlob(blob, fileName);
      this.#notice = `Saved ${fileName} (${formatCount(Math.ceil(blob.size / 1024))} KB).`;
    } catch (error) {
      this.#error = handleError(error);
    } finally {
      this.#busy = false;
    }
  }
}

export type ImportStatus =
  | { kind: 'idle' }
  | { kind: 'checking'; progress: ImportProgress }
  | { kind: 'confirm'; summary: CheckSummary; existingEvents: number }
  | { kind: 'running'; progress: ImportProgress }
  | { kind: 'done'; result: ImportResult }
  | { kind: 'cancelled'; message: string }
  /** `path`: where in the file, for a developer (events[12].data.amount). */
  | { kind: 'failed'; message: string; path?: string };

/**
 * Import is all or nothing. This class adds the person's side: pick a file, have it checked whole, then be
 * asked with what it holds (and what it replaces), watch progress, cancel.
 */
export class LedgerImport {
  readonly #service: LedgerService;
  #file = $state.raw<File | null>(null);
  #status = $state.raw<ImportStatus>({ kind: 'idle' });
  #controller: AbortController | null = null;

  constructor(service: LedgerService) {
    this.#service = service;
  }

  get file(): File | null {
    return this.#file;
  }
  get status(): ImportStatus {
    return this.#status;
  }
  readonly busy = $derived(this.#status.kind === 'checking' || this.#status.kind === 'running' || this.#status.kind === 'confirm');

  choose(file: File | null): void {
    this.#file = file;
    this.#status = { kind: 'idle' };
  }

  /** Checks the whole file, writing nothing; a good one is then put to the person (see confirm). */
  async start(): Promise<void> {
    const file = this.#file;
    if (!file || this.busy) return;
    await this.#track('checking', async (signal) => {
      // Said before the file is read: a syncing ledger takes no file.
      const { sync } = await this.#service.logHead();
      if (sync) throw importWhileSyncing(sync.server);
      const summary = await this.#service.checkImport(file, { signal, onProgress: (progress) => (this.#status = { kind: 'checking', progress }) });
      const { position } = await this.#service.logHead();
      this.#status = { kind: 'confirm', summary, existingEvents: position };
    });
  }

  /** Imports the checked file, replacing the ledger when there was one to replace. */
  async confirm(): Promise<void> {
    const file = this.#file;
    if (!file || this.#status.kind !== 'confirm') return;
    const mode = this.#status.existingEvents > 0 ? 'replace' : 'empty-only';
    await this.#track('running', async (signal) => {
      const result = await this.#service.importJson(file, { mode, signal, onProgress: (progress) => (this.#status = { kind: 'running', progress }) });
      this.#status = { kind: 'done', result };
    });
  }

  cancel(): void {
    if (this.#status.kind === 'confirm') this.#status = { kind: 'idle' };
    this.#controller?.abort();
  }

  async #track(kind: 'checking' | 'running', work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    this.#status = { kind, progress: { phase: 'reading', done: 0, total: null } };
    try {
      await work(controller.signal);
    } catch (error) {
      const message = handleError(error);
      if (error instanceof LedgerError && error.code === 'IMPORT_CANCELLED') this.#status = { kind: 'cancelled', message };
      else this.#status = { kind: 'failed', message, ...(error instanceof ImportError && error.path !== undefined && { path: error.path }) };
    } finally {
      this.#controller = null;
    }
  }
}
