import type { LedgerCommand } from '../domain/commands';
import { verifyProjections, type ProjectionDifference } from '../projections/verify';
import { exportLedger, exportLedgerBlob } from './export';
import { importLedger, type ImportOptions, type ImportResult } from './import';
import { Ledger, type CommandResult, type LedgerOptions } from './ledger';
import { LedgerQueries } from './queries';
import { TimeTravel } from './temporal';

/**
 * Everything the UI may ask of the ledger, in one place: commands, queries,
 * time travel, export and import. The UI never touches Dexie or the domain folds.
 */
export class LedgerService {
  readonly queries: LedgerQueries;
  readonly time: TimeTravel;

  private constructor(readonly ledger: Ledger) {
    this.queries = new LedgerQueries(ledger.db);
    this.time = new TimeTravel(ledger);
  }

  static async open(name = 'ledger', options: LedgerOptions = {}): Promise<LedgerService> {
    return new LedgerService(await Ledger.open(name, options));
  }

  get db() {
    return this.ledger.db;
  }

  close(): void {
    this.ledger.close();
  }

  /** A fresh id for a command; a form keeps it until the command succeeds, so a double submit counts once. */
  newCommandId(): string {
    return this.ledger.newId();
  }

  newAccountId(): string {
    return this.ledger.newId();
  }

  /** Readies an account for its commands (see Ledger.prefetch); a failure only means the first command loads it. */
  prefetch(accountId: string): void {
    this.ledger.prefetch(accountId).catch(() => undefined);
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
