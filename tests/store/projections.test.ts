import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/app/ledger';
import { PROJECTION_VERSION } from '../../src/projections/projector';
import type { FoldSegment, LogMeta } from '../../src/store/db';
import { foldableSegment, segmentRows } from '../../src/store/fold-segments';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { deposit, transfer } from '../support/ledger';
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

  it('are recorded in the log\'s head as reaching its last position, after commands and after a rebuild', async () => {
    const ledger = await mixedLedger();
    const atTheEnd = { position: 14, version: PROJECTION_VERSION };
    expect((await ledger.store.meta()).position).toBe(14);

    // Commands write no fold segments; a rebuild writes them for the whole log.
    expect((await ledger.store.meta()).projections).toEqual({ ...atTheEnd, segmentsThrough: 0 });
    await ledger.projector.rebuild();
    expect((await ledger.store.meta()).projections).toEqual({ ...atTheEnd, segmentsThrough: 14 });
    expect((await ledger.db.folds.toArray()).flatMap((s) => segmentRows(s).streamIds)).toHaveLength(14);
    expect(await ledger.projector.isCurrent()).toBe(true);
  });

  it('fall behind when events are appended without them, stay behind through later commands, and are rebuilt on the next open', async () => {
    const ledger = await mixedLedger();
    const [event] = await ledger.store.readStream('bob', 1, 1);
    const version = await ledger.store.streamVersion('bob');
    await ledger.store.append(
      [{ streamId: 'bob', expectedVersion: version, events: [{ event: { type: 'MoneyDeposited', data: { accountId: 'bob', amount: '1.00', description: 'bare' } }, metadata: { eventId: 'bare-1', commandId: 'bare-1' } }] }],
      event!.metadata.at,
    );

    expect(await ledger.projector.isCurrent()).toBe(false);
    await ledger.execute(deposit('alice', '1.00'));
    expect(await ledger.projector.isCurrent()).toBe(false);
    ledger.close();
    const reopened = await ledgers.open({ name: ledger.db.name });
    expect((await reopened.db.accounts.get('bob'))?.balance).toBe('51.00');
    expect((await reopened.db.accounts.get('alice'))?.balance).toBe('58.67');
    expect(await verifyProjections(reopened.db)).toEqual([]);
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
  it('folds the fold segments a rebuild wrote, then the events appended after them, as a replay of the events does', async () => {
    const ledger = await mixedLedger();
    await ledger.projector.rebuild();
    await ledger.execute(deposit('bob', '2.50'));
    const honest = await readModels(ledger);
    await damage(ledger);

    await expect(ledger.projector.rebuild()).resolves.toEqual({ events: 15 });

    expect(await readModels(ledger)).toEqual(honest);
    expect((await ledger.db.folds.toArray()).map((s) => [s.start, s.versions.length])).toEqual([
      [1, 14],
      [15, 1],
    ]);
    // The verifier replays the events themselves, not the segments.
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  it('folds an imported log from its position-ordered fold segments, then the records appended after it', async () => {
    const source = await mixedLedger();
    const copy = await ledgers.open();
    await importLedger(copy.db, await exportLedger(source.db));
    expect((await copy.db.folds.toArray()).flatMap((s) => segmentRows(s).streamIds)).toHaveLength(14);
    await copy.execute(deposit('bob', '2.50'));
    await copy.execute(transfer('bob', 'alice', '1.25'));
    const honest = await readModels(copy);
    await damage(copy);

    await expect(copy.projector.rebuild()).resolves.toEqual({ events: 17 });

    expect(await readModels(copy)).toEqual(honest);
    expect(await verifyProjections(copy.db)).toEqual([]);
  });

  it.each<[string, (segments: FoldSegment[]) => FoldSegment[]]>([
    ['a missing segment', (segments) => segments.slice(1)],
    ['a segment of an unknown format', (segments) => segments.map((s, i) => (i === 0 ? { ...s, version: 99 } : s))],
    [
      'the array columns an older release wrote',
      (segments) => segments.map((s) => ({ ...s, version: 1, ...segmentRows(s) }) as unknown as FoldSegment),
    ],
    ['an event type this app does not know', (segments) => segments.map((s, i) => (i === 0 ? { ...s, kinds: `?${s.kinds.slice(1)}` } : s))],
  ])('folds an imported log from its events when its fold segments have %s', async (_case, spoil) => {
    const source = await mixedLedger();
    const copy = await ledgers.open();
    await importLedger(copy.db, await exportLedger(source.db));
    const honest = await readModels(copy);
    const segments = spoil(await copy.db.folds.toArray());
    await copy.db.folds.clear();
    await copy.db.folds.bulkAdd(segments);
    await damage(copy);

    await copy.projector.rebuild();

    expect(await readModels(copy)).toEqual(honest);
    expect(await verifyProjections(copy.db)).toEqual([]);
    // Written anew from the events, whole and in this app's format.
    const rewritten = await copy.db.folds.toArray();
    expect(rewritten.every(foldableSegment)).toBe(true);
    expect(rewritten.flatMap((s) => segmentRows(s).streamIds)).toHaveLength(14);
  });

  it('drops and replays the read models, repairing every difference', async () => {
    const ledger = await mixedLedger();
    const honest = await readModels(ledger);
    await damage(ledger);
    expect(await verifyProjections(ledger.db)).toHaveLength(3);

    await expect(ledger.projector.rebuild()).resolves.toEqual({ events: 14 });

    expect(await verifyProjections(ledger.db)).toEqual([]);
    expect(await readModels(ledger)).toEqual(honest);
  });

  const head = (change: (meta: LogMeta) => void) => (ledger: Ledger) => ledger.db.meta.toCollection().modify(change);
  it.each<[string, (ledger: Ledger) => Promise<unknown>]>([
    ['no projection checkpoint', head((meta) => void delete meta.projections)],
    ['read models behind the log', head((meta) => void (meta.projections!.position -= 1))],
    ['read models of an older projection version', head((meta) => void (meta.projections!.version -= 1))],
    ['fold segments said to reach past the log', head((meta) => void (meta.projections!.segmentsThrough = meta.position + 1))],
  ])('happens when a ledger opens with %s', async (_case, rewind) => {
    const ledger = await mixedLedger();
    await ledger.projector.rebuild();
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
