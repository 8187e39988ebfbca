/**
 * A column of strings kept as one string, each value followed by a newline.
 * IndexedDB copies one long string far faster than thousands of short ones
 * (and, for a store with a key path or an index, copies every value twice),
 * so the columnar records of import and rebuild keep their text this way.
 * Only for values that cannot hold a newline: ids, instants, amounts.
 */
export type TextColumn = string;

export function toColumn(values: readonly string[]): TextColumn {
  return values.length ? `${values.join('\n')}\n` : '';
}

export function fromColumn(column: TextColumn): string[] {
  const values = column.split('\n');
  values.pop();
  return values;
}

/** The rows of a column that hold exactly `value`. */
export function rowsHolding(column: TextColumn, value: string): number[] {
  const rows: number[] = [];
  const needle = `${value}\n`;
  for (let at = column.indexOf(needle); at !== -1; at = column.indexOf(needle, at + 1)) {
    if (at > 0 && column[at - 1] !== '\n') continue;
    let row = 0;
    for (let i = column.indexOf('\n'); i !== -1 && i < at; i = column.indexOf('\n', i + 1)) row++;
    rows.push(row);
  }
  return rows;
}
