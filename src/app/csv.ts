import { assertNever } from '../domain/errors';
import type { TransactionKind, TransactionRow } from '../projections/rows';

const HEADER = ['Date', 'Type', 'Description', 'Counterparty', 'Amount', 'Balance after', 'Currency', 'Version', 'Position'];

export function kindLabel(kind: TransactionKind): string {
  switch (kind) {
    case 'deposit':
      return 'Deposit';
    case 'withdrawal':
      return 'Withdrawal';
    case 'transfer-in':
      return 'Transfer in';
    case 'transfer-out':
      return 'Transfer out';
    default:
      return assertNever(kind, 'transaction kind');
  }
}

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab/CR that hides one)
 * as a formula; a leading apostrophe makes them show it as text instead.
 */
function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a field that holds a separator, quote or line break, doubling its quotes. */
function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

const text = (value: string) => quote(neutralizeFormula(value));
// Amounts come from the projection as canonical decimal strings; a minus sign there means
// a debit, not a formula, and must stay so the spreadsheet reads a number.
const number = (value: string | number) => quote(String(value));

/** The CSV of an account's transactions, one line per row in the order given, CRLF line ends. */
export function transactionsCsv(rows: readonly TransactionRow[], currency: string): string {
  const lines = [HEADER.map(text).join(',')];
  for (const row of rows) {
    lines.push(
      [
        text(row.at),
        text(kindLabel(row.kind)),
        text(row.description),
        text(row.counterpartyId ?? ''),
        number(row.amount),
        number(row.balanceAfter),
        text(currency),
        number(row.version),
        number(row.position),
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
