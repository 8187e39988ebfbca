import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { eventText } from '../../src/store/event-text';
import { verifyProjections } from '../../src/projections/verify';
import { freshName } from '../support/ledger';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

/** The first released schema, as version(1) declared it, with its stream heads and command index tables. */
const SCHEMA_1 = {
  commits: '[streamId+version], position',
  commands: 'commandId',
  commandBuckets: 'bucket',
  streams: 'streamId',
  meta: 'key',
  snapshots: '[streamId+version]',
  accounts: 'accountId, openedPosition',
  history: '[accountId+page]',
  ledgerCheckpoints: 'position, at',
  journal: 'start',
  checkpoints: 'name',
};

const AT = '2026-01-01T09:00:00.000Z';
const opened = { type: 'AccountOpened', schemaVersion: 2, data: { accountId: 'a', ownerName: 'Ada', currency: 'EUR' } } as const;
const deposited = { type: 'MoneyDeposited', schemaVersion: 2, data: { accountId: 'a', amount: '10.00', description: '' } } as const;

/** A ledger written by the first schema: account a opened (command c-1) and 10.00 deposited (command c-2). */
async function schemaOneLedger(name: string): Promise<void> {
  const db = new Dexie(name);
  db.version(1).stores(SCHEMA_1);
  const events = [
    { ...opened, position: 1, version: 1, metadata: { eventId: 'e-1', commandId: 'c-1', at: AT } },
    { ...deposited, position: 2, version: 2, metadata: { eventId: 'e-2', commandId: 'c-2', at: AT } },
  ];
  await db.table('commits').bulkAdd(
    events.map((e) => ({ streamId: 'a', version: e.version, lastVersion: e.version, position: e.position, positions: [e.position], events: [eventText('a', e)] })),
  );
  await db.table('commands').bulkAdd([
    { commandId: 'c-1', refs: [['a', 1, 1]] },
    { commandId: 'c-2', refs: [['a', 2, 2]] },
  ]);
  await db.table('streams').add({ streamId: 'a', version: 2, lastEventId: 'e-2' });
  await db.table('meta').add({ key: 'log', position: 2, lastAt: AT });
  db.close();
}

describe('a database from the first schema', () => {
  it('is upgraded in place: its commands stay idempotent, its read models are rebuilt, and it takes new commands', async () => {
    const name = freshName('schema-1');
    await schemaOneLedger(name);

    const ledger = await ledgers.open({ name });

    expect(ledger.db.tables.map((t) => t.name).sort()).not.toContain('commands');
    expect(ledger.db.tables.map((t) => t.name)).not.toContain('streams');
    const retried = await ledger.execute({ type: 'Deposit', commandId: 'c-2', data: { accountId: 'a', amount: '10.00' } });
    expect(retried).toMatchObject({ duplicate: true, events: [{ position: 2, metadata: { eventId: 'e-2' } }] });
    expect((await ledger.db.accounts.get('a'))?.balance).toBe('10.00');
    await ledger.execute({ type: 'Deposit', commandId: 'c-3', data: { accountId: 'a', amount: '5.00' } });
    expect((await ledger.db.accounts.get('a'))?.balance).toBe('15.00');
    expect((await ledger.store.readStream('a')).map((e) => e.metadata.commandId)).toEqual(['c-1', 'c-2', 'c-3']);
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });
});
