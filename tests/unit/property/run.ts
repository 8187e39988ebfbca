import { expect } from 'vitest';
import type { Ledger, LedgerOptions } from '../../../src/app/ledger';
import { exportLedger } from '../../../src/app/export';
import { LedgerQueries } from '../../../src/app/queries';
import type { LedgerCommand } from '../../../src/domain/commands';
import { LedgerError } from '../../../src/domain/errors';
import { auditLog, conservationProblems, eventsOfExport, type Audit } from '../../harness/invariants';
import { deleteLedger, openLedger } from '../../support/ledger';

export const HEAVY = process.env.LEDGER_STRESS === 'heavy';

/** Modest by default so the suite stays fast; LEDGER_STRESS=heavy explores ten times more. */
export const runs = (numRuns: number) => ({ numRuns: HEAVY ? numRuns * 10 : numRuns });
export const MAX_OPS = HEAVY ? 120 : 40;
/** Per test: a property runs many ledgers end to end, far past vitest's 5 s default on a busy machine. */
export const PROPERTY_TIMEOUT = HEAVY ? 30 * 60_000 : 60_000;

/** A fixed export time, so two exports of the same log are the same bytes. */
export const EXPORTED_AT = new Date('2030-01-01T00:00:00.000Z');

export async function withLedger<T>(options: LedgerOptions, body: (ledger: Ledger) => Promise<T>): Promise<T> {
  const ledger = await openLedger(options);
  try {
    return await body(ledger);
  } finally {
    await deleteLedger(ledger);
  }
}

/** Runs the commands one after another; a refusal must be one of the ledger's own errors, never a crash. */
export async function runAll(ledger: Ledger, commands: LedgerCommand[]): Promise<void> {
  for (const command of commands) {
    await ledger.execute(command).catch((error: unknown) => {
      if (!(error instanceof LedgerError)) throw error;
    });
  }
}

/** Everything the read side answers: the account list and every account's full history, newest first. */
export async function readSide(ledger: Ledger): Promise<unknown> {
  const queries = new LedgerQueries(ledger.db);
  const { rows } = await queries.listAccounts({ limit: 1000 });
  return Promise.all(rows.map(async (row) => ({ row, history: (await queries.transactions(row.accountId, { limit: 1000 })).rows })));
}

/** Audits the stored log and checks the read model against it. */
export async function auditLedger(ledger: Ledger): Promise<Audit> {
  const audit = auditLog(eventsOfExport(await exportLedger(ledger.db, EXPORTED_AT)));
  expect(audit.problems).toEqual([]);
  expect(conservationProblems(audit, await ledger.db.accounts.toArray())).toEqual([]);
  return audit;
}
