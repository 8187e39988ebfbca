import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { LogEvent } from '../harness/invariants';
import { useBrowser } from './browser';
import {
  accountListing,
  expectNoErrors,
  shot,
  freshApp,
  goTo,
  money,
  moveMoneyTo,
  openApp,
  seedLedger,
  showAccount,
  textContaining,
  transactionRows,
  until,
  type AppPage,
} from './app-actions';

/** The file the app exports: a header, then the events as the harness reads any exported log. */
interface ExportDoc {
  format: string;
  eventCount: number;
  events: LogEvent[];
}

let files: string;
let fileCount = 0;
// Registered before the browser, so the files outlive it (Vitest runs afterAll hooks last-registered first).
beforeAll(async () => {
  files = await mkdtemp(join(tmpdir(), 'ledger-e2e-'));
});
afterAll(async () => {
  await rm(files, { recursive: true, force: true });
});
const session = useBrowser();

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

async function importFile(page: Page, text: string, name = 'ledger.json'): Promise<void> {
  // Through a file on disk: Playwright hands a path over at once, while a large in-memory buffer crawls through
  // the protocol. The file stays until the end: the page reads it only when the import runs.
  const path = join(files, `${++fileCount}-${name}`);
  await writeFile(path, text);
  const panel = page.getByRole('region', { name: 'Import' });
  await panel.getByLabel('Ledger file (JSON)').setInputFiles(path);
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
}

/** The question the app asks once the whole file has been checked. */
const question = (page: Page, name: 'Import this file?' | 'Replace your ledger?') => page.getByRole('region', { name: 'Import' }).getByRole('alertdialog', { name });

