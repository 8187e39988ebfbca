/** The characters a locale writes a number's decimal point and digit groups with. */
export function numberSeparators(locale?: string): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  return {
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
  };
}

/**
 * An amount as a person typed it, the way their locale writes numbers ("100,50" or "1.234,50" in German,
 * "1,234.50" in English), as the ledger's decimal string ("100.50", "1234.50"). A point is read as the
 * decimal point too where the locale writes a comma, unless it groups digits by thousands. Text it cannot
 * read this way is returned as typed, for the domain's parser to refuse in words.
 */
export function canonicalAmount(input: string, locale?: string): string {
  const typed = input.trim();
  const text = typed.replace(/[\s\u00a0\u202f']/g, '');
  const { decimal, group } = numberSeparators(locale);
  const groups = new Set([group, decimal === ',' ? '.' : ','].filter((mark) => mark !== decimal && mark.trim() !== ''));
  const point = text.includes(decimal) ? decimal : text.includes('.') && !groupsByThousands(text, '.') ? '.' : null;
  const at = point === null ? -1 : text.lastIndexOf(point);
  const whole = at === -1 ? text : text.slice(0, at);
  const fraction = at === -1 ? null : text.slice(at + 1);
  const mark = [...groups].find((candidate) => whole.includes(candidate));
  if (mark !== undefined && !groupsByThousands(whole, mark)) return typed;
  const digits = mark === undefined ? whole : whole.split(mark).join('');
  if (!/^\d*$/.test(digits) || (fraction !== null && !/^\d*$/.test(fraction))) return typed;
  return fraction === null ? digits : `${digits}.${fraction}`;
}

/** Whether `text` is digits grouped by thousands with `mark`: "1.234", "12.345.678". */
function groupsByThousands(text: string, mark: string): boolean {
  const [first, ...rest] = text.split(mark);
  return rest.length > 0 && /^\d{1,3}$/.test(first!) && rest.every((part) => /^\d{3}$/.test(part));
}
