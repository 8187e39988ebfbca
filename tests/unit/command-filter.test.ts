import { describe, expect, it } from 'vitest';
import { CommandFilter } from '../../src/store/command-filter';

describe('CommandFilter', () => {
  const added = Array.from({ length: 20_000 }, (_, i) => `c-${i}`);
  const filter = CommandFilter.sizedFor(added.length);
  for (const id of added) filter.add(id);

  it('never says no to an id it was given', () => {
    expect(added.filter((id) => !filter.mightHave(id))).toEqual([]);
  });

  it('says no to nearly every other id', () => {
    const others = Array.from({ length: 20_000 }, (_, i) => `${crypto.randomUUID()}-${i}`);
    const maybes = others.filter((id) => filter.mightHave(id)).length;
    expect(maybes / others.length).toBeLessThan(0.02);
  });

  it('reads back from its stored record exactly, and refuses a record it cannot trust', () => {
    const record = filter.record('#import-1');
    const restored = CommandFilter.from(structuredClone(record))!;
    expect(added.every((id) => restored.mightHave(id))).toBe(true);
    expect(CommandFilter.from(undefined)).toBeNull();
    expect(CommandFilter.from({ ...record, bits: new Uint8Array(100) })).toBeNull();
    expect(CommandFilter.from({ ...record, hashes: 0 })).toBeNull();
    expect(CommandFilter.from({ ...record, bits: [1, 2, 3] as unknown as Uint8Array })).toBeNull();
  });
});