/** Writes a document the way the app exports it, one event per line, so the importer can stream it. */
function toLineLayout(doc: ExportDoc): string {
  const { events, ...header } = doc;
  return `${JSON.stringify(header).slice(0, -1)},"events":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}

/** The export with `extra` more one-unit deposits on the first account, each a valid next event. */
function withDeposits(doc: ExportDoc, extra: number): ExportDoc {
  const first = doc.events[0]!.streamId;
  const last = doc.events[doc.events.length - 1]!;
  const deposit = doc.events.find((e) => e.streamId === first && e.type === 'MoneyDeposited')!;
  let version = Math.max(...doc.events.filter((e) => e.streamId === first).map((e) => e.version));
  const events = [...doc.events];
  for (let i = 1; i <= extra; i++) {
    events.push({
      ...deposit,
      position: last.position + i,
      version: ++version,
      data: { ...deposit.data, amount: '1.00', description: `Top-up ${i}` },
      metadata: {
        eventId: `e2e-event-${i}`,
        commandId: `e2e-command-${i}`,
        // A millisecond apart: the file was exported just now, and no event may lie in the future.
        at: new Date(Date.parse(last.metadata.at) + i).toISOString(),
      },
    });
  }
  return { ...doc, eventCount: events.length, events };
}

describe('export, import and CSV', () => {
  let source: AppPage;
  let target: AppPage;
  let exported: string;
  let listing: string[];

  beforeAll(async () => {
    source = await openApp(await session.sharedContext());
    target = await openApp(await session.sharedContext(), '#/data');
  });

  it('exports the log as a JSON file', async () => {
    const { page } = source;
    await seedLedger(page);
    listing = await accountListing(page);
    await goTo(page, 'Data');
    const size = page.getByRole('main').getByRole('status').first();
    await textContaining(size, 'This ledger holds 7 events in 2 accounts');
    // Never exported: the screen says so, and reminds the person to keep a copy.
    await textContaining(size, 'Not exported from this browser yet.');
    await textContaining(page.getByRole('main').getByRole('note'), 'Export a copy and keep it somewhere safe');
    const file = await download(page, () => page.getByRole('button', { name: 'Export ledger' }).click());
    await textContaining(size, 'Last exported ');
    expect(await page.getByRole('main').getByRole('note').count()).toBe(0);
    expect(file.name).toMatch(/^ledger-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(file.text) as ExportDoc;
    expect(doc.format).toBe('ledger-events');
    expect(doc.eventCount).toBe(7);
    expect(doc.events.map((e) => e.type)).toEqual([
      'AccountOpened',
      'MoneyDeposited',
      'AccountOpened',
      'MoneyDeposited',
      'TransferSent',
      'TransferReceived',
      'MoneyWithdrawn',
    ]);
    exported = file.text;
    await textContaining(page.getByRole('region', { name: 'Export' }).getByRole('status'), 'Saved ledger-');
    await shot(page, 'data');
    expectNoErrors(source);
  });

  it('imports the file into a fresh profile with identical balances', async () => {
    const { page } = target;
    await textContaining(page.getByRole('main').getByRole('status').first(), 'This ledger is empty.');
    await importFile(page, exported);
    // Checked whole first, then asked, with what the file holds.
    const ask = question(page, 'Import this file?');
    await textContaining(ask, 'This file holds 7 events in 2 accounts (from ');
    await shot(page, 'data-import-question');
    await ask.getByRole('button', { name: 'Import file' }).click();
    await textContaining(page.getByRole('region', { name: 'Import' }).getByRole('status'), 'Imported 7 events in 2 accounts.');
    await goTo(page, 'Accounts');
    expect(await accountListing(page)).toEqual(listing);
    await showAccount(page, 'Ada Lovelace');
    await until(() => transactionRows(page), (rows) => rows.length === 4);
    expectNoErrors(target);
  });

  it('refuses a broken file before asking anything, says which line and what is wrong, and changes nothing', async () => {
    const { page } = target;
    await goTo(page, 'Data');
    const doc = JSON.parse(exported) as ExportDoc;
    doc.events[3]!.data.amount = '12.345';
    await importFile(page, toLineLayout(doc), 'broken.json');
    const alert = page.getByRole('region', { name: 'Import' }).getByRole('alert');
    await textContaining(alert, 'The file was not imported.');
    // Line 5 of the file (the header is line 1), then the field for a developer in smaller type.
    await textContaining(alert, 'Line 5: EUR amounts have at most 2 decimal places.');
    await textContaining(alert, 'In the file: events[3].data.amount');
    expect(await page.getByRole('alertdialog').count()).toBe(0);

    // A rule broken on replay: the account by its owner, the amounts as the screens write money.
    const overdrawn = JSON.parse(exported) as ExportDoc;
    const withdrawal = overdrawn.events.findIndex((e) => e.type === 'MoneyWithdrawn');
    const owner = overdrawn.events.find((e) => e.type === 'AccountOpened' && e.streamId === overdrawn.events[withdrawal]!.streamId)!.data.ownerName;
    overdrawn.events[withdrawal]!.data.amount = '1000.00';
    await importFile(page, toLineLayout(overdrawn), 'overdrawn.json');
    await textContaining(
      alert,
      `Line ${withdrawal + 2}: this withdrawal of ${await money(page, '1000.00')} from ${String(owner)} would overdraw the account, whose balance is`,
    );
    await shot(page, 'data-import-error');
    expect(await page.getByRole('alertdialog').count()).toBe(0);

    await importFile(page, '{"format": "ledger-events", "version": 1, "events": [', 'truncated.json');
    await textContaining(alert, 'The file is not valid JSON');

    await goTo(page, 'Accounts');
    expect(await accountListing(page)).toEqual(listing);
    expectNoErrors(target);
  });

  it('asks before replacing and keeps the ledger when the person says no', async () => {
    const { page } = target;
    await goTo(page, 'Data');
    await importFile(page, toLineLayout(withDeposits(JSON.parse(exported) as ExportDoc, 1)));
    const ask = question(page, 'Replace your ledger?');
    await textContaining(ask, 'This file holds 8 events in 2 accounts (from ');
    await textContaining(ask, 'Replace your ledger of 7 events?');
    await ask.getByRole('button', { name: 'Keep current ledger' }).click();
    await until(() => page.getByRole('alertdialog').count(), (n) => n === 0);
    await textContaining(page.getByRole('main').getByRole('status').first(), 'This ledger holds 7 events');
    expectNoErrors(target);
  });

  it('replaces the ledger with a long history and pages through it', async () => {
    const { page } = target;
    await importFile(page, toLineLayout(withDeposits(JSON.parse(exported) as ExportDoc, 120)));
    await page.getByRole('button', { name: 'Replace ledger' }).click();
    await textContaining(page.getByRole('region', { name: 'Import' }).getByRole('status'), 'Imported 127 events in 2 accounts.');
    await goTo(page, 'Accounts');
    await showAccount(page, 'Ada Lovelace');
    await textContaining(page.getByTestId('balance'), await money(page, '220.00'));
    const pages = page.getByRole('navigation', { name: 'Transaction pages' });
    await textContaining(pages, '1–50 of 124 transactions');
    let rows = await transactionRows(page);
    expect(rows[0]?.[1]).toBe('Deposit Top-up 120');
    expect(rows[0]?.[3]).toBe(await money(page, '220.00'));
    await pages.getByRole('button', { name: 'Next' }).click();
    await textContaining(pages, '51–100 of 124');
    rows = await transactionRows(page);
    expect(rows[0]?.[1]).toBe('Deposit Top-up 70');
    expect(rows[0]?.[3]).toBe(await money(page, '170.00'));
    await pages.getByRole('button', { name: 'Next' }).click();
    await textContaining(pages, '101–124 of 124');
    expect(await pages.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    expect((await transactionRows(page)).at(-1)?.[1]).toBe('Deposit Initial deposit');
    await pages.getByRole('button', { name: 'Previous' }).click();
    await textContaining(pages, '51–100 of 124');
    expectNoErrors(target);
  });

  it('downloads an account’s transactions as CSV with formulas neutralised', async () => {
    const { page } = source;
    await goTo(page, 'Accounts');
    await showAccount(page, 'Bob Bemer');
    await moveMoneyTo(page, 'Deposit', '5.00', '35.00', { description: '=HYPERLINK("http://x","y"), really' });
    const file = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(file.name).toMatch(/^transactions-[\w-]+-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = file.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Date,Type,Description,Counterparty,Amount,Balance after,Currency,Version,Position');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^[\d:.TZ-]+,Transfer in,,[\w-]+,30\.00,30\.00,EUR,2,6$/);
    expect(lines[2]).toMatch(/^[\d:.TZ-]+,Deposit,"'=HYPERLINK\(""http:\/\/x"",""y""\), really",,5\.00,35\.00,EUR,3,8$/);
    expectNoErrors(source);
  });

  it('refuses a file that is not valid JSON (a truncated, hand-made layout) and changes nothing', async () => {
    const { page } = target;
    await goTo(page, 'Data');
    await textContaining(page.getByRole('main').getByRole('status').first(), 'This ledger holds 127 events');
    await importFile(page, '{"format": "ledger-events", "version": 1, "events": [', 'truncated.json');
    await textContaining(page.getByRole('region', { name: 'Import' }).getByRole('alert'), 'The file is not valid JSON');
    await textContaining(page.getByRole('main').getByRole('status').first(), 'This ledger holds 127 events');
    expectNoErrors(target);
  });

  it('shows the progress of a long import and cancels it, leaving the ledger as it was', async () => {
    const { page } = target;
    await importFile(page, toLineLayout(withDeposits(JSON.parse(exported) as ExportDoc, 100_000)), 'big.json');
    const ask = question(page, 'Replace your ledger?');
    await textContaining(ask, 'This file holds 100,007 events in 2 accounts');
    await ask.getByRole('button', { name: 'Replace ledger' }).click();
    const panel = page.getByRole('region', { name: 'Import' });
    const progress = panel.getByRole('progressbar');
    await textContaining(panel, 'of 100,007 events…');
    expect(Number(await progress.getAttribute('max'))).toBe(100_007);
    await shot(page, 'data-import-progress');
    await panel.getByRole('button', { name: 'Cancel import' }).click();
    await textContaining(panel.getByRole('status'), 'The import was cancelled; the ledger is unchanged.');
    await textContaining(page.getByRole('main').getByRole('status').first(), 'This ledger holds 127 events');
    expectNoErrors(target);
  });

  it('imports a valid export written in another JSON layout (pretty-printed by an editor)', async () => {
    const other = await freshApp(session.browser, '#/data');
    try {
      const { page } = other;
      await importFile(page, JSON.stringify(JSON.parse(exported), null, 2), 'pretty.json');
      await question(page, 'Import this file?').getByRole('button', { name: 'Import file' }).click();
      await textContaining(page.getByRole('region', { name: 'Import' }).getByRole('status'), 'Imported 7 events in 2 accounts.');
      await goTo(page, 'Accounts');
      expect(await accountListing(page)).toEqual(listing);
      expectNoErrors(other);
    } finally {
      await other.context.close();
    }
  });
});
