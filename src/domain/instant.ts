const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** "YYYY-MM-DDT": the part of an instant that names its day. */
const DAY_LENGTH = 11;

/** Date.parse rolls 30 February over into March, so the calendar fields are checked before it runs. */
function parseInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0;
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! + leap) return undefined;
  if (+m[4]! > 23 || +m[5]! > 59 || +m[6]! > 59) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

/** The value of the two ASCII digits at `at`, or NaN. */
function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : Number.NaN;
}

/**
 * Reads ISO-8601 UTC instants ("2026-01-31T12:00:00.000Z") as milliseconds,
 * undefined for anything else or an impossible date. A log's events mostly
 * share their day with the event before: an instant in the full form on the
 * day read last is read from its time of day alone, with the same result.
 */
export class InstantReader {
  private day = '';
  private dayStart = 0;

  read(text: string): number | undefined {
    if (text.length === 24 && this.day !== '' && text.startsWith(this.day)) {
      const fast = this.timeOfDay(text);
      if (fast !== undefined) return this.dayStart + fast;
    }
    const time = parseInstant(text);
    if (time !== undefined) {
      this.day = text.slice(0, DAY_LENGTH);
      this.dayStart = Date.parse(`${this.day}00:00:00.000Z`);
    }
    return time;
  }

  /** "HH:MM:SS.sssZ" after the day, in milliseconds; undefined when it is not exactly that. */
  private timeOfDay(text: string): number | undefined {
    if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90) return undefined;
    const hours = twoDigits(text, 11);
    const minutes = twoDigits(text, 14);
    const seconds = twoDigits(text, 17);
    const hundreds = text.charCodeAt(20) - 48;
    const millis = twoDigits(text, 21);
    // NaN fails every comparison, so a non-digit anywhere lands in the slow path.
    if (!(hours <= 23 && minutes <= 59 && seconds <= 59 && hundreds >= 0 && hundreds <= 9 && millis >= 0)) return undefined;
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + hundreds * 100 + millis;
  }
}
