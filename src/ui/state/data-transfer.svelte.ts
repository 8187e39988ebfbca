import type { ImportProgress, ImportResult } from '../../app/import';
import type { LedgerService } from '../../app/service';
import { LedgerError } from '../../domain/errors';
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
  | { kind: 'confirm'; existingEvents: number }
  | { kind: 'running'; progress: ImportProgress }
  | { kind: 'done'; result: ImportResult }
  | { kind: 'cancelled'; message: string }
  | { kind: 'failed'; message: string };

/**
 * Import is all or nothing: the engine checks the whole file before it writes.
 * This class adds the person's side: pick a file, confirm before replacing a
 * ledger that has data, watch progress, cancel.
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
  readonly busy = $derived(this.#status.kind === 'running' || this.#status.kind === 'confirm');

  choose(file: File | null): void {
    this.#file = file;
    this.#status = { kind: 'idle' };
  }

  async start(): Promise<void> {
    if (!this.#file || this.busy) return;
    try {
      const { position } = await this.#service.logHead();
      if (position > 0) this.#status = { kind: 'confirm', existingEvents: position };
      else await this.#run('empty-only');
    } catch (error) {
      this.#status = { kind: 'failed', message: handleError(error) };
    }
  }

  confirmReplace(): Promise<void> {
    return this.#run('replace');
  }

  cancel(): void {
    if (this.#status.kind === 'confirm') this.#status = { kind: 'idle' };
    this.#controller?.abort();
  }

  async #run(mode: 'empty-only' | 'replace'): Promise<void> {
    const file = this.#file;
    if (!file) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#status = { kind: 'running', progress: { phase: 'reading', done: 0, total: null } };
    try {
      // The engine reads the file a slice at a time, so a large export never sits in memory twice.
      const result = await this.#service.importJson(file, {
        mode,
        signal: controller.signal,
        onProgress: (progress) => {
          this.#status = { kind: 'running', progress };
        },
      });
      this.#status = { kind: 'done', result };
    } catch (error) {
      const message = handleError(error);
      const cancelled = error instanceof LedgerError && error.code === 'IMPORT_CANCELLED';
      this.#status = cancelled ? { kind: 'cancelled', message } : { kind: 'failed', message };
    } finally {
      this.#controller = null;
    }
  }
}
