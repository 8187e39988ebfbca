import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstantReader } from '../../../src/domain/instant';

/** A reader that has seen nothing reads every instant the full way. */
const fullRead = (text: string) => new InstantReader().read(text);

const pad = (n: number, width: number) => String(n).padStart(width, '0');

describe('InstantReader', () => {
  it('reads ISO-8601 UTC instants as Date.parse does, with or without milliseconds', () => {
    const reader = new InstantReader();
    for (const text of ['2026-01-31T12:00:00.000Z', '2026-01-31T23:59:59.999Z', '2026-01-31T00:00:00Z', '2024-02-29T08:30:00.5Z', '0050-06-01T10:00:00.000Z']) {
      expect(reader.read(text), text).toBe(Date.parse(text));
    }
  });

  it.each([
    ['30 February', '2026-02-30T12:00:00.000Z'],
    ['29 February of a common year', '2025-02-29T12:00:00.000Z'],
    ['month 13', '2026-13-01T12:00:00.000Z'],
    ['hour 24', '2026-01-31T24:00:00.000Z'],
    ['minute 60', '2026-01-31T12:60:00.000Z'],
    ['second 60', '2026-01-31T12:00:60.000Z'],
    ['a letter in the hour', '2026-01-31T1a:00:00.000Z'],
    ['a letter in the milliseconds', '2026-01-31T12:00:00.0x0Z'],
    ['a sign in the milliseconds', '2026-01-31T12:00:00.-10Z'],
    ['a local time', '2026-01-31T12:00:00.000+01:00'],
    ['no zone', '2026-01-31T12:00:00.000'],
    ['a space for the T', '2026-01-31 12:00:00.000Z'],
    ['a comma for the point', '2026-01-31T12:00:00,000Z'],
  ])('refuses %s, also right after a valid instant of the same day', (_, text) => {
    const reader = new InstantReader();
    expect(reader.read('2026-01-31T01:02:03.004Z')).toBe(Date.parse('2026-01-31T01:02:03.004Z'));
    expect(reader.read(text)).toBeUndefined();
    expect(fullRead(text)).toBeUndefined();
  });

  it('reads any instant of the day it last read exactly as a fresh reader does', () => {
    const instant = fc.record({
      year: fc.integer({ min: 0, max: 9999 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 29 }),
      minute: fc.integer({ min: 0, max: 65 }),
      second: fc.integer({ min: 0, max: 65 }),
      millis: fc.integer({ min: 0, max: 999 }),
    });
    const format = (i: { year: number; month: number; day: number; hour: number; minute: number; second: number; millis: number }) =>
      `${pad(i.year, 4)}-${pad(i.month, 2)}-${pad(i.day, 2)}T${pad(i.hour, 2)}:${pad(i.minute, 2)}:${pad(i.second, 2)}.${pad(i.millis, 3)}Z`;
    fc.assert(
      fc.property(instant, fc.array(fc.tuple(fc.nat(29), fc.nat(65), fc.nat(65), fc.nat(999), fc.string({ maxLength: 2 }), fc.nat(23))), (first, later) => {
        const reader = new InstantReader();
        expect(reader.read(format(first))).toBe(fullRead(format(first)));
        for (const [hour, minute, second, millis, noise, at] of later) {
          const clean = format({ ...first, hour, minute, second, millis });
          // Now and then a character of the time is replaced, to reach every refusal of the short path.
          const text = noise ? clean.slice(0, 11 + (at % 13)) + noise + clean.slice(12 + (at % 13)) : clean;
          expect(reader.read(text), text).toBe(fullRead(text));
        }
      }),
      { numRuns: 300 },
    );
  });
});
