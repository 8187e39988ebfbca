import { describe, expect, it } from 'vitest';
import { COMMAND_BUCKETS, CommandBuckets, bucketOf, groupSpan } from '../../src/store/command-index';
import { fromColumn } from '../../src/store/text-column';

describe('command buckets of an import', () => {
  it('stores more, larger groups of buckets as an import grows, always tiling the 1,024 buckets', () => {
    expect(groupSpan(0)).toBe(COMMAND_BUCKETS);
    expect(groupSpan(2_047)).toBe(COMMAND_BUCKETS);
    expect(groupSpan(2_048)).toBe(COMMAND_BUCKETS / 2);
    expect(groupSpan(1_000_000)).toBe(2);
    expect(groupSpan(10 ** 9)).toBe(1);
  });

  it('puts every command in the group that covers its bucket, with its stream and versions', () => {
    const commands = new CommandBuckets();
    for (let i = 0; i < 10_000; i++) commands.add(`cmd-${i}`, `acc-${i % 7}`, i + 1);
    // A command's next event in the same stream extends its row instead of adding one.
    commands.add('cmd-9999', `acc-${9_999 % 7}`, 10_001);
    const groups = [...commands.batches(1)].flat();

    expect(groups.map((g) => [g.bucket, g.span])).toEqual(Array.from({ length: 8 }, (_, i) => [i * 128, 128]));
    expect(groups.flatMap((group) => fromColumn(group.ids as string))).toHaveLength(10_000);
    for (const group of groups) {
      const [ids, streams, firsts, lasts] = [group.ids, group.streams, group.firstVersions, group.lastVersions].map(fromColumn) as [string[], string[], string[], string[]];
      ids.forEach((id, row) => {
        const i = Number(id.slice(4));
        expect(bucketOf(id) - group.bucket).toBeGreaterThanOrEqual(0);
        expect(bucketOf(id) - group.bucket).toBeLessThan(group.span);
        expect([streams[row], firsts[row]]).toEqual([`acc-${i % 7}`, String(i + 1)]);
        expect(lasts[row]).toBe(String(i === 9_999 ? 10_001 : i + 1));
      });
    }
  });
});
