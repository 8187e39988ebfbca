import { describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/app/ledger';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { SNAPSHOT_PACK, SNAPSHOT_SCHEMA_VERSION } from '../../src/store/snapshots';
import { deposit, open, transfer, withdraw } from '../support/ledger';
import { replayPrefix, stateView, useLedgers } from '../support/store';

const ledgers = useLedgers();

const snapshotVersions = async (ledger: Ledger, streamId: string) =>
  (await ledger.db.snapshots.where('[streamId+version]').between([streamId, 0], [streamId, Infinity]).toArray()).map(
    (s) => s.version,
  );

/** Account a with `deposits` deposits of 1..n euros after a plain opening: version deposits + 1. */
async function accountWithDeposits(ledger: Ledger, deposits: number): Promise<void> {
  await ledger.execute(open('a', 'Ada', 'EUR'));
  for (let i = 1; i <= deposits; i++) await ledger.execute(deposit('a', `${i}`));
}

describe('automatic snapshots', () => {
  it('are taken each time a stream reaches a multiple of snapshotEvery, holding the state at that version', async () => {
    const ledger = await ledgers.open({ snapshotEvery: 3 });
    await ledger.execute(open('a', 'Ada', 'EUR'));
    const seen: number[][] = [];
    for (let i = 1; i <= 7; i++) {
      await ledger.execute(deposit('a', `${i}`));
      seen.push(await snapshotVersions(ledger, 'a'));
    }

    expect(seen).toEqual([[], [3], [3], [3], [3, 6], [3, 6], [3, 6]]);
    const stream = await ledger.store.readStream('a');
    for (const snapshot of await ledger.db.snapshots.toArray()) {
      const event = stream[snapshot.version - 1]!;
      expect(snapshot).toMatchObject({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, position: event.position, at: event.metadata.at });
      const loaded = await ledger.snapshots.latest('a', snapshot.version);
      expect(stateView(loaded!.state)).toEqual(await replayPrefix(ledger, 'a', snapshot.version));
    }
  });

  it('is taken at the end of an opening with an initial deposit that lands on a multiple', async () => {
    const ledger = await ledgers.open({ snapshotEvery: 2 });

    await ledger.execute(open('a', 'Ada', 'EUR', '10'));

    expect(await snapshotVersions(ledger, 'a')).toEqual([2]);
    expect(stateView((await ledger.snapshots.latest('a'))!.state)).toMatchObject({ balance: '10' });
  });

  it('is taken once, at the append\'s last version, when one append passes several multiples', async () => {
    const ledger = await ledgers.open({ snapshotEvery: 1 });

    await ledger.execute(open('a', 'Ada', 'EUR', '10'));

    expect(await snapshotVersions(ledger, 'a')).toEqual([2]);
  });

  it('is taken only for the stream of a transfer whose version reached the multiple', async () => {
    const ledger = await ledgers.open({ snapshotEvery: 3 });
    await ledger.execute(open('a', 'Ada', 'EUR', '10'));
    await ledger.execute(open('b', 'Bob', 'EUR'));

    await ledger.execute(transfer('a', 'b', '4'));

    expect(await snapshotVersions(ledger, 'a')).toEqual([3]);
    expect(await snapshotVersions(ledger, 'b')).toEqual([]);
  });
});

describe('loading an account', () => {
  it('gives at every version exactly the state a full replay of the stream gives', async () => {
    const ledger = await ledgers.open({ snapshotEvery: 3 });
    await ledger.execute(open('a', 'Ada', 'EUR', '100'));
    await ledger.execute(open('b', 'Bob', 'EUR'));
    for (const command of [withdraw('a', '0.01'), transfer('a', 'b', '20'), deposit('a', '3.33'), transfer('b', 'a', '5')]) {
      await ledger.execute(command);
    }
    for (let i = 0; i < 5; i++) await ledger.execute(deposit('a', '0.10'));
    const { version } = await ledger.loadAccount('a');
    expect(version).toBe(11);
    expect(await snapshotVersions(ledger, 'a')).toEqual([3, 6, 9]);

    for (let v = 0; v <= version; v++) {
      const loaded = await ledger.loadAccount('a', v);
      expect(loaded.version).toBe(v);
      expect(stateView(loaded.state)).toEqual(await replayPrefix(ledger, 'a', v));
    }
  });

  it('starts from a snapshot of the current schema: it trusts what the snapshot says', async () => {
    const ledger = await ledgers.open({ snapshotEvery: 3 });
    await accountWithDeposits(ledger, 4);
    const snapshot = (await ledger.db.snapshots.get(['a', 3]))!;
    await ledger.db.snapshots.put({ ...snapshot, state: { ...(snapshot.state as object), balance: '1000' } });

    // Only a load that starts from the snapshot can see its balance: 1000 + the deposits of 3 and 4 after it.
    expect(stateView((await ledger.loadAccount('a')).state)).toMatchObject({ balance: '1007' });
  });

  const untrusted: [string, (good: Record<string, unknown>) => { schemaVersion: number; state: unknown }][] = [
    ['an older schema version', (good) => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION - 1, state: good })],
    ['a newer schema version', (good) => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION + 1, state: good })],
    ['no state', () => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: null })],
    ['a state that is not an object', () => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: 'garbage' })],
    ['an unknown status', (good) => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: { ...good, status: 'frozen' } })],
    ['another account\'s id', (good) => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: { ...good, accountId: 'b' } })],
    ['an unknown currency', (good) => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: { ...good, currency: 'XXX' } })],
    ['a balance that is not a decimal', (good) => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: { ...good, balance: '1e3' } })],
    ['a balance stored as a number', (good) => ({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, state: { ...good, balance: 0 } })],
  ];

  it.each(untrusted)('ignores a snapshot with %s and still decides on the right balance', async (_case, spoil) => {
    const ledger = await ledgers.open({ snapshotEvery: 3 });
    await accountWithDeposits(ledger, 7);
    const head = await ledger.store.readStream('a', 8, 8);
    const good = { status: 'open', accountId: 'a', ownerName: 'Ada', currency: 'EUR', balance: '0' };
    await ledger.db.snapshots.put({ streamId: 'a', version: 8, position: head[0]!.position, at: head[0]!.metadata.at, ...spoil(good) });

    expect(stateView((await ledger.loadAccount('a')).state)).toEqual(await replayPrefix(ledger, 'a', 8));
    // Were the zero balance trusted, withdrawing the real balance (1+2+…+7 = 28) would be refused.
    await expect(ledger.execute(withdraw('a', '28'))).resolves.toMatchObject({ duplicate: false });
  });
});

