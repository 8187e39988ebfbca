import { describe, expect, it } from 'vitest';
import { exportLedger } from '../../src/app/export';
import { importLedger } from '../../src/app/import';
import { runMixedHistory, useLedgers } from '../support/store';

const ledgers = useLedgers();

describe('an imported event at rest', () => {
  it('is the very line the file holds when the file has one event per line', async () => {
    const source = await ledgers.open();
    await runMixedHistory(source);
    // Spaces inside a line are valid JSON; keeping the line as written keeps them.
    const text = (await exportLedger(source.db)).replace('"type":"AccountOpened"', '"type": "AccountOpened"');
    const copy = await ledgers.open();
    await importLedger(copy.db, text);

    const stored = (await copy.db.commits.toArray()).flatMap((r) => r.events);
    const lines = text.split('\n').slice(1, -2).map((l) => (l.endsWith(',') ? l.slice(0, -1) : l));
    expect(stored.sort()).toEqual([...lines].sort());
    expect(stored.some((e) => e.includes('"type": "AccountOpened"'))).toBe(true);
  });

  it('is canonical JSON when the file was laid out another way', async () => {
    const source = await ledgers.open();
    await runMixedHistory(source);
    const text = await exportLedger(source.db);
    const copy = await ledgers.open();
    await importLedger(copy.db, JSON.stringify(JSON.parse(text), null, 2));

    const stored = (await copy.db.commits.toArray()).flatMap((r) => r.events);
    const lines = text.split('\n').slice(1, -2).map((l) => (l.endsWith(',') ? l.slice(0, -1) : l));
    expect(stored.sort()).toEqual([...lines].sort());
  });
});
