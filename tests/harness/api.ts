import type { LedgerCommand } from '../../src/domain/commands';
import type { ProjectionDifference } from '../../src/projections/verify';
import type { BalanceRow } from './invariants';

/** What one command came to, in a shape that crosses from the page to Node. */
export type Outcome =
  | { commandId: string; status: 'done'; duplicate: boolean; wrote: number }
  | { commandId: string; status: 'refused'; code: string; message: string }
  /** Anything that is not one of the ledger's own errors: always a test failure. */
  | { commandId: string; status: 'crashed'; message: string };

export interface ImportOutcome {
  status: 'done' | 'refused' | 'crashed';
  events?: number;
  code?: string;
  message?: string;
  eventIndex?: number;
}

export interface BurstOptions {
  /** Commands in flight at once in this page. */
  parallel?: number;
  /** Log each outcome to the console as it happens, so Node knows what finished before a crash. */
  report?: boolean;
}

/** The page's API, on window.harness once the ledger is open. */
export interface Harness {
  execute(command: LedgerCommand): Promise<Outcome>;
  burst(commands: LedgerCommand[], options?: BurstOptions): Promise<Outcome[]>;
  exportJson(): Promise<string>;
  importJson(text: string): Promise<ImportOutcome>;
  /** Builds a valid log of about `bytes` in the page (optionally ending in one overdraft) and imports it over the ledger. */
  importGenerated(bytes: number, badLast: boolean): Promise<ImportOutcome>;
  verify(): Promise<ProjectionDifference[]>;
  rebuild(): Promise<number>;
  balances(): Promise<BalanceRow[]>;
  /** Leaves read models as an older app version would: wrong checkpoint version and a wrong balance. */
  ageReadModels(): Promise<void>;
}

/** Console lines the page writes so Node can follow what happened before a crash: `ACK` + outcome JSON, `PHASE` + "phase done". */
export const ACK = 'harness:ack ';
export const PHASE = 'harness:phase ';

declare global {
  interface Window {
    harness?: Harness;
    harnessError?: string;
  }
}
