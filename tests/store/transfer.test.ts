import { describe, expect, it, onTestFinished } from 'vitest';
import type { Ledger } from '../../src/app/ledger';
import { LedgerQueries } from '../../src/app/queries';
import { ConcurrencyError, DomainError, ValidationError } from '../../src/domain/errors';
import { verifyProjections } from '../../src/projections/verify';
import { close, open, transfer } from '../support/ledger';
import { dumpDb, failWrite, useLedgers } from '../support/store';

const ledgers = useLedgers();

/** alice (EUR 100.00, version 2), bob (EUR 0, version 1); snapshots every 3 so alice's next event snapshots her. */
async function twoAccounts(): Promise<Ledger> {
  const ledger = await ledgers.open({ snapshotEvery: 3 });
  await ledger.execute(open('alice', 'Alice', 'EUR', '100'));
  await ledger.execute(open('bob', 'Bob', 'EUR'));
  return ledger;
}

/** Each fails one write of the transfer's transaction; returns the disarm. */
const failurePoints: [string, () => () => void][] = [
  ["the receiving stream's commit record", () => failWrite('commits', (record) => record.streamId === 'bob')],
  ["the log's head (position and read-model checkpoint), after both commit records", () => failWrite('meta', () => true)],
  ['the account list, after the log', () => failWrite('accounts', (row) => row.accountId === 'bob')],
  ["the receiver's history page", () => failWrite('history', () => true)],
  ["the sender's snapshot, the transaction's last write", () => failWrite('snapshots', () => true)],
];

describe('a transfer', () => {
  it('writes TransferSent and TransferReceived as one commit: adjacent positions, one time, one command', async () => {
    const ledger = await twoAccounts();
    const command = transfer('alice', 'bob', '30.50');

    const { events } = await ledger.execute(command);

    expect(events.map((e) => `${e.streamId}@${e.version}:${e.type}#${e.position}`)).toEqual([
      'alice@3:TransferSent#4',
      'bob@2:TransferReceived#5',
    ]);
    expect(new Set(events.map((e) => e.metadata.at)).size).toBe(1);
    expect(events.map((e) => e.metadata.commandId)).toEqual([command.commandId, command.commandId]);
    const queries = new LedgerQueries(ledger.db);
    expect((await queries.getAccount('alice'))?.balance).toBe('69.50');
    expect((await queries.getAccount('bob'))?.balance).toBe('30.50');
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  it.each(failurePoints)('leaves no trace when writing %s fails, and can then be retried', async (_point, arm) => {
    const ledger = await twoAccounts();
    const before = await dumpDb(ledger.db);
    expect(before.commits).toHaveLength(2);
    const command = transfer('alice', 'bob', '30');
    const disarm = arm();
    onTestFinished(disarm);

    await expect(ledger.execute(command)).rejects.toThrow('injected storage failure');

    expect(await dumpDb(ledger.db)).toEqual(before);
    disarm();
    const retried = await ledger.execute(command);
    expect(retried.duplicate).toBe(false);
    expect(retried.events.map((e) => e.type)).toEqual(['TransferSent', 'TransferReceived']);
    expect((await new LedgerQueries(ledger.db).getAccount('bob'))?.balance).toBe('30.00');
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  it('writes neither side when the receiving stream moved since it was read', async () => {
    const ledger = await twoAccounts();
    const before = await dumpDb(ledger.db);
    const metadata = { eventId: 'e-sent', commandId: 'stale-transfer' };
    const data = { transferId: 'stale-transfer', amount: '1.00', description: '' };
    const sent = { type: 'TransferSent', data: { ...data, accountId: 'alice', toAccountId: 'bob' } } as const;
    const received = { type: 'TransferReceived', data: { ...data, accountId: 'bob', fromAccountId: 'alice' } } as const;

    const stale = ledger.store.append(
      [
        { streamId: 'alice', expectedVersion: 2, events: [{ event: sent, metadata }] },
        { streamId: 'bob', expectedVersion: 0, events: [{ event: received, metadata: { ...metadata, eventId: 'e-received' } }] },
      ],
      '2026-02-01T00:00:00.000Z',
    );

    await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(stale).rejects.toMatchObject({ streamId: 'bob', expectedVersion: 0, actualVersion: 1 });
    expect(await dumpDb(ledger.db)).toEqual(before);
  });
});

describe('a refused transfer writes nothing', () => {
  const refusals: [string, () => ReturnType<typeof transfer>, string, new (...args: never[]) => Error][] = [
    ['above the balance', () => transfer('alice', 'bob', '100.01'), 'INSUFFICIENT_FUNDS', DomainError],
    ['to a closed account', () => transfer('alice', 'closed', '1'), 'ACCOUNT_CLOSED', DomainError],
    ['from a closed account', () => transfer('closed', 'alice', '1'), 'ACCOUNT_CLOSED', DomainError],
    ['across currencies', () => transfer('alice', 'dollars', '1'), 'CURRENCY_MISMATCH', DomainError],
    ['to the same account', () => transfer('alice', 'alice', '1'), 'TRANSFER_TO_SELF', DomainError],
    ['to an unknown account', () => transfer('alice', 'nobody', '1'), 'ACCOUNT_NOT_FOUND', DomainError],
    ['from an unknown account', () => transfer('nobody', 'alice', '1'), 'ACCOUNT_NOT_FOUND', DomainError],
    ['of a negative amount', () => transfer('alice', 'bob', '-1'), 'AMOUNT_NOT_POSITIVE', ValidationError],
    ['finer than a cent', () => transfer('alice', 'bob', '0.001'), 'AMOUNT_TOO_PRECISE', ValidationError],
  ];

  it.each(refusals)('refuses a transfer %s', async (_case, command, code, kind) => {
    const ledger = await twoAccounts();
    await ledger.execute(open('closed', 'Gone', 'EUR'));
    await ledger.execute(close('closed'));
    await ledger.execute(open('dollars', 'Dee', 'USD', '10'));
    const before = await dumpDb(ledger.db);

    const refused = ledger.execute(command());

    await expect(refused).rejects.toBeInstanceOf(kind);
    await expect(refused).rejects.toMatchObject({ code });
    expect(await dumpDb(ledger.db)).toEqual(before);
  });
});
