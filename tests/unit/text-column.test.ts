import { describe, expect, it } from 'vitest';
import { fromColumn, rowsHolding, toColumn } from '../../src/store/text-column';

describe('a text column', () => {
  it('keeps its values, in order, through one string', () => {
    expect(fromColumn(toColumn(['a', '', 'c-1']))).toEqual(['a', '', 'c-1']);
    expect(fromColumn(toColumn([]))).toEqual([]);
  });

  it('finds the rows that hold exactly a value, not a value it is part of', () => {
    const column = toColumn(['ab', 'b', 'ab', 'xab', 'abx', 'ab']);

    expect(rowsHolding(column, 'ab')).toEqual([0, 2, 5]);
    expect(rowsHolding(column, 'b')).toEqual([1]);
    expect(rowsHolding(column, 'a')).toEqual([]);
    expect(rowsHolding(toColumn([]), 'ab')).toEqual([]);
  });
});
