import { describe, expect, it } from 'vitest';
import { LedgerQueries } from '../../src/app/queries';
import type { Ledger } from '../../src/app/ledger';
import type { LedgerCommand } from '../../src/domain/commands';
import { deposit, open, transfer, withdraw } from '../support/ledger';
import { dumpDb, useLedgers } from '../support/store';

const ledgers = useLedgers();

const balanceOf = async (ledger: Ledger, id: string) =>
  (await new LedgerQueries(ledger.db).getAccount(id))?.balance;

describe('a command id', () => {
  it.each<[string, () => LedgerCommand]>([
    ['a deposit', () => deposit('a', '5')],
    ['an opening with its initial deposit', () => open('c', 'Cy', 'EUR', '7')],
    ['a transfer across two streams', () => transfer('a', 'b', '3')],
  ])('takes %s once when submitted twice in a row, and returns the first result', async (_what, make) => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a', 'Ada', 'EUR', '10'));
    await ledger.execute(open('b', 'Bob', 'EUR'));
    const command = make();
    const first = await ledger.execute(command);
    const afterFirst = await dumpDb(ledger.db);

    const again = await ledger.execute(command);

    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await dumpDb(ledger.db)).toEqual(afterFirst);
  });

  it('is recognised by id alone: a retry with other data still returns the first result', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a'));
    const command = deposit('a', '5');
    const first = await ledger.execute(command);

    const altered = await ledger.execute({ ...deposit('a', '500'), commandId: command.commandId });

    expect(altered.events).toEqual(first.events);
    expect(await balanceOf(ledger, 'a')).toBe('5.00');
  });

  it('takes effect once when two connections submit it at the same moment', async () => {
    const first = await ledgers.open();
    const second = await ledgers.connect(first);
    await first.execute(open('a', 'Ada', 'EUR', '10'));
    await first.execute(open('b', 'Bob', 'EUR'));
    const command = transfer('a', 'b', '4');

    const outcomes = await Promise.allSettled([first.execute(command), second.execute(command)]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(results[0]!.events).toEqual(results[1]!.events);
    expect((await first.store.eventsOfCommand(command.commandId)).map((e) => e.type)).toEqual([
      'TransferSent',
      'TransferReceived',
    ]);
    expect((await second.store.meta()).position).toBe(5);
    expect(await balanceOf(first, 'a')).toBe('6.00');
    expect(await balanceOf(second, 'b')).toBe('4.00');
  });

  it('lands each of many deposits once when both connections submit every one of them', async () => {
    const first = await ledgers.open();
    const second = await ledgers.connect(first);
    await first.execute(open('a'));
    const commands = Array.from({ length: 10 }, (_, i) => deposit('a', `${i + 1}`));

    const results = await Promise.all(commands.flatMap((c) => [first.execute(c), second.execute(c)]));

    expect(results.filter((r) => !r.duplicate)).toHaveLength(10);
    expect((await first.store.readStream('a')).map((e) => e.version)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(await balanceOf(first, 'a')).toBe('55.00');
  });

  it('can be used again after the command was refused, because a refusal writes nothing', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a', 'Ada', 'EUR', '10'));
    const command = withdraw('a', '25');
    await expect(ledger.execute(command)).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    await ledger.execute(deposit('a', '15'));

    const retried = await ledger.execute(command);

    expect(retried.duplicate).toBe(false);
    expect(retried.events.map((e) => e.type)).toEqual(['MoneyWithdrawn']);
    expect(await balanceOf(ledger, 'a')).toBe('0.00');
  });

  it('survives closing and reopening the database', async () => {
    const ledger = await ledgers.open();
    await ledger.execute(open('a'));
    const command = deposit('a', '1');
    const first = await ledger.execute(command);
    ledger.close();
    const reopened = await ledgers.open({ name: ledger.db.name });

    const again = await reopened.execute(command);

    expect(again).toEqual({ ...first, duplicate: true });
    expect((await reopened.store.meta()).position).toBe(2);
  });
});
