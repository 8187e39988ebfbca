import { describe, expect, it } from 'vitest';
import { waitInTransaction } from '../../src/store/db';
import { useLedgers } from '../support/store';

const ledgers = useLedgers();
const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('waiting for outside work inside a transaction', () => {
  it('keeps the transaction alive until the work is done, then writes in it', async () => {
    const { db } = await ledgers.open();

    await db.transaction('rw', db.ledgerCheckpoints, async (tx) => {
      const value = await waitInTransaction(tx, later(50, 7));
      await tx.table('ledgerCheckpoints').put({ position: value, at: '', accounts: [] });
    });

    expect(await db.ledgerCheckpoints.get(7)).toMatchObject({ position: 7 });
  });

  it('ends the wait with the failure when the transaction fails meanwhile, instead of waiting forever', async () => {
    const { db } = await ledgers.open();

    const outcome = db.transaction('rw', db.ledgerCheckpoints, async (tx) => {
      await tx.table('ledgerCheckpoints').put({ position: 1, at: '', accounts: [] });
      setTimeout(() => tx.abort(), 10);
      // The work ends after the abort: its outcome can no longer be handed over through the transaction.
      await waitInTransaction(tx, later(200, 'too late'));
      return 'finished';
    });

    await expect(outcome).rejects.toThrow(/abort/i);
    expect(await db.ledgerCheckpoints.get(1)).toBeUndefined();
  }, 5_000);
});