describe('a snapshot on demand', () => {
  it('saves the current state at the current version, with its position and time', async () => {
    const ledger = await ledgers.open();
    await accountWithDeposits(ledger, 3);
    expect(await snapshotVersions(ledger, 'a')).toEqual([]);

    await ledger.snapshot('a');

    const [last] = await ledger.store.readStream('a', 4, 4);
    expect(await ledger.db.snapshots.get(['a', 4])).toMatchObject({ position: last!.position, at: last!.metadata.at });
    expect(stateView((await ledger.snapshots.latest('a'))!.state)).toEqual(await replayPrefix(ledger, 'a', 4));
  });

  it('replaces an outdated snapshot at the same version', async () => {
    const ledger = await ledgers.open();
    await accountWithDeposits(ledger, 2);
    await ledger.db.snapshots.put({ streamId: 'a', version: 3, position: 3, at: '', schemaVersion: 0, state: null });

    await ledger.snapshot('a');

    expect(await ledger.db.snapshots.get(['a', 3])).toMatchObject({ schemaVersion: SNAPSHOT_SCHEMA_VERSION });
    expect(stateView((await ledger.snapshots.latest('a'))!.state)).toMatchObject({ balance: '3' });
  });

  it('writes nothing for an account that does not exist', async () => {
    const ledger = await ledgers.open();

    await ledger.snapshot('nobody');

    expect(await ledger.db.snapshots.count()).toBe(0);
  });
});

/** A ledger imported from one of account a with `deposits` deposits, taking a snapshot each `every` versions. */
async function importedWithDeposits(deposits: number, every: number): Promise<Ledger> {
  const source = await ledgers.open({ snapshotEvery: 0 });
  await accountWithDeposits(source, deposits);
  const copy = await ledgers.open();
  await importLedger(copy.db, await exportLedger(source.db, new Date('2026-12-01T00:00:00.000Z')), { snapshotEvery: every });
  return copy;
}

describe('snapshots an import writes', () => {
  it('are packed per stream, and any version or time finds the newest one at or before it', async () => {
    const copy = await importedWithDeposits(80, 2);
    const stream = await copy.store.readStream('a');

    const records = await copy.db.snapshots.toArray();
    // 40 snapshots (versions 2, 4 … 80) in packs of SNAPSHOT_PACK, keyed by each pack's first version.
    expect(records.map((r) => [r.version, 1 + (r.later?.length ?? 0)])).toEqual([
      [2, SNAPSHOT_PACK],
      [2 + 2 * SNAPSHOT_PACK, 40 - SNAPSHOT_PACK],
    ]);
    for (let version = 1; version <= 81; version++) {
      const found = await copy.snapshots.latest('a', version);
      const expected = version < 2 ? null : version - (version % 2);
      expect(found?.version ?? null).toBe(expected);
      if (found) expect(stateView(found.state)).toEqual(await replayPrefix(copy, 'a', found.version));
    }
    const at = stream[50 - 1]!.metadata.at;
    expect((await copy.snapshots.latest('a', Number.MAX_SAFE_INTEGER, at))?.version).toBe(50);
  });

  it('skip a damaged snapshot inside a pack for the one before it', async () => {
    const copy = await importedWithDeposits(9, 3);
    const [pack] = await copy.db.snapshots.toArray();
    expect(pack!.later!.map((s) => s.version)).toEqual([6, 9]);
    await copy.db.snapshots.put({ ...pack!, later: [pack!.later![0]!, { ...pack!.later![1]!, state: { balance: 'lots' } }] });

    const found = await copy.snapshots.latest('a');

    expect(found?.version).toBe(6);
    expect(stateView((await copy.loadAccount('a')).state)).toEqual(await replayPrefix(copy, 'a', 10));
  });

  it('read a pack whose list of later snapshots is damaged as its first snapshot alone', async () => {
    const copy = await importedWithDeposits(9, 3);
    const [pack] = await copy.db.snapshots.toArray();
    await copy.db.snapshots.put({ ...pack!, later: null as unknown as [] });

    expect((await copy.snapshots.latest('a'))?.version).toBe(3);
    expect(stateView((await copy.loadAccount('a')).state)).toEqual(await replayPrefix(copy, 'a', 10));
  });
});
