import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { exportedEvent } from '../../src/app/export-format';
import { generateLog, type GeneratedLog } from '../bench/generate';
import { useBrowser } from './browser';
import { atPhoneSize, expectNoErrors, fitsWidth, freshApp, money, openApp, seedLedger, shot, textContaining, until, type AppPage } from './app-actions';

let files: string;
// Registered before the browser, so the file outlives it (Vitest runs afterAll hooks last-registered first).
beforeAll(async () => {
  files = await mkdtemp(join(tmpdir(), 'ledger-e2e-log-'));
});
afterAll(async () => {
  await rm(files, { recursive: true, force: true });
});
const session = useBrowser();

const findCard = (page: Page) => page.getByRole('region', { name: 'Find events' });
const eventsCard = (page: Page) => page.getByRole('region', { name: 'Events' });
const pager = (page: Page) => page.getByRole('navigation', { name: 'Event pages' });
const rows = (page: Page) => eventsCard(page).getByRole('table').locator('tbody tr:not(.json)');
/** The row of a small position (written the same in every locale). */
const row = (page: Page, position: number) => rows(page).filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${position}$`) }) });

async function openEventLog(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Event log' }).click();
  await page.getByRole('heading', { level: 2, name: 'Event log' }).waitFor();
}

/** The rows on screen as the cells a person reads (position, time, account, type, amount), newest first. */
function cells(page: Page): Promise<string[][]> {
  return rows(page).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.innerText.replace(/\s+/g, ' ').trim())));
}

/** The positions of the rows on screen, read back from the page's own number format. */
async function positions(page: Page): Promise<number[]> {
  return (await cells(page)).map(([position]) => Number(position!.replace(/\D/g, '')));
}

/** Waits until the rows on screen are exactly these positions. */
function showing(page: Page, expected: number[]): Promise<number[]> {
  return until(
    () => positions(page),
    (shown) => JSON.stringify(shown) === JSON.stringify(expected),
  );
}

/** A number and a time as the page writes them: its own Intl, so the test does not depend on the machine's locale. */
function inPage(page: Page) {
  return {
    count: (n: number) => page.evaluate((value) => new Intl.NumberFormat().format(value), n),
    time: (iso: string) => page.evaluate((at) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(at)), iso),
    /** The value a datetime-local field shows for an instant, in the page's time zone. */
    local: (iso: string) =>
      page.evaluate((at) => {
        const d = new Date(at);
        const pad = (n: number) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      }, iso),
  };
}

/** Opens a row's stored JSON and reads it. */
async function openJson(page: Page, target: Locator): Promise<unknown> {
  const toggle = target.getByRole('button', { name: /^JSON/ });
  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  const pre = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
  return JSON.parse((await pre.textContent()) ?? '');
}

describe('the event log of a small ledger', () => {
  it('loads its code only when it is first opened', async () => {
    const { context, ...fresh } = await freshApp(session.browser);
    const scripts: string[] = [];
    fresh.page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await fresh.page.reload();
    await fresh.page.getByRole('heading', { level: 2, name: 'Accounts' }).waitFor();
    expect(scripts.filter((path) => /EventLogScreen/.test(path))).toEqual([]);
    await openEventLog(fresh.page);
    expect(scripts.filter((path) => /EventLogScreen/.test(path))).toHaveLength(1);
    await eventsCard(fresh.page).getByRole('heading', { name: 'Nothing has happened yet' }).waitFor();
    expectNoErrors(fresh);
    await context.close();
  });

  let app: AppPage;
  beforeAll(async () => {
    app = await openApp(await session.sharedContext());
    await seedLedger(app.page);
  });

  it('lists every event newest first: position, time, owner, type with its schema version, and the amount in the person’s format', async () => {
    const { page } = app;
    await openEventLog(page);
    await showing(page, [7, 6, 5, 4, 3, 2, 1]);
    const signed = (amount: string) => money(page, amount, 'EUR', true);
    const shown = await cells(page);
    expect(shown.map(([position, , owner, type, amount]) => [position, owner, type, amount])).toEqual([
      ['7', 'Ada Lovelace', 'MoneyWithdrawn v2', await signed('-20.00')],
      ['6', 'Bob Bemer', 'TransferReceived v1', await signed('30.00')],
      ['5', 'Ada Lovelace', 'TransferSent v1', await signed('-30.00')],
      ['4', 'Ada Lovelace', 'MoneyDeposited v2', await signed('50.00')],
      ['3', 'Bob Bemer', 'AccountOpened v2', '—'],
      ['2', 'Ada Lovelace', 'MoneyDeposited v2', await signed('100.00')],
      ['1', 'Ada Lovelace', 'AccountOpened v2', '—'],
    ]);
    const stored = (await openJson(page, row(page, 5))) as { position: number; type: string; data: { amount: string; toAccountId: string }; metadata: { at: string } };
    expect(stored).toMatchObject({ position: 5, type: 'TransferSent', schemaVersion: 1, data: { amount: '30.00' } });
    expect(shown[2]![1]).toBe(await inPage(page).time(stored.metadata.at));
    await textContaining(pager(page), 'Events 7 back to 1 of 7');
    expect(await pager(page).getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await shot(page, 'event-log');
    expectNoErrors(app);
  });

  it('opens the ledger as of an event in one click, and History leads back to the event in the log', async () => {
    const { page } = app;
    await row(page, 5).getByRole('link', { name: /^Ledger then/ }).click();
    const card = page.getByRole('region', { name: 'The whole ledger at a point in time' });
    // The transfer's first half opens the ledger once the whole transfer is done: it never was half done.
    await textContaining(card.getByRole('status'), 'After event 6 of 7');
    expect(page.url()).toMatch(/#\/history\?at=5$/);
    await textContaining(card.getByTestId('what-happened'), `Transfer of ${await money(page, '30.00')} from Ada Lovelace to Bob Bemer`);
    await textContaining(card.getByRole('table'), await money(page, '120.00'));

    await card.getByRole('link', { name: 'See its events' }).click();
    await page.getByRole('heading', { level: 2, name: 'Event log' }).waitFor();
    await showing(page, [6, 5, 4, 3, 2, 1]);
    expect(await rows(page).first().getAttribute('aria-current')).toBe('true');
    expectNoErrors(app);
  });

  it('fits a phone screen', async () => {
    const { page } = app;
    await atPhoneSize(page, async () => {
      await fitsWidth(page);
      // Every column a phone keeps, the amount included, is in sight without scrolling the table sideways.
      const table = page.getByRole('table', { name: 'Events, newest first' });
      await shot(page, 'event-log-phone');
      await until(() => table.evaluate((node) => node.scrollWidth - node.parentElement!.clientWidth), (overflow) => overflow <= 0);
      await shot(page, 'event-log-phone');
    });
    expectNoErrors(app);
  });
});

describe('the event log at 100,000 events', () => {
  const TOTAL = 100_000;
  let app: AppPage;
  let log: GeneratedLog;
  /** Positions of the events that pass `keep`, newest first, at or before `at`, one page of 50. */
  const newest = (keep: (e: GeneratedLog['events'][number]) => boolean, at = TOTAL) =>
    log.events.filter((e) => e.stored.position <= at && keep(e)).map((e) => e.stored.position).reverse().slice(0, 50);
  const run = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);

  beforeAll(async () => {
    log = generateLog(TOTAL, 100);
    const file = join(files, 'ledger-100k.json');
    await writeFile(file, log.text);
    const fresh = await freshApp(session.browser, '#/data');
    app = fresh;
    const panel = fresh.page.getByRole('region', { name: 'Import' });
    await panel.getByLabel('Ledger file (JSON)').setInputFiles(file);
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    // Whether or not the app asks before it imports into an empty ledger, the answer is yes.
    await until(
      async () => {
        const confirm = panel.getByRole('button', { name: /^(Import file|Replace ledger)$/ });
        if (await confirm.isVisible()) await confirm.click();
        return (await panel.textContent()) ?? '';
      },
      (text) => /Imported 100.?000 events/.test(text),
      60_000,
    );
  });

  it('shows the newest events first and pages through them by position', async () => {
    const { page } = app;
    await openEventLog(page);
    await showing(page, run(100_000, 99_951));
    await textContaining(pager(page), `Events ${await inPage(page).count(100_000)} back to ${await inPage(page).count(99_951)}`);
    const [first] = await cells(page);
    const event = log.events[TOTAL - 1]!;
    expect(first).toEqual([
      await inPage(page).count(TOTAL),
      await inPage(page).time(event.stored.metadata.at),
      `Owner ${event.streamId.slice(4)}`,
      `${event.stored.type} v${event.stored.schemaVersion}`,
      await money(page, event.stored.type === 'MoneyDeposited' || event.stored.type === 'TransferReceived' ? String(event.stored.data.amount) : `-${String(event.stored.data.amount)}`, 'EUR', true),
    ]);

    const buttons = pager(page);
    await buttons.getByRole('button', { name: 'Older' }).click();
    await showing(page, run(99_950, 99_901));
    await buttons.getByRole('button', { name: 'Newer' }).click();
    await showing(page, run(100_000, 99_951));
    await buttons.getByRole('button', { name: 'Oldest' }).click();
    await showing(page, run(50, 1));
    expect(await buttons.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await buttons.getByRole('button', { name: 'Newest' }).click();
    await showing(page, run(100_000, 99_951));
    expectNoErrors(app);
  });

  it('jumps to a position, and filters around it by account, then by type too', async () => {
    const { page } = app;
    const jump = findCard(page).getByLabel('Go to position');
    await jump.fill('12345');
    await jump.press('Enter');
    await showing(page, run(12_345, 12_296));
    expect(await rows(page).first().getAttribute('aria-current')).toBe('true');

    await findCard(page).getByLabel('Account').selectOption({ label: 'Owner 7 · EUR (acc-7)' });
    await showing(page, newest((e) => e.streamId === 'acc-7', 12_345));
    expect(new Set((await cells(page)).map((cell) => cell[2]))).toEqual(new Set(['Owner 7']));

    await findCard(page).getByLabel('Type').selectOption('MoneyWithdrawn');
    await showing(page, newest((e) => e.streamId === 'acc-7' && e.stored.type === 'MoneyWithdrawn', 12_345));
    expect(new Set((await cells(page)).map((cell) => cell[3]))).toEqual(new Set(['MoneyWithdrawn v2']));
    await textContaining(pager(page), 'matching events');
    await shot(page, 'event-log-filtered');
    expectNoErrors(app);
  });

  it('filters by a time range, and clears every filter at once', async () => {
    const { page } = app;
    await findCard(page).getByRole('button', { name: 'Clear filters' }).click();
    await showing(page, run(12_345, 12_296));
    const [since, until_] = [log.events[50_000 - 1]!.stored.metadata.at, log.events[50_020 - 1]!.stored.metadata.at];
    await pager(page).getByRole('button', { name: 'Newest' }).click();
    await findCard(page).getByLabel('From', { exact: true }).fill(await inPage(page).local(since));
    await findCard(page).getByLabel('To', { exact: true }).fill(await inPage(page).local(until_));
    await showing(page, newest((e) => e.stored.metadata.at >= since && e.stored.metadata.at <= until_));
    expect((await positions(page))[0]).toBeGreaterThanOrEqual(50_020);
    await findCard(page).getByRole('button', { name: 'Clear filters' }).click();
    await showing(page, run(100_000, 99_951));
    expectNoErrors(app);
  });

  it('shows an event’s stored JSON, and opens the ledger as of that event', async () => {
    const { page } = app;
    const jump = findCard(page).getByLabel('Go to position');
    // A transfer's first half: the ledger as of it is the ledger once the whole transfer is done.
    const sent = log.events.find((e) => e.stored.position > 70_000 && e.stored.type === 'TransferSent')!;
    const p = sent.stored.position;
    await jump.fill(String(p));
    await jump.press('Enter');
    await showing(page, run(p, p - 49));
    expect(await openJson(page, rows(page).first())).toEqual(exportedEvent(sent.streamId, sent.stored));

    await rows(page).first().getByRole('link', { name: /^Ledger then/ }).click();
    const card = page.getByRole('region', { name: 'The whole ledger at a point in time' });
    await textContaining(card.getByRole('status'), `After event ${await inPage(page).count(p + 1)} of ${await inPage(page).count(TOTAL)}`);
    const to = String(sent.stored.data.toAccountId);
    await textContaining(card.getByTestId('what-happened'), `Transfer of ${await money(page, String(sent.stored.data.amount))} from Owner ${sent.streamId.slice(4)} to Owner ${to.slice(4)}`);
    // The receiver's balance then, summed from the generated events in cents: no amount goes through a float.
    let cents = 0n;
    for (const e of log.events.slice(0, p + 1)) {
      if (e.streamId !== to || !('amount' in e.stored.data)) continue;
      const amount = BigInt(String(e.stored.data.amount).replace('.', ''));
      cents += e.stored.type === 'MoneyDeposited' || e.stored.type === 'TransferReceived' ? amount : -amount;
    }
    const balance = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    const receiver = card.getByRole('row').filter({ has: page.getByRole('cell', { name: `Owner ${to.slice(4)}`, exact: true }) });
    await textContaining(receiver, await money(page, balance));
    expectNoErrors(app);
  });
});
