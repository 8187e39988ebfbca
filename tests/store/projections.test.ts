import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/app/ledger';
import { PROJECTION_NAMES, PROJECTION_VERSION } from '../../src/projections/projector';
import { verifyProjections } from '../../src/projections/verify';
import { runMixedHistory, useLedgers } from '../support/store';

const ledgers = useLedgers();

async function mixedLedger(): Promise<Ledger> {
  const ledger = await ledgers.open();
  await runMixedHistory(ledger);
  return ledger;
}

const readModels = async (ledger: Ledger) => ({
  accounts: await ledger.db.accounts.toArray(),
  history: await ledger.db.history.toArray(),
});

/** Changes the first field of a row that is not part of its key, whatever shape the row has. */
function spoil<T extends object>(row: T, keys: string[]): T {
  const [field, value] = Object.entries(row).find(([name]) => !keys.includes(name))!;
  const wrong = typeof value === 'number' ? value + 1 : Array.isArray(value) ? value.slice(1) : `${String(value)}9`;
  return { ...row, [field]: wrong };
}

/** Rewrites bob's first history page into something no replay produces. */
async function forgeBobsPage(ledger: Ledger) {
  const forged = spoil((await ledger.db.history.get(['bob', 0]))!, ['accountId', 'page']);
  await ledger.db.history.put(forged);
  return forged;
}

/** Tampers with the read models in three ways at once: a wrong balance, a wrong history page, a lost row. */
async function damage(ledger: Ledger): Promise<void> {
  await ledger.db.accounts.update('alice', { balance: '1000000.00' });
  await forgeBobsPage(ledger);
  await ledger.db.accounts.delete('carol');
}

describe('the read models', () => {
  it('equal a fresh replay of the log after a mixed history', async () => {
    const ledger = await mixedLedger();

    expect(await verifyProjections(ledger.db)).toEqual([]);
    expect((await ledger.db.accounts.toArray()).map((r) => [r.accountId, r.status, r.balance])).toEqual([
      ['alice', 'open', '57.67'],
      ['bob', 'open', '50.00'],
      ['carol', 'closed', '0.00'],
    ]);
  });

  it('carry checkpoints at the log\'s last position, after commands and after a rebuild', async () => {
    const ledger = await mixedLedger();
    const inline = async () => (await ledger.db.checkpoints.bulkGet([...PROJECTION_NAMES])).map((c) => [c?.position, c?.version]);
    const atTheEnd = PROJECTION_NAMES.map(() => [14, PROJECTION_VERSION]);
    expect((await ledger.store.meta()).position).toBe(14);

    expect(await inline()).toEqual(atTheEnd);
    await ledger.projector.rebuild();
    expect(await inline()).toEqual(atTheEnd);
    expect(await ledger.projector.isCurrent()).toBe(true);
  });
});

describe('the verifier', () => {
  it('reports a tampered account row with its projection, key and both values', async () => {
    const ledger = await mixedLedger();
    const honest = await ledger.db.accounts.get('alice');
    await ledger.db.accounts.update('alice', { balance: '1000000.00' });

    expect(await verifyProjections(ledger.db)).toEqual([
      { projection: 'accounts', key: 'alice', stored: { ...honest, balance: '1000000.00' }, replayed: honest },
    ]);
  });

  it('reports a tampered history page by account and page number', async () => {
    const ledger = await mixedLedger();
    const honest = await ledger.db.history.get(['bob', 0]);
    const forged = await forgeBobsPage(ledger);

    expect(await verifyProjections(ledger.db)).toEqual([{ projection: 'history', key: 'bob#0', stored: forged, replayed: honest }]);
  });

  it('reports a missing row and a row no event produced', async () => {
    const ledger = await mixedLedger();
    const carol = await ledger.db.accounts.get('carol');
    await ledger.db.accounts.delete('carol');
    const ghost = { ...carol!, accountId: 'ghost' };
    await ledger.db.accounts.put(ghost);

    const differences = await verifyProjections(ledger.db);
    expect(differences).toHaveLength(2);
    expect(differences).toContainEqual({ projection: 'accounts', key: 'ghost', stored: ghost, replayed: undefined });
    expect(differences).toContainEqual({ projection: 'accounts', key: 'carol', stored: undefined, replayed: carol });
  });
});

describe('rebuilding', () => {
  it('drops and replays the read models, repairing every difference', async () => {
    const ledger = await mixedLedger();
    const honest = await readModels(ledger);
    await damage(ledger);
    expect(await verifyProjections(ledger.db)).toHaveLength(3);

    await expect(ledger.projector.rebuild()).resolves.toEqual({ events: 14 });

    expect(await verifyProjections(ledger.db)).toEqual([]);
    expect(await readModels(ledger)).toEqual(honest);
  });

  it.each<[string, (ledger: Ledger) => Promise<unknown>]>([
    ['no checkpoints', (ledger) => ledger.db.checkpoints.clear()],
    ['checkpoints behind the log', (ledger) => ledger.db.checkpoints.toCollection().modify((c) => void (c.position -= 1))],
    ['one checkpoint missing', (ledger) => ledger.db.checkpoints.delete('history')],
    ['checkpoints of an older projection version', (ledger) => ledger.db.checkpoints.toCollection().modify((c) => void (c.version -= 1))],
  ])('happens when a ledger opens with %s', async (_case, rewind) => {
    const ledger = await mixedLedger();
    const honest = await readModels(ledger);
    await damage(ledger);
    await rewind(ledger);
    ledger.close();

    const reopened = await ledgers.open({ name: ledger.db.name });

    expect(await readModels(reopened)).toEqual(honest);
    expect(await verifyProjections(reopened.db)).toEqual([]);
    expect(await reopened.projector.isCurrent()).toBe(true);
  });

  it('does not happen when a ledger opens with current checkpoints', async () => {
    const ledger = await mixedLedger();
    await ledger.projector.rebuild();
    await damage(ledger);
    ledger.close();

    const reopened = await ledgers.open({ name: ledger.db.name });

    // The damage survives: opening trusted the checkpoints instead of replaying the log.
    expect(await verifyProjections(reopened.db)).toHaveLength(3);
  });
});
