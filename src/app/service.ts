import type { LedgerCommand } from '../domain/commands';
import { verifyProjections, type ProjectionDifference } from '../projections/verify';
import { EventLog } from './event-log';
import { exportLedger, exportLedgerBlob } from './export';
import { checkImportFile, importLedger, type CheckSummary, type ImportOptions, type ImportResult } from './import';
import { Ledger, type CommandResult, type LedgerOptions } from './ledger';
import { LedgerQueries } from './queries';
import { Sync } from './sync';
import { SyncLoop } from './sync-loop';
import { TimeTravel } from './temporal';
import type { LogMeta } from '../store/records';

export type { LogMeta };
/** Turns a browser storage failure that has words of its own (the quota, a newer schema) into the ledger's error. */
export { storageFailure } from '../store/storage-failure';

export type SchemaChange = 'upgraded' | 'deleted';

/**
 * Everything the UI may ask of the ledger, in one place: commands, queries,
 * time travel, export and import. The UI never touches Dexie or the domain folds.
 */
export class LedgerService {
  readonly queries: LedgerQueries;
  readonly time: TimeTravel;
  /** The whole log, a page at a time, filtered. */
  readonly eventLog: EventLog;
  /** Sync with a server: turn it on or off, and what it stands at. */
  readonly sync: Sync;
  #syncLoop: SyncLoop | null = null;

  private constructor(readonly ledger: Ledger) {
    this.queries = new LedgerQueries(ledger.db);
    this.time = new TimeTravel(ledger);
    this.eventLog = new EventLog(ledger.db);
    this.sync = new Sync(ledger);
  }

  static async open(name = 'ledger', options: LedgerOptions = {}): Promise<LedgerService> {
    return new LedgerService(await Ledger.open(name, options));
  }

  /** The log's newest position and its time. */
  logHead(): Promise<LogMeta> {
    // The sync token stays below the UI, which never needs it.
    return this.ledger.store.meta().then(({ sync, ...head }) => (sync ? { ...head, sync: { ...sync, token: '' } } : head));
  }

  /**
   * Calls `changed` when another tab opens the database with a newer schema, or deletes it. The connection
   * closes at once, so the other tab's upgrade is never blocked, and stays closed: this code knows only its
   * own schema.
   */
  onSchemaChange(changed: (change: SchemaChange) => void): void {
    const { db } = this.ledger;
    db.on('versionchange', (event: IDBVersionChangeEvent) => {
      // close() without options also stops Dexie from reopening on the next query.
      db.close();
      changed(event.newVersion === null ? 'deleted' : 'upgraded');
      // Dexie's own handler would close with auto-reopen on; returning false skips it.
      return false;
    });
  }

  /** Takes this tab's part in syncing: one tab of the browser runs the rounds (see SyncLoop). Once, when the page is up. */
  startSync(): void {
    this.#syncLoop ??= new SyncLoop(this.sync, () => this.ledger.store.meta());
    this.#syncLoop.start();
  }

  /** Asks for a round now, in whichever tab syncs. */
  syncNow(): void {
    this.#syncLoop?.nudge();
  }

  /** Turns sync on; the first round runs at once, in whichever tab syncs. */
  async turnOnSync(server: string, token: string): Promise<{ uploaded: number; pending: number }> {
    const turnedOn = await this.sync.turnOn(server, token);
    this.syncNow();
    return turnedOn;
  }

  close(): void {
    this.#syncLoop?.stop();
    this.ledger.close();
  }

  /** A fresh id for a command; a form keeps it until the command succeeds, so a double submit counts once. */
  newCommandId(): string {
    return this.ledger.newId();
  }

  newAccountId(): string {
    return this.ledger.newId();
  }

  execute(command: LedgerCommand): Promise<CommandResult> {
    return this.ledger.execute(command);
  }

  exportJson(): Promise<string> {
    return exportLedger(this.ledger.db, this.ledger.clock());
  }

  /** The export as a file, built from slices: the form to download a large ledger in. */
  exportBlob(): Promise<Blob> {
    return exportLedgerBlob(this.ledger.db, this.ledger.clock());
  }

  /** Checks an export without writing anything, and says what it holds: what a person is asked about before an import. */
  checkImport(source: string | Blob, options: Pick<ImportOptions, 'onProgress' | 'signal'> = {}): Promise<CheckSummary> {
    return checkImportFile(source, options);
  }

  importJson(source: string | Blob, options: ImportOptions = {}): Promise<ImportResult> {
    return importLedger(this.ledger.db, source, { snapshotEvery: this.ledger.snapshotEvery, ...options });
  }

  rebuildProjections(): Promise<{ events: number }> {
    return this.ledger.projector.rebuild();
  }

  verifyProjections(): Promise<ProjectionDifference[]> {
    return verifyProjections(this.ledger.db);
  }
}
