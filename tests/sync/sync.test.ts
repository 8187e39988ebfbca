import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import type { Ledger } from '../../src/app/ledger';
import { LedgerQueries } from '../../src/app/queries';
import { Sync, type SyncRound } from '../../src/app/sync';
import { verifyProjections } from '../../src/projections/verify';
import { deleteLedger, deposit, open, openLedger, transfer, withdraw } from '../support/ledger';
import { TOKEN, startServer, type TestServer } from '../server/support';

/**
 * Sync between browser ledgers (IndexedDB through fake-indexeddb) and the real server (real HTTP, embedded
 * PostgreSQL): devices act offline, sync in any order, and end with the server's log, nothing lost or doubled.
 */

let server: TestServer;
const devices: Ledger[] = [];

async function device(options: { snapshotEvery?: number; timelineEvery?: number; pageSize?: number } = {}): Promise<{ ledger: Ledger; sync: Sync }> {
  const { pageSize, ...ledgerOptions } = options;
  const ledger = await openLedger(ledgerOptions);
  devices.push(ledger);
  return { ledger, sync: new Sync(ledger, pageSize) };
}

/** Turns sync on for a device and runs its first round, as the app's sync loop does at once. */
async function turnOn(d: { sync: Sync }): Promise<SyncRound> {
  await d.sync.turnOn(server.base, TOKEN);
  return d.sync.syncOnce();
}

/** The log as an export writes it, without the time of the export. */
const logOf = async (ledger: Ledger) => JSON.parse(await exportLedger(ledger.db, new Date(0))) as { events: { position: number; metadata: { commandId: string } }[] };

async function balances(ledger: Ledger): Promise<Record<string, string>> {
  const { rows } = await new LedgerQueries(ledger.db).listAccounts({ offset: 0, limit: 100 });
  return Object.fromEntries(rows.map((row) => [row.accountId, row.balance]));
}

/** Both devices hold the server's log exactly, and read models that match it. */
/** Runs `work` with a second, empty server, closed afterwards. */
async function withOtherServer(work: (other: TestServer) => Promise<void>): Promise<void> {
  const other = await startServer();
  try {
    await work(other);
  } finally {
    await other.close();
  }
}

async function expectSameLedgers(a: Ledger, b: Ledger): Promise<void> {
  const [logA, logB] = [await logOf(a), await logOf(b)];
  expect(logA).toEqual(logB);
  const { body } = await server.api('GET', '/api/v1/events?after=0&limit=10000');
  expect(logA.events).toEqual(body.data.events);
  expect(await balances(a)).toEqual(await balances(b));
  expect(await verifyProjections(a.db)).toEqual([]);
  expect(await verifyProjections(b.db)).toEqual([]);
}

beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(devices.splice(0).map(deleteLedger));
  await server.close();
});

