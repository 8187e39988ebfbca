import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportLedger } from '../../../src/app/export';
import { importLedger } from '../../../src/app/import';
import type { Ledger } from '../../../src/app/ledger';
import { LedgerQueries } from '../../../src/app/queries';
import type { LedgerCommand } from '../../../src/domain/commands';
import { TimeTravel } from '../../../src/app/temporal';
import { replay } from '../../../src/domain/account';
import { verifyProjections } from '../../../src/projections/verify';
import { serializeState } from '../../../src/store/snapshots';
import { eventsOfExport, type LogEvent } from '../../harness/invariants';
import { lastWholeCommit } from '../../support/ledger';
import { BankModel, opsArbitrary, toCommands, type Currency } from './model';
import { EXPORTED_AT, MAX_OPS, PROPERTY_TIMEOUT, auditLedger, readSide, runAll, runs, withLedger } from './run';

/** Random histories, each recorded with a small snapshot interval so most loads start from a snapshot. */
const histories = fc.tuple(opsArbitrary(MAX_OPS), fc.integer({ min: 1, max: 4 }));

async function streams(ledger: Ledger): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  for (const e of await ledger.store.readAll()) heads.set(e.streamId, e.version);
  return heads;
}

describe('replaying a random history', () => {
  it('gives the same account from latest snapshot plus tail as from a full replay, at every version and every time', async () => {
    await fc.assert(
      fc.asyncProperty(histories, async ([ops, snapshotEvery]) =>
        withLedger({ snapshotEvery }, async (ledger) => {
          await runAll(ledger, toCommands(ops));
          const time = new TimeTravel(ledger);
          for (const [id, head] of await streams(ledger)) {
            const events = await ledger.store.readStream(id);
            if (head >= snapshotEvery) expect((await ledger.db.snapshots.toArray()).some((s) => s.streamId === id)).toBe(true);
            for (let v = 1; v <= head; v++) {
              const full = serializeState(replay(events.slice(0, v)));
              const loaded = await ledger.loadAccount(id, v);
              expect({ version: loaded.version, state: serializeState(loaded.state) }).toEqual({ version: v, state: full });
              const at = events[v - 1]!.metadata.at;
              const upTo = events.filter((e) => e.metadata.at <= at);
              expect(serializeState((await time.accountAtTime(id, at)).state)).toEqual(serializeState(replay(upTo)));
            }
          }
        }),
      ),
      runs(20),
    );
  }, PROPERTY_TIMEOUT);

  it('leaves read models equal to a fresh replay, and a rebuild changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(histories, async ([ops, snapshotEvery]) =>
        withLedger({ snapshotEvery }, async (ledger) => {
          await runAll(ledger, toCommands(ops));
          await auditLedger(ledger);
          expect(await verifyProjections(ledger.db)).toEqual([]);
          const before = await readSide(ledger);
          await ledger.projector.rebuild();
          expect(await readSide(ledger)).toEqual(before);
          expect(await verifyProjections(ledger.db)).toEqual([]);
        }),
      ),
      runs(20),
    );
  }, PROPERTY_TIMEOUT);

  it('exports, imports into an empty ledger and exports again to the same bytes, with the same answers', async () => {
    await fc.assert(
      fc.asyncProperty(histories, async ([ops, snapshotEvery]) =>
        withLedger({ snapshotEvery }, async (original) => {
          await runAll(original, toCommands(ops));
          const text = await exportLedger(original.db, EXPORTED_AT);
          await withLedger({ snapshotEvery }, async (copy) => {
            await importLedger(copy.db, text, { snapshotEvery });
            expect(await exportLedger(copy.db, EXPORTED_AT)).toBe(text);
            expect(await verifyProjections(copy.db)).toEqual([]);
            expect(await readSide(copy)).toEqual(await readSide(original));
            for (const [id, head] of await streams(original)) {
              for (let v = 1; v <= head; v++) {
                const [a, b] = await Promise.all([original.loadAccount(id, v), copy.loadAccount(id, v)]);
                expect(serializeState(b.state)).toEqual(serializeState(a.state));
              }
            }
          });
        }),
      ),
      runs(20),
    );
  }, PROPERTY_TIMEOUT);

  it('gives the same verdicts and balances afterwards, whether the ledger was imported or built by its own commands', async () => {
    await fc.assert(
      fc.asyncProperty(histories, opsArbitrary(MAX_OPS), async ([ops, snapshotEvery], later) =>
        withLedger({ snapshotEvery }, async (original) => {
          await runAll(original, toCommands(ops));
          await withLedger({ snapshotEvery }, async (copy) => {
            await importLedger(copy.db, await exportLedger(original.db, EXPORTED_AT), { snapshotEvery });
            const next = toCommands(later).map((c) => ({ ...c, commandId: `later-${c.commandId}` }));
            expect(await verdicts(copy, next)).toEqual(await verdicts(original, next));
            expect(await balances(copy)).toEqual(await balances(original));
            expect(await verifyProjections(copy.db)).toEqual([]);
          });
        }),
      ),
      runs(15),
    );
  }, PROPERTY_TIMEOUT);

  it('shows the ledger at position p as the fold of the log up to the last whole commit there, and at time t as the last position at or before t', async () => {
    await fc.assert(
      fc.asyncProperty(histories, async ([ops, snapshotEvery]) =>
        withLedger({ snapshotEvery }, async (ledger) => {
          await runAll(ledger, toCommands(ops));
          const log = eventsOfExport(await exportLedger(ledger.db, EXPORTED_AT));
          const time = new TimeTravel(ledger);
          for (let p = 0; p <= log.length; p++) {
            const whole = lastWholeCommit(log, p);
            const atPosition = await time.ledgerAtPosition(p);
            expect(atPosition.position).toBe(whole);
            expect(sorted(atPosition.accounts)).toEqual(foldPrefix(log.slice(0, whole)));
          }
          for (const event of log) {
            const lastAtOrBefore = log.filter((e) => e.metadata.at <= event.metadata.at).length;
            expect((await time.ledgerAtTime(event.metadata.at)).position).toBe(lastAtOrBefore);
          }
        }),
      ),
      runs(20),
    );
  }, PROPERTY_TIMEOUT);
});

