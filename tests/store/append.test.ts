import { describe, expect, it } from 'vitest';
import { ConcurrencyError, DomainError } from '../../src/domain/errors';
import { LedgerQueries } from '../../src/app/queries';
import { verifyProjections } from '../../src/projections/verify';
import { close, deposit, open, transfer, withdraw } from '../support/ledger';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();

describe('event store', () => {
  it('appends commands as events with contiguous versions and gap-free positions', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a', 'Ada', 'EUR', '100'));
    await ledger.execute(open('b', 'Bob', 'EUR'));
    await ledger.execute(transfer('a', 'b', '30.50'));
    await ledger.execute(withdraw('b', '0.50'));
    const all = await ledger.store.readAll();
    expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.map((e) => `${e.streamId}@${e.version}:${e.type}`)).toEqual([
      'a@1:AccountOpened',
      'a@2:MoneyDeposited',
      'b@1:AccountOpened',
      'a@3:TransferSent',
      'b@2:TransferReceived',
      'b@3:MoneyWithdrawn',
    ]);
    const queries = new LedgerQueries(ledger.db);
    expect((await queries.getAccount('a'))?.balance).toBe('69.50');
    expect((await queries.getAccount('b'))?.balance).toBe('30.00');
    expect(await verifyProjections(ledger.db)).toEqual([]);
  });

  it('refuses a stale expected version with a ConcurrencyError', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a'));
    const event = { type: 'MoneyDeposited' as const, data: { accountId: 'a', amount: '1.00', description: '' } };
    const append = { streamId: 'a', expectedVersion: 0, events: [{ event, metadata: { eventId: 'e1', commandId: 'c1' } }] };
    await expect(ledger.store.append([append], new Date().toISOString())).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await ledger.store.streamVersion('a')).toBe(1);
  });

  it('refuses a withdrawal above the balance and writes nothing', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a', 'Ada', 'EUR', '10'));
    await expect(ledger.execute(withdraw('a', '10.01'))).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect((await ledger.store.meta()).position).toBe(2);
  });

  it('takes a repeated command id once and returns the first result', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a'));
    const command = deposit('a', '5');
    const first = await ledger.execute(command);
    const again = await ledger.execute(command);
    expect(again.duplicate).toBe(true);
    expect(again.events).toEqual(first.events);
    expect((await new LedgerQueries(ledger.db).getAccount('a'))?.balance).toBe('5.00');
  });

  it('closes an account with zero balance and then refuses everything', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a'));
    await ledger.execute(close('a'));
    await expect(ledger.execute(deposit('a', '1'))).rejects.toBeInstanceOf(DomainError);
  });
});
