import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';
import { baseUrl, DESKTOP_VIEWPORT, newContext, screenshot, watchErrors } from './browser';

/** Shared steps of the app's browser tests, written the way a person uses the app: by labels and roles. */

export interface AppPage {
  page: Page;
  errors: string[];
  /** The answer to the page's first navigation (null when none came). */
  response?: Response | null;
}

export async function openApp(context: BrowserContext, hash = '#/accounts'): Promise<AppPage> {
  const page = await context.newPage();
  const errors = watchErrors(page);
  // Fail in seconds, not Playwright's 30 s, so one broken step does not stall the whole file.
  page.setDefaultTimeout(8_000);
  const response = await page.goto(`${baseUrl()}${hash}`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { page, errors, response };
}

export async function freshApp(browser: Browser, hash?: string): Promise<AppPage & { context: BrowserContext }> {
  const context = await newContext(browser);
  return { context, ...(await openApp(context, hash)) };
}

/** Polls a condition until it holds (or the test times out), instead of sleeping. */
export async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, timeout = 10_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`Condition not met in ${timeout} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

/** Waits until the locator's text (whitespace collapsed, as it reads) contains `expected`, and returns it. */
export function textContaining(locator: Locator, expected: string): Promise<string> {
  // Both sides with their white space collapsed: Intl puts a no-break space inside amounts in many locales.
  const wanted = expected.replace(/\s+/g, ' ');
  return until(
    async () => ((await locator.textContent()) ?? '').replace(/\s+/g, ' '),
    (text) => text.includes(wanted),
  );
}

/** How the app shows an amount: the page's own Intl, so the tests do not depend on the machine's locale. */
export function money(page: Page, amount: string, currency = 'EUR', signed = false): Promise<string> {
  return page.evaluate(
    ([value, code, withSign]) =>
      new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency: code,
        signDisplay: withSign ? 'exceptZero' : 'auto',
      }).format(value as `${number}`),
    [amount, currency, signed] as const,
  );
}

export async function goTo(page: Page, section: 'Accounts' | 'History' | 'Data'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 2, name: section === 'Data' ? 'Your data' : section }).waitFor();
}

export async function openAccount(page: Page, owner: string, currency = 'EUR', initialDeposit = ''): Promise<void> {
  const form = page.getByRole('region', { name: 'Open an account' });
  await form.getByLabel('Owner name').fill(owner);
  await form.getByLabel('Currency').selectOption(currency);
  await form.getByLabel('Initial deposit (optional)').fill(initialDeposit);
  await form.getByRole('button', { name: 'Open account' }).click();
  await textContaining(form.getByRole('status'), `Opened an account for ${owner}`);
}

export async function showAccount(page: Page, owner: string): Promise<void> {
  await page.getByRole('link', { name: owner, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: owner }).waitFor();
}

export function accountBalance(page: Page): Locator {
  return page.getByTestId('balance');
}

export function actions(page: Page): Locator {
  return page.getByRole('region', { name: 'Move money' });
}

/** Fills one of the money forms and submits it; returns the panel, whose status or alert says how it went. */
export async function moveMoney(
  page: Page,
  kind: 'Deposit' | 'Withdraw' | 'Transfer',
  amount: string,
  options: { description?: string; to?: string } = {},
): Promise<Locator> {
  const region = actions(page);
  await region.getByRole('tab', { name: kind }).click();
  const panel = region.getByRole('tabpanel');
  if (options.to) {
    // Options read "Owner (id…)": pick by the owner's name, as a person would.
    const select = panel.getByLabel('To account');
    const value = await select.locator('option', { hasText: options.to }).getAttribute('value');
    await select.selectOption(value ?? '');
  }
  await panel.getByLabel('Amount').fill(amount);
  await panel.getByLabel('Description (optional)').fill(options.description ?? '');
  await panel.getByRole('button', { name: kind }).click();
  return panel;
}

/** Runs a money command and waits for the account's balance to show `expected`. */
export async function moveMoneyTo(
  page: Page,
  kind: 'Deposit' | 'Withdraw' | 'Transfer',
  amount: string,
  expected: string,
  options: { description?: string; to?: string; currency?: string } = {},
): Promise<void> {
  const panel = await moveMoney(page, kind, amount, options);
  await panel.getByRole('status').waitFor();
  await textContaining(accountBalance(page), await money(page, expected, options.currency));
}

/** The transactions table as rows of the cell texts a person sees (innerText skips hidden copies), newest first. */
export async function transactionRows(page: Page): Promise<string[][]> {
  const table = page.getByRole('region', { name: 'Transactions' }).getByRole('table');
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.innerText.replace(/\s+/g, ' ').trim())),
  );
}

/** The account list as "owner | currency | status | balance" lines, for comparing two profiles. */
export async function accountListing(page: Page): Promise<string[]> {
  const table = page.getByRole('region', { name: 'Your accounts' }).getByRole('table');
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.innerText.replace(/\s+/g, ' ').trim()).join(' | '),
    ),
  );
}

/** Waits for the layout to settle at the current width; fails if the page keeps scrolling sideways. */
export async function fitsWidth(page: Page): Promise<void> {
  await until(
    () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    (overflow) => overflow <= 0,
    3_000,
  );
}

const PHONE_VIEWPORT = { width: 390, height: 844 };

/** Runs `steps` at a phone's size, then goes back to the desktop size the file's other tests were written for. */
export async function atPhoneSize(page: Page, steps: () => Promise<void>): Promise<void> {
  await page.setViewportSize(PHONE_VIEWPORT);
  await steps();
  await page.setViewportSize(DESKTOP_VIEWPORT);
}

/** A full-page screenshot from the top, so the sticky header does not cover what scrolled under it. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

export function expectNoErrors(app: AppPage): void {
  expect(app.errors).toEqual([]);
}

/**
 * A small known ledger, seven events: Ada opens with 100.00 (positions 1-2), Bob opens (3),
 * Ada deposits 50.00 (4), sends Bob 30.00 (5-6) and withdraws 20.00 (7). Ada ends at 100.00, Bob at 30.00.
 */
export async function seedLedger(page: Page): Promise<void> {
  await openAccount(page, 'Ada Lovelace', 'EUR', '100.00');
  await openAccount(page, 'Bob Bemer', 'EUR');
  await showAccount(page, 'Ada Lovelace');
  await moveMoneyTo(page, 'Deposit', '50.00', '150.00');
  await moveMoneyTo(page, 'Transfer', '30.00', '120.00', { to: 'Bob Bemer' });
  await moveMoneyTo(page, 'Withdraw', '20.00', '100.00');
  await goTo(page, 'Accounts');
}