/** Whether each command took effect, run one after another. */
async function verdicts(ledger: Ledger, commands: LedgerCommand[]): Promise<boolean[]> {
  const done: boolean[] = [];
  for (const command of commands) done.push(await ledger.execute(command).then(() => true, () => false));
  return done;
}

async function balances(ledger: Ledger): Promise<{ accountId: string; status: string; balance: string }[]> {
  const { rows } = await new LedgerQueries(ledger.db).listAccounts({ limit: 1000 });
  return rows.map(({ accountId, status, balance }) => ({ accountId, status, balance }));
}

interface Summary {
  accountId: string;
  ownerName: string;
  currency: string;
  status: 'open' | 'closed';
  balance: string;
}

const sorted = (accounts: Summary[]): Summary[] => [...accounts].sort((a, b) => a.accountId.localeCompare(b.accountId));

/** The test's own fold, in bigint minor units: nothing shared with the ledger's evolve. */
function foldPrefix(events: LogEvent[]): Summary[] {
  const accounts = new Map<string, Summary & { minor: bigint }>();
  for (const { streamId, type, data } of events) {
    const account = accounts.get(streamId);
    if (type === 'AccountOpened') {
      const currency = String(data.currency);
      accounts.set(streamId, { accountId: streamId, ownerName: String(data.ownerName), currency, status: 'open', balance: '', minor: 0n });
    } else if (account && type === 'AccountClosed') {
      account.status = 'closed';
    } else if (account) {
      const minor = BankModel.minorUnits(String(data.amount), account.currency as Currency)!;
      account.minor += type === 'MoneyDeposited' || type === 'TransferReceived' ? minor : -minor;
    }
  }
  return sorted(
    [...accounts.values()].map(({ minor, ...a }) => ({ ...a, balance: BankModel.text(minor, a.currency as Currency) })),
  );
}