describe('sync between devices and the server', () => {
  it('brings a second device the first one’s ledger, position for position', async () => {
    const a = await device();
    expect(await turnOn(a)).toEqual({ pushed: 0, pulled: 0, refused: [] });
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.ledger.execute(open('bob', 'Bob Bemer', 'EUR'));
    await a.ledger.execute(transfer('ada', 'bob', '30.00'));
    expect(await a.sync.pending()).toHaveLength(3);

    expect(await a.sync.syncOnce()).toMatchObject({ pushed: 3, pulled: 5, refused: [] });
    expect(await a.sync.pending()).toEqual([]);
    const b = await device();
    expect(await turnOn(b)).toMatchObject({ pushed: 0, pulled: 5 });

    await expectSameLedgers(a.ledger, b.ledger);
    expect(await balances(b.ledger)).toEqual({ ada: '70.00', bob: '30.00' });
  });

  it('merges what two devices did offline: both synced, both hold the same ledger, every command once', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    const b = await device();
    await turnOn(b);

    // Offline: each acts on its own copy.
    await a.ledger.execute(deposit('ada', '5.00', 'from A'));
    await a.ledger.execute(open('cy', 'Cy Young', 'EUR', '1.00'));
    await b.ledger.execute(withdraw('ada', '20.00'));
    await b.ledger.execute(open('dee', 'Dee Dee', 'USD', '9.99'));

    await b.sync.syncOnce();
    await a.sync.syncOnce();
    await b.sync.syncOnce();

    await expectSameLedgers(a.ledger, b.ledger);
    expect(await balances(a.ledger)).toEqual({ ada: '85.00', cy: '1.00', dee: '9.99' });
    // Five commands, three of them openings with a first deposit (two events under one id): each in the log once.
    const ids = (await logOf(a.ledger)).events.map((e) => e.metadata.commandId);
    expect([ids.length, new Set(ids).size]).toEqual([8, 5]);
  });

  it('refuses on sync the withdrawal that two devices made offline and that would overdraw, and shows it', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    const b = await device();
    await turnOn(b);

    await a.ledger.execute(withdraw('ada', '80.00'));
    const late = withdraw('ada', '50.00');
    await b.ledger.execute(late);
    expect(await balances(b.ledger)).toEqual({ ada: '50.00' });

    await a.sync.syncOnce();
    const round = await b.sync.syncOnce();

    expect(round.pushed).toBe(0);
    expect(round.refused).toEqual([
      expect.objectContaining({ commandId: late.commandId, code: 'INSUFFICIENT_FUNDS', command: { type: 'Withdraw', data: { accountId: 'ada', amount: '50.00', description: '' } } }),
    ]);
    // The server names the amounts, for the screen to show in the person's money format.
    expect(round.refused[0]!.amounts).toEqual([
      { text: '20.00 EUR', amount: '20.00', currency: 'EUR' },
      { text: '50.00 EUR', amount: '50.00', currency: 'EUR' },
    ]);
    expect((await b.sync.state())!.refused).toHaveLength(1);
    expect(await balances(b.ledger)).toEqual({ ada: '20.00' });
    await expectSameLedgers(a.ledger, b.ledger);

    await b.sync.dismiss(late.commandId);
    expect((await b.sync.state())!.refused).toEqual([]);
  });

  it('decides a command run during a round again on top of the server’s log, and refuses it there if it no longer holds', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    const b = await device();
    await turnOn(b);
    await a.ledger.execute(withdraw('ada', '90.00'));
    await a.sync.syncOnce();

    // While B pulls, it runs two commands of its own: one still holds on the server's log, one does not.
    const small = deposit('ada', '1.00', 'during the pull');
    const big = withdraw('ada', '60.00');
    const realFetch = globalThis.fetch;
    let ran = false;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (!ran && String(input).includes('/api/v1/events')) {
        ran = true;
        await b.ledger.execute(small);
        await b.ledger.execute(big);
      }
      return realFetch(input, init);
    });
    const round = await b.sync.syncOnce();

    expect(round.refused).toEqual([expect.objectContaining({ commandId: big.commandId, code: 'INSUFFICIENT_FUNDS' })]);
    expect(await balances(b.ledger)).toEqual({ ada: '11.00' });
    expect((await b.sync.pending()).map((p) => p.command.commandId)).toEqual([small.commandId]);
    vi.restoreAllMocks();
    await b.sync.syncOnce();
    await a.sync.syncOnce();
    await expectSameLedgers(a.ledger, b.ledger);
  });

  it('keeps everything when the server cannot be reached mid-push, and takes each command once when it can', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.ledger.execute(deposit('ada', '1.00'));
    await a.ledger.execute(deposit('ada', '2.00'));
    const before = await exportLedger(a.ledger.db, new Date(0));

    // The second push reaches the server, but its answer is lost; the third cannot be sent.
    const realFetch = globalThis.fetch;
    let calls = 0;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      calls++;
      if (calls === 2) {
        await realFetch(input, init);
        throw new TypeError('network connection lost');
      }
      if (calls > 2) throw new TypeError('Failed to fetch');
      return realFetch(input, init);
    });
    await expect(a.sync.syncOnce()).rejects.toMatchObject({ code: 'SYNC_UNREACHABLE' });
    expect(await exportLedger(a.ledger.db, new Date(0))).toBe(before);
    expect(await a.sync.pending()).toHaveLength(3);

    vi.restoreAllMocks();
    expect(await a.sync.syncOnce()).toMatchObject({ pushed: 3, refused: [] });
    expect(await balances(a.ledger)).toEqual({ ada: '103.00' });
    const { body } = await server.api('GET', '/api/v1/accounts/ada');
    expect(body.data.balance).toBe('103.00');
  });

  it('resumes a pull that the network broke off where it stopped, and ends with the whole log', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    const b = await device({ snapshotEvery: 10 });
    await turnOn(b);
    for (let i = 0; i < 30; i++) await a.ledger.execute(deposit('ada', '1.00'));
    await a.sync.syncOnce();

    const realFetch = globalThis.fetch;
    let pages = 0;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      // Pages of 10 events: the second never arrives.
      const url = String(input).replace(/limit=10000$/, 'limit=10');
      if (url.endsWith('limit=10') && ++pages === 2) throw new TypeError('network connection lost');
      return realFetch(url, init);
    });
    await expect(b.sync.syncOnce()).rejects.toMatchObject({ code: 'SYNC_UNREACHABLE' });
    // The first page is kept (less its last commit, asked for again with the next page), folded and counted as synced.
    expect((await b.ledger.store.meta()).position).toBe(11);
    expect((await b.sync.state())!.syncedPosition).toBe(11);
    expect(await balances(b.ledger)).toEqual({ ada: '109.00' });
    expect(await verifyProjections(b.ledger.db)).toEqual([]);

    expect(await b.sync.syncOnce()).toMatchObject({ pulled: 21 });
    vi.restoreAllMocks();
    await expectSameLedgers(a.ledger, b.ledger);
    // Pulled events are snapshotted as commands' are: a load starts near the stream's end.
    const snapshots = await b.ledger.db.snapshots.toArray();
    expect(snapshots.map((s) => [s.streamId, s.version])).toEqual([['ada', 11], ['ada', 20], ['ada', 32]]);
    expect(await b.ledger.loadAccount('ada')).toMatchObject({ version: 32, state: { status: 'open' } });
  });

  it('makes a ledger made before sync the empty server’s first log, and a second device gets it', async () => {
    const a = await device();
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.ledger.execute(open('bob', 'Bob Bemer', 'EUR'));
    await a.ledger.execute(transfer('ada', 'bob', '30.00'));

    expect(await a.sync.turnOn(server.base, TOKEN)).toEqual({ uploaded: 5, pending: 0 });
    expect((await a.sync.state())!.syncedPosition).toBe(5);
    const b = await device();
    await turnOn(b);
    await expectSameLedgers(a.ledger, b.ledger);
  });

  it.each([1, 2, 3])('pulls whole commits when a page of %i events ends inside a transfer or an opening with its deposit', async (pageSize) => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.ledger.execute(open('bob', 'Bob Bemer', 'EUR', '1.00'));
    await a.ledger.execute(transfer('ada', 'bob', '30.00'));
    await a.ledger.execute(transfer('bob', 'ada', '5.00'));
    await a.sync.syncOnce();

    const b = await device({ pageSize });
    expect(await turnOn(b)).toMatchObject({ pulled: 8, refused: [] });
    await expectSameLedgers(a.ledger, b.ledger);
    expect(await balances(b.ledger)).toEqual({ ada: '75.00', bob: '26.00' });
    // Later pulls go on from a whole commit too.
    await a.ledger.execute(transfer('ada', 'bob', '1.00'));
    await a.sync.syncOnce();
    expect(await b.sync.syncOnce()).toMatchObject({ pulled: 2 });
    await expectSameLedgers(a.ledger, b.ledger);
  });

  it('refuses to join a non-empty server with a ledger of its own, changing nothing on either', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    const b = await device();
    await b.ledger.execute(open('zed', 'Zed', 'EUR', '5.00'));
    const before = await exportLedger(b.ledger.db, new Date(0));

    await expect(b.sync.turnOn(server.base, TOKEN)).rejects.toMatchObject({ code: 'SYNC_SERVER_NOT_EMPTY', message: expect.stringContaining('The server already holds a ledger of 2 events') });
    expect(await exportLedger(b.ledger.db, new Date(0))).toBe(before);
    expect(await b.sync.state()).toBeUndefined();
    const { body } = await server.api('GET', '/api/v1/events?after=0&limit=100');
    expect(body.data.head).toBe(2);
  });

  it('takes a ledger that synced before back when sync is turned on again: what both hold is synced, what this device did since is pending', async () => {
    const a = await device();
    const b = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    await turnOn(b);

    await a.sync.turnOff();
    await a.ledger.execute(deposit('ada', '5.00', 'while sync was off'));
    await b.ledger.execute(withdraw('ada', '10.00'));
    await b.sync.syncOnce();

    expect(await a.sync.turnOn(server.base, TOKEN)).toEqual({ uploaded: 0, pending: 1 });
    expect((await a.sync.state())!.syncedPosition).toBe(2);
    expect(await a.sync.pending()).toHaveLength(1);
    expect(await a.sync.syncOnce()).toMatchObject({ pushed: 1, pulled: 2, refused: [] });
    await b.sync.syncOnce();
    await expectSameLedgers(a.ledger, b.ledger);
    expect(await balances(a.ledger)).toEqual({ ada: '95.00' });
  });

  it('notices a server that no longer holds the synced ledger, sends it nothing, and can then make it the server’s first log', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    await a.ledger.execute(deposit('ada', '1.00'));
    const before = await exportLedger(a.ledger.db, new Date(0));

    // The server at the address is replaced by an empty one (reset, or another server).
    await withOtherServer(async (other) => {
      const head = await a.ledger.store.meta();
      await a.ledger.db.meta.put({ ...head, sync: { ...head.sync!, server: other.base } });
      await expect(a.sync.syncOnce()).rejects.toMatchObject({ code: 'SYNC_SERVER_CHANGED', message: expect.stringContaining('no longer holds the ledger this browser synced with') });
      expect(await exportLedger(a.ledger.db, new Date(0))).toBe(before);
      expect((await other.api('GET', '/api/v1/events?after=0&limit=10')).body.data.head).toBe(0);

      await a.sync.turnOff();
      expect(await a.sync.turnOn(other.base, TOKEN)).toEqual({ uploaded: 3, pending: 0 });
      expect(await a.sync.syncOnce()).toMatchObject({ pushed: 0, pulled: 0 });
      expect((await other.api('GET', '/api/v1/accounts/ada')).body.data.balance).toBe('101.00');
    });
  });

  it('syncs a ledger that came from an imported file: it becomes the server’s, and later rounds go on from its end', async () => {
    const source = await device();
    await source.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await source.ledger.execute(open('bob', 'Bob Bemer', 'EUR', '3.00'));
    for (let i = 0; i < 20; i++) await source.ledger.execute(transfer(i % 2 ? 'bob' : 'ada', i % 2 ? 'ada' : 'bob', '1.00'));
    const a = await device();
    await importLedger(a.ledger.db, await exportLedger(source.ledger.db));

    expect(await a.sync.turnOn(server.base, TOKEN)).toEqual({ uploaded: 44, pending: 0 });
    expect(await a.sync.syncOnce()).toMatchObject({ pushed: 0, pulled: 0 });
    await a.ledger.execute(deposit('ada', '1.00'));
    expect(await a.sync.syncOnce()).toMatchObject({ pushed: 1, pulled: 1, refused: [] });
    const b = await device();
    await turnOn(b);
    await expectSameLedgers(a.ledger, b.ledger);
    expect(await balances(b.ledger)).toEqual({ ada: '101.00', bob: '3.00' });
  });

  it('refuses to rejoin when what this browser holds after the shared start came from an imported file, changing nothing', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    await a.sync.turnOff();
    await a.ledger.execute(deposit('ada', '5.00', 'after sync was turned off'));
    // B restores A's export, whose last event the server never had.
    const b = await device();
    await importLedger(b.ledger.db, await exportLedger(a.ledger.db));
    const before = await exportLedger(b.ledger.db, new Date(0));

    await expect(b.sync.turnOn(server.base, TOKEN)).rejects.toMatchObject({ code: 'SYNC_SERVER_NOT_EMPTY', message: expect.stringContaining('came from an imported file') });
    expect(await exportLedger(b.ledger.db, new Date(0))).toBe(before);
    expect(await b.sync.state()).toBeUndefined();
    expect((await server.api('GET', '/api/v1/events?after=0&limit=10')).body.data.head).toBe(2);
  });

  it('refuses to rejoin with a ledger imported from an export edited by hand, whose event ids match but whose words do not', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.ledger.execute(deposit('ada', '5.00', 'rent'));
    await a.ledger.execute(deposit('ada', '6.00', 'gift'));
    await a.sync.syncOnce();
    const edited = (await exportLedger(a.ledger.db)).replace('"description":"rent"', '"description":"bonus"');
    const b = await device();
    await importLedger(b.ledger.db, edited);

    await expect(b.sync.turnOn(server.base, TOKEN)).rejects.toMatchObject({ code: 'SYNC_SERVER_NOT_EMPTY', message: expect.stringContaining('share their first 2 events') });
    expect(await b.sync.state()).toBeUndefined();
  });

  it('notices a reset server with sync settings kept before the synced event’s id was, from the event this browser holds there', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    await withOtherServer(async (other) => {
      const head = await a.ledger.store.meta();
      const { id: _, syncedEventId: __, ...older } = head.sync!;
      await a.ledger.db.meta.put({ ...head, sync: { ...older, server: other.base } as typeof head.sync & object });
      await expect(a.sync.syncOnce()).rejects.toMatchObject({ code: 'SYNC_SERVER_CHANGED' });
      expect((await other.api('GET', '/api/v1/events?after=0&limit=10')).body.data.head).toBe(0);
    });
  });

  it('stops a round whose sync was turned off and on again meanwhile, keeping nothing of the old server in the new one’s ledger', async () => {
    const a = await device();
    const c = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    await turnOn(c);
    await c.ledger.execute(deposit('ada', '7.00', 'from C'));
    await c.sync.syncOnce();

    await withOtherServer(async (other) => {
      const realFetch = globalThis.fetch;
      let switched = false;
      vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
        // As A's round pulls C's deposit from the first server, the person moves sync to an empty one.
        if (!switched && String(input).startsWith(server.base) && String(input).endsWith('limit=10000')) {
          switched = true;
          await a.sync.turnOff();
          expect(await a.sync.turnOn(other.base, TOKEN)).toEqual({ uploaded: 2, pending: 0 });
        }
        return realFetch(input, init);
      });
      await expect(a.sync.syncOnce()).rejects.toMatchObject({ code: 'SYNC_MOVED' });
      vi.restoreAllMocks();
      expect(switched).toBe(true);
      expect((await logOf(a.ledger)).events).toHaveLength(2);
      expect(await balances(a.ledger)).toEqual({ ada: '100.00' });
      expect(await a.sync.syncOnce()).toMatchObject({ pushed: 0, pulled: 0 });
      expect((await other.api('GET', '/api/v1/accounts/ada')).body.data.balance).toBe('100.00');
    });
  });

  it('takes the read models back to the cut and forward again on a rebase: history pages and ledger checkpoints past it included', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.ledger.execute(open('bob', 'Bob Bemer', 'EUR', '1.00'));
    for (let i = 0; i < 101; i++) await a.ledger.execute(deposit('ada', '0.01'));
    await a.sync.syncOnce();
    const b = await device({ timelineEvery: 4, snapshotEvery: 10 });
    await turnOn(b);
    await a.ledger.execute(transfer('ada', 'bob', '2.00'));
    await a.sync.syncOnce();

    // Offline, B moves money too: ada's history crosses a page of 100 movements, and its transfer a checkpoint (taken at 109).
    await b.ledger.execute(withdraw('ada', '3.00'));
    await b.ledger.execute(withdraw('ada', '1.00'));
    await b.ledger.execute(transfer('bob', 'ada', '0.50'));
    expect((await b.ledger.db.ledgerCheckpoints.toArray()).map((c) => c.position).filter((p) => p > 105)).toEqual([109]);
    expect(await b.sync.syncOnce()).toMatchObject({ pushed: 3, pulled: 6, refused: [] });
    await a.sync.syncOnce();
    await expectSameLedgers(a.ledger, b.ledger);
    expect(await balances(b.ledger)).toEqual({ ada: '95.51', bob: '2.50' });
    // B's checkpoint went with the commands cut off; the server's log passed 108 and took one there.
    expect((await b.ledger.db.ledgerCheckpoints.toArray()).map((c) => c.position).filter((p) => p > 105)).toEqual([108]);

    // After a rebuild while a command is pending, the fold segments reach past the synced position: the rebase rebuilds.
    await b.ledger.execute(deposit('bob', '1.00'));
    await b.ledger.projector.rebuild();
    expect((await b.ledger.store.meta()).projections!.segmentsThrough).toBe(112);
    await a.ledger.execute(deposit('ada', '1.00'));
    await a.sync.syncOnce();
    expect(await b.sync.syncOnce()).toMatchObject({ pushed: 1, pulled: 2, refused: [] });
    await a.sync.syncOnce();
    await expectSameLedgers(a.ledger, b.ledger);
    expect(await balances(b.ledger)).toEqual({ ada: '96.51', bob: '3.50' });
  });

  it('rebuilds read models that were behind the log on a rebase, never folding on top of what was cut off', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    await a.ledger.execute(withdraw('ada', '30.00'));
    // The read models fell behind (as after an append they could not follow).
    const head = await a.ledger.store.meta();
    await a.ledger.db.meta.put({ ...head, projections: { ...head.projections!, position: head.position - 1 } });

    expect(await a.sync.syncOnce()).toMatchObject({ pushed: 1, pulled: 1 });
    expect(await a.ledger.projector.isCurrent()).toBe(true);
    expect(await verifyProjections(a.ledger.db)).toEqual([]);
    expect(await balances(a.ledger)).toEqual({ ada: '70.00' });
  });

  it('refuses a page from the server whose positions do not go on from this ledger’s, writing nothing', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    await a.sync.syncOnce();
    const b = await device();
    const before = await exportLedger(b.ledger.db, new Date(0));
    await b.sync.turnOn(server.base, TOKEN);
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const answer = await realFetch(input, init);
      if (!String(input).endsWith('limit=10000')) return answer;
      const { data } = (await answer.json()) as { data: { head: number; events: { position: number }[] } };
      // A server that skips a position: its second event claims the third place.
      data.events[1]!.position += 1;
      return new Response(JSON.stringify({ success: true, data }), { status: 200 });
    });
    await expect(b.sync.syncOnce()).rejects.toMatchObject({ code: 'SYNC_FAILED', message: expect.stringContaining('The server sent event 3 where this ledger goes on with event 2') });
    expect(await exportLedger(b.ledger.db, new Date(0))).toBe(before);
    expect((await b.sync.state())!.syncedPosition).toBe(0);
  });

  it('keeps a command pending when the server answers with anything but a rule’s refusal', async () => {
    const a = await device();
    await turnOn(a);
    await a.ledger.execute(open('ada', 'Ada Lovelace', 'EUR', '100.00'));
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) =>
      String(input).includes('/api/v1/accounts')
        ? new Response(JSON.stringify({ success: false, error: { code: 'NOT_FOUND', message: 'Nothing at POST /api/v1/accounts.' } }), { status: 404 })
        : realFetch(input, init),
    );
    await expect(a.sync.syncOnce()).rejects.toMatchObject({ code: 'SYNC_FAILED', message: expect.stringContaining('it stays pending') });
    expect(await a.sync.pending()).toHaveLength(1);
    expect((await a.sync.state())!.refused).toEqual([]);
    vi.restoreAllMocks();
    expect(await a.sync.syncOnce()).toMatchObject({ pushed: 1, refused: [] });
  });

  it('says when the token is wrong', async () => {
    const a = await device();
    await expect(a.sync.turnOn(server.base, 'not-the-token-at-all')).rejects.toMatchObject({ code: 'SYNC_UNAUTHORIZED' });
    expect(await a.sync.state()).toBeUndefined();
  });
});
