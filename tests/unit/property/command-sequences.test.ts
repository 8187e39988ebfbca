import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger, type CommandResult } from '../../../src/app/ledger';
import type { LedgerCommand } from '../../../src/domain/commands';
import { LedgerError } from '../../../src/domain/errors';
import { verifyProjections } from '../../../src/projections/verify';
import { outcomeProblems, settleAttempts, type Attempt } from '../../harness/invariants';
import { freshName, steppingClock } from '../../support/ledger';
import { BankModel, opsArbitrary, toCommands } from './model';
import { MAX_OPS, PROPERTY_TIMEOUT, auditLedger, runs, withLedger } from './run';

const settle = (promise: Promise<CommandResult>): Promise<CommandResult | LedgerError> =>
  promise.catch((error: unknown) => {
    if (error instanceof LedgerError) return error;
    throw error;
  });

describe('random command sequences', () => {
  it('agree with a reference model on every verdict, event and balance, and a refused command writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(opsArbitrary(MAX_OPS), fc.integer({ min: 1, max: 4 }), async (ops, snapshotEvery) =>
        withLedger({ snapshotEvery }, async (ledger) => {
          const model = new BankModel();
          for (const command of toCommands(ops)) {
            const before = (await ledger.store.meta()).position;
            const expected = model.apply(command);
            const outcome = await settle(ledger.execute(command));
            const after = (await ledger.store.meta()).position;
            if (!expected.done) {
              expect(outcome, `${command.commandId} ${command.type}`).toBeInstanceOf(LedgerError);
              expect(after).toBe(before);
              expect(await ledger.store.eventsOfCommand(command.commandId)).toEqual([]);
              continue;
            }
            if (outcome instanceof LedgerError) throw new Error(`${command.type} ${command.commandId} was refused: ${outcome.message}`);
            expect(outcome.events.map((e) => ({ streamId: e.streamId, type: e.type, ...amountOf(e.data) }))).toEqual(expected.events);
            const wrote = outcome.duplicate ? 0 : outcome.events.length;
            expect(after).toBe(before + wrote);
            if (!outcome.duplicate) expect(outcome.events.map((e) => e.position)).toEqual(range(before + 1, after));
          }
          for (const [id] of model.accounts) expect((await ledger.db.accounts.get(id))?.balance).toBe(model.balanceText(id));
          await auditLedger(ledger);
          expect(await verifyProjections(ledger.db)).toEqual([]);
        }),
      ),
      runs(25),
    );
  }, PROPERTY_TIMEOUT);

  it('keep every invariant when two connections to one database race their commands', async () => {
    await fc.assert(
      fc.asyncProperty(opsArbitrary(MAX_OPS), fc.integer({ min: 1, max: 5 }), async (ops, batch) => {
        const name = freshName('race');
        const tabs = [await Ledger.open(name, { clock: steppingClock() }), await Ledger.open(name, { clock: steppingClock() })];
        try {
          const attempts: Attempt[] = [];
          const commands = toCommands(ops);
          for (let i = 0; i < commands.length; i += batch) {
            const slice = commands.slice(i, i + batch);
            const settled = await Promise.all(slice.map((command, j) => settle(tabs[(i + j) % 2]!.execute(command))));
            settled.forEach((result, j) => attempts.push(attemptOf(slice[j]!, result)));
          }
          const audit = await auditLedger(tabs[0]!);
          const { outcomes, problems } = settleAttempts(attempts);
          expect(problems).toEqual([]);
          expect(outcomeProblems(audit, outcomes)).toEqual([]);
          expect(await verifyProjections(tabs[1]!.db)).toEqual([]);
        } finally {
          tabs.forEach((tab) => tab.close());
          await Dexie.delete(name);
        }
      }),
      runs(15),
    );
  }, PROPERTY_TIMEOUT);
});

function amountOf(data: object): { amount?: string } {
  return 'amount' in data ? { amount: String(data.amount) } : {};
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function attemptOf(command: LedgerCommand, result: CommandResult | LedgerError): Attempt {
  if (result instanceof LedgerError) return { commandId: command.commandId, answer: 'refused' };
  return result.duplicate
    ? { commandId: command.commandId, answer: 'duplicate' }
    : { commandId: command.commandId, answer: 'fresh', wrote: result.events.length };
}
