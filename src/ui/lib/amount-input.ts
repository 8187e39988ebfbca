/** The characters a locale writes a number's decimal point and digit groups with. */
export function numberSeparators(locale?: string): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  return {
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
  };
}

/** Spaces of any width and the apostrophe group digits in some locales ("1 234,50", "1'234.50"): read as one mark. */
const SPACE_MARKS = /[\s\u00a0\u202f']/g;

/**
 * An amount as a person typed it, the way their locale writes numbers ("100,50" or "1.234,50" in German,
 * "1,234.50" in English), as the ledger's decimal string ("100.50", "1234.50"). A point is read as the
 * decimal point too where the locale writes a comma, unless it groups digits by thousands. Text it cannot
 * read this way ("12 30", "0,500" in English) is returned as typed, for the domain's parser to refuse in words.
 */
export function canonicalAmount(input: string, locale?: string): string {
  const typed = input.trim();
  const text = typed.replace(SPACE_MARKS, ' ');
  const { decimal, group } = numberSeparators(locale);
  const groups = new Set([' ', group.replace(SPACE_MARKS, ' '), decimal === ',' ? '.' : ','].filter((mark) => mark !== decimal));
  const point = text.includes(decimal) ? decimal : text.includes('.') && !groupsByThousands(text, '.') ? '.' : null;
  const at = point === null ? -1 : text.lastIndexOf(point);
  const whole = at === -1 ? text : text.slice(0, at);
  const fraction = at === -1 ? null : text.slice(at + 1);
  const marks = [...groups].filter((candidate) => whole.includes(candidate));
  if (marks.length > 1 || (marks.length === 1 && !groupsByThousands(whole, marks[0]!))) return typed;
  const digits = marks.length === 0 ? whole : whole.split(marks[0]!).join('');
  if (!/^\d*$/.test(digits) || (fraction !== null && !/^\d*$/.test(fraction))) return typed;
  return fraction === null ? digits : `${digits}.${fraction}`;
}

/** Whether `text` is digits grouped by thousands with `mark`: "1.234", "12.345.678"; never "0.500", which is a fraction. */
function groupsByThousands(text: string, mark: string): boolean {
  const [first, ...rest] = text.split(mark);
  return rest.length > 0 && /^[1-9]\d{0,2}$/.test(first!) && rest.every((part) => /^\d{3}$/.test(part));
}
