import { describe, expect, it } from 'vitest';
import { transactionsCsv } from '../../src/app/csv';
import type { TransactionRow } from '../../src/projections/rows';

const row = (overrides: Partial<TransactionRow> = {}): TransactionRow => ({
  version: 2,
  position: 7,
  at: '2026-01-01T09:00:00.000Z',
  kind: 'deposit',
  amount: '10.00',
  balanceAfter: '10.00',
  description: '',
  ...overrides,
});

/** Splits CRLF lines; fields are compared as the raw CSV text. */
const lines = (csv: string) => csv.split('\r\n');

describe('transactionsCsv', () => {
  it('writes a header and one CRLF-terminated line per row, in the order given', () => {
    const csv = transactionsCsv(
      [row({ version: 3, amount: '-2.50', balanceAfter: '7.50', kind: 'withdrawal' }), row()],
      'EUR',
    );
    expect(lines(csv)).toEqual([
      'Date,Type,Description,Counterparty,Amount,Balance after,Currency,Version,Position',
      '2026-01-01T09:00:00.000Z,Withdrawal,,,-2.50,7.50,EUR,3,7',
      '2026-01-01T09:00:00.000Z,Deposit,,,10.00,10.00,EUR,2,7',
      '',
    ]);
  });

  it('writes only the header for an account without transactions', () => {
    expect(transactionsCsv([], 'USD')).toBe(
      'Date,Type,Description,Counterparty,Amount,Balance after,Currency,Version,Position\r\n',
    );
  });

  it('quotes fields with commas, quotes or line breaks and doubles the quotes', () => {
    const csv = transactionsCsv([row({ description: 'Rent, "March"\nflat 2' })], 'EUR');
    expect(csv).toContain(',"Rent, ""March""\nflat 2",');
  });

  it.each(['=SUM(A1:A2)', '+1', '-1+2', '@cmd', '\t=1', '\r=1'])(
    'neutralises a description starting with a formula character: %j',
    (description) => {
      const [, line] = lines(transactionsCsv([row({ description })], 'EUR'));
      const field = `'${description}`;
      expect(line).toContain(/[\r]/.test(field) ? `"${field}"` : `,${field},`);
    },
  );

  it('neutralises a counterparty id starting with a formula character and names the transfer kind', () => {
    const [, line] = lines(
      transactionsCsv([row({ kind: 'transfer-out', counterpartyId: '-evil', amount: '-1.00' })], 'EUR'),
    );
    expect(line).toBe("2026-01-01T09:00:00.000Z,Transfer out,,'-evil,-1.00,10.00,EUR,2,7");
  });

  it('keeps negative amounts as numbers, not text', () => {
    const [, line] = lines(transactionsCsv([row({ amount: '-1000000.05', balanceAfter: '0.00' })], 'EUR'));
    expect(line?.split(',')[4]).toBe('-1000000.05');
  });

  it('leaves ordinary text untouched', () => {
    const [, line] = lines(transactionsCsv([row({ description: 'Café – Zoë', kind: 'transfer-in' })], 'EUR'));
    expect(line).toContain(',Transfer in,Café – Zoë,,');
  });
});
