import { beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_VIEWPORT, useBrowser } from './browser';
import {
  accountBalance,
  accountListing,
  actions,
  atPhoneSize,
  expectNoErrors,
  shot,
  fitsWidth,
  money,
  moveMoney,
  moveMoneyTo,
  openAccount,
  freshApp,
  openApp,
  showAccount,
  textContaining,
  transactionRows,
  until,
  type AppPage,
} from './app-actions';

const session = useBrowser();

describe('accounts and money', () => {
  let app: AppPage;

  beforeAll(async () => {
    app = await openApp(await session.sharedContext());
  });

  it('shows an empty state before any account exists', async () => {
    const { page } = app;
    await page.getByRole('heading', { name: 'No accounts yet' }).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    await shot(page, 'accounts-empty');
    expectNoErrors(app);
  });

  it('opens accounts and shows each balance and the total per currency', async () => {
    const { page } = app;
    await openAccount(page, 'Ada Lovelace', 'EUR', '100.00');
    await openAccount(page, 'Charles Babbage', 'EUR');
    await openAccount(page, 'Grace Hopper', 'USD', '2500');
    // The form says "Opened" when the write is done; the list shows the account when its live query runs again.
    expect(await until(() => accountListing(page), (rows) => rows.length === 3)).toEqual([
      expect.stringMatching(new RegExp(`^Ada Lovelace \\w+ \\| EUR \\| Open \\| ${escape(await money(page, '100.00'))}$`)),
      expect.stringMatching(new RegExp(`^Charles Babbage \\w+ \\| EUR \\| Open \\| ${escape(await money(page, '0.00'))}$`)),
      expect.stringMatching(new RegExp(`^Grace Hopper \\w+ \\| USD \\| Open \\| ${escape(await money(page, '2500.00', 'USD'))}$`)),
    ]);
    const totals = page.getByRole('region', { name: 'Totals per currency' });
    await textContaining(totals, `Total EUR ${await money(page, '100.00')} 2 accounts`);
    await textContaining(totals, `Total USD ${await money(page, '2500.00', 'USD')} 1 account`);
    await shot(page, 'accounts-list');
    expectNoErrors(app);
  });

  it('validates the owner name and amounts as the person types, with the domain’s messages', async () => {
    const { page } = app;
    const form = page.getByRole('region', { name: 'Open an account' });
    const deposit = form.getByLabel('Initial deposit (optional)');
    await form.getByLabel('Currency').selectOption('EUR');
    // The placeholder shows an amount's shape in the chosen currency.
    expect(await deposit.getAttribute('placeholder')).toBe('0.00');
    await deposit.fill('12.345');
    await textContaining(form, 'EUR amounts have at most 2 decimal places.');
    expect(await deposit.getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Currency').selectOption('JPY');
    await textContaining(form, 'JPY has no minor unit; the initial deposit must be a whole number.');
    expect(await deposit.getAttribute('placeholder')).toBe('0');
    await deposit.fill('12');
    await until(() => deposit.getAttribute('aria-invalid'), (value) => value === 'false');
    await form.getByRole('button', { name: 'Open account' }).click();
    await textContaining(form, 'Enter the account owner’s name.');
    expect(await accountListing(page)).toHaveLength(3);
    await form.getByLabel('Currency').selectOption('EUR');
    await deposit.fill('');
    expectNoErrors(app);
  });

  it('deposits, withdraws and transfers, with a running balance newest first', async () => {
    const { page } = app;
    await showAccount(page, 'Ada Lovelace');
    // The new screen has the focus, so the next Tab goes into it, not back through the header.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
    // The skip link takes the focus there too, and stays on this screen.
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => [document.activeElement?.id, location.hash.startsWith('#/accounts/')])).toEqual(['main', true]);
    await page.getByRole('heading', { level: 2, name: 'Ada Lovelace' }).waitFor();
    // What is typed under one tab is still there after a look at another.
    const region = actions(page);
    await region.getByRole('tab', { name: 'Deposit' }).click();
    await region.getByRole('tabpanel').getByLabel('Amount').fill('12.34');
    await region.getByRole('tabpanel').getByLabel('Description (optional)').fill('Half typed');
    await region.getByRole('tab', { name: 'Transfer' }).click();
    expect(await region.getByRole('tabpanel').getByLabel('Amount').inputValue()).toBe('');
    await region.getByRole('tab', { name: 'Deposit' }).click();
    expect(await region.getByRole('tabpanel').getByLabel('Amount').inputValue()).toBe('12.34');
    expect(await region.getByRole('tabpanel').getByLabel('Description (optional)').inputValue()).toBe('Half typed');
    await moveMoneyTo(page, 'Deposit', '50.50', '150.50', { description: 'Salary' });
    await moveMoneyTo(page, 'Withdraw', '20.25', '130.25', { description: 'Groceries' });

    await actions(page).getByRole('tab', { name: 'Transfer' }).click();
    const targets = await actions(page).getByLabel('To account').locator('option').allTextContents();
    expect(targets.map((t) => t.replace(/ \(.*\)$/, ''))).toEqual(['Choose an account…', 'Charles Babbage']);
    await moveMoneyTo(page, 'Transfer', '30.25', '100.00', { to: 'Charles Babbage', description: 'Loan' });

    // The balance and the history are separate live reads: wait for the history to catch up too.
    const rows = await until(() => transactionRows(page), (list) => list.length === 4);
    expect(rows.map(([, details, amount, balance]) => [details, amount, balance])).toEqual([
      ['Transfer out to Charles Babbage Loan', await money(page, '-30.25', 'EUR', true), await money(page, '100.00')],
      ['Withdrawal Groceries', await money(page, '-20.25', 'EUR', true), await money(page, '130.25')],
      ['Deposit Salary', await money(page, '50.50', 'EUR', true), await money(page, '150.50')],
      ['Deposit Initial deposit', await money(page, '100.00', 'EUR', true), await money(page, '100.00')],
    ]);
    expectNoErrors(app);
  });

  it('refuses an overdraft with the domain’s message and leaves the balance as it was', async () => {
    const { page } = app;
    const panel = await moveMoney(page, 'Withdraw', '1000');
    const alert = panel.getByRole('alert');
    // The domain's message, its amounts as the screens show money.
    await textContaining(alert, `Insufficient funds: the balance is ${await money(page, '100.00')}, ${await money(page, '1000.00')} was requested.`);
    expect(await accountBalance(page).textContent()).toBe(await money(page, '100.00'));
    await expect.poll(async () => (await transactionRows(page)).length, { timeout: 10_000 }).toBe(4);

    await panel.getByLabel('Amount').fill('-5');
    await textContaining(panel, 'The amount must be greater than zero.');
    await panel.getByLabel('Amount').fill('abc');
    await textContaining(panel, '"abc" is not an amount');
    await page.getByText('Event stream', { exact: true }).click();
    const events = page.locator('details');
    await textContaining(events, 'TransferSent');
    await textContaining(events, '"description": "Loan"');
    await shot(page, 'account-page');
    expectNoErrors(app);
  });

  it('counts a double-clicked deposit once', async () => {
    const { page } = app;
    const region = actions(page);
    await region.getByRole('tab', { name: 'Deposit' }).click();
    const panel = region.getByRole('tabpanel');
    await panel.getByLabel('Amount').fill('7.00');
    await panel.getByRole('button', { name: 'Deposit' }).dblclick();
    // Not the "Deposited" notice: when the first click's deposit is done before the second click, that click
    // finds the form emptied and says so instead. Either way the money moves once.
    await textContaining(accountBalance(page), await money(page, '107.00'));
    // Let any second submit land before counting.
    await until(() => transactionRows(page), (rows) => rows.length >= 5);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200))));
    const rows = await transactionRows(page);
    expect(rows).toHaveLength(5);
    expect(await accountBalance(page).textContent()).toBe(await money(page, '107.00'));
    expectNoErrors(app);
  });

  it('refuses to close an account that holds money, then closes it and offers no commands', async () => {
    const { page } = app;
    await page.getByRole('link', { name: '← All accounts' }).click();
    await showAccount(page, 'Charles Babbage');
    await actions(page).getByRole('tab', { name: 'Close' }).click();
    const panel = actions(page).getByRole('tabpanel');
    // Closing cannot be undone: the button asks first, and Escape or "Keep it open" changes nothing.
    await panel.getByRole('button', { name: 'Close account' }).click();
    const question = panel.getByRole('alertdialog', { name: 'Close the account of Charles Babbage for good?' });
    await until(() => question.evaluate((node) => node === document.activeElement), (focused) => focused);
    await shot(page, 'account-close-question');
    await page.keyboard.press('Escape');
    await until(() => panel.getByRole('button', { name: 'Close account' }).evaluate((node) => node === document.activeElement), (focused) => focused);
    expect(await panel.getByRole('alertdialog').count()).toBe(0);
    await panel.getByRole('button', { name: 'Close account' }).click();
    await question.getByRole('button', { name: 'Keep it open' }).click();
    expect(await panel.getByRole('alertdialog').count()).toBe(0);
    await panel.getByRole('button', { name: 'Close account' }).click();
    await question.getByRole('button', { name: 'Close for good' }).click();
    await textContaining(panel.getByRole('alert'), `Only an account with a zero balance can be closed; this one holds ${await money(page, '30.25')}`);
    await until(() => panel.getByRole('button', { name: 'Close account' }).evaluate((node) => node === document.activeElement), (focused) => focused);

    await moveMoneyTo(page, 'Withdraw', '30.25', '0.00');
    await actions(page).getByRole('tab', { name: 'Close' }).click();
    await panel.getByLabel('Reason (optional)').fill('Moved abroad');
    await panel.getByRole('button', { name: 'Close account' }).click();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Account closed' }).waitFor();
    await textContaining(page.getByRole('region', { name: 'Account closed' }), 'Reason: “Moved abroad”.');
    expect(await page.getByRole('region', { name: 'Move money' }).count()).toBe(0);
    expect(await page.getByRole('tab').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Deposit|Withdraw|Transfer|Close account/ }).count()).toBe(0);
    await shot(page, 'account-closed');

    // A closed account no longer receives transfers.
    await page.getByRole('link', { name: '← All accounts' }).click();
    await showAccount(page, 'Ada Lovelace');
    await actions(page).getByRole('tab', { name: 'Transfer' }).click();
    await textContaining(actions(page), 'There is no other open EUR account to transfer to.');
    expectNoErrors(app);
  });

  it('keeps everything after a reload', async () => {
    const { page } = app;
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Ada Lovelace' }).waitFor();
    await textContaining(accountBalance(page), await money(page, '107.00'));
    await until(() => transactionRows(page), (rows) => rows.length === 5);
    await page.getByRole('link', { name: '← All accounts' }).click();
    expect(await accountListing(page)).toEqual([
      expect.stringContaining(`| EUR | Open | ${await money(page, '107.00')}`),
      expect.stringContaining(`| EUR | Closed | ${await money(page, '0.00')}`),
      expect.stringContaining(`| USD | Open | ${await money(page, '2500.00', 'USD')}`),
    ]);
    expectNoErrors(app);
  });

  it('fits a phone screen', async () => {
    const { page } = app;
    await atPhoneSize(page, async () => {
      await fitsWidth(page);
      await shot(page, 'accounts-phone');
      await showAccount(page, 'Ada Lovelace');
      await fitsWidth(page);
      await shot(page, 'account-phone');
    });
    expectNoErrors(app);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('amounts written the person’s own way', () => {
  it('takes "1.234,50" and "100,50" in a German browser, says what it understood, and shows money the German way', async () => {
    const context = await session.browser.newContext({ locale: 'de-DE', viewport: DESKTOP_VIEWPORT });
    const app = await openApp(context);
    const { page } = app;
    const form = page.getByRole('region', { name: 'Open an account' });
    await form.getByLabel('Owner name').fill('Grete Müller');
    const deposit = form.getByLabel('Initial deposit (optional)');
    expect(await deposit.getAttribute('placeholder')).toBe('0,00');
    await deposit.fill('1.234,50');
    await textContaining(form, `Understood as ${await money(page, '1234.50')}`);
    await form.getByRole('button', { name: 'Open account' }).click();
    await textContaining(form.getByRole('status'), `Opened an account for Grete Müller with ${await money(page, '1234.50')}.`);

    await showAccount(page, 'Grete Müller');
    await moveMoneyTo(page, 'Deposit', '100,50', '1335.00');
    // The balance and the transactions are two live queries: the deposit's row may show a moment after the balance.
    const oneLine = (text: string) => text.replace(/\s+/g, ' ');
    const deposited = oneLine(await money(page, '100.50', 'EUR', true));
    const [newest] = await until(() => transactionRows(page), (rows) => rows.length === 2);
    expect(oneLine(newest!.join(' | '))).toContain(deposited);
    expectNoErrors(app);
    await context.close();
  });
});

describe('totals in the millions', () => {
  it('shows each total and balance whole, on a desktop and on a phone', async () => {
    const app = await freshApp(session.browser);
    const { page } = app;
    const opened: [string, string, string][] = [
      ['Erika', 'EUR', '1234567.89'],
      ['Uma', 'USD', '25000000'],
      ['Yoko', 'JPY', '12345678901'],
      ['Greta', 'GBP', '345678.12'],
    ];
    for (const [owner, currency, amount] of opened) await openAccount(page, owner, currency, amount);
    const totals = page.getByRole('region', { name: 'Totals per currency' });
    for (const [, currency, amount] of opened) await textContaining(totals, await money(page, amount, currency));
    // Whole: no total is cut by its card, or runs out of it.
    const clipped = () =>
      totals.locator('li').evaluateAll((cards) =>
        cards.filter((card) => {
          const amount = card.querySelector('.num')!.getBoundingClientRect();
          const box = card.getBoundingClientRect();
          return amount.right > box.right || card.scrollWidth > card.clientWidth;
        }).length,
      );
    expect(await clipped()).toBe(0);
    await atPhoneSize(page, async () => {
      await fitsWidth(page);
      expect(await clipped()).toBe(0);
      await shot(page, 'accounts-totals-phone');
    });
    await shot(page, 'accounts-totals');

    // An account page with a balance near the largest amount and a description with no spaces fits a phone too.
    await showAccount(page, 'Erika');
    await moveMoneyTo(page, 'Deposit', '999999999999999.99', '1000000001234567.88', { description: 'x'.repeat(120) });
    await atPhoneSize(page, async () => {
      await fitsWidth(page);
      // The description breaks to its column's width instead of widening the table by its whole length.
      const description = page.getByRole('region', { name: 'Transactions' }).locator('.description').first();
      expect(await description.evaluate((node) => node.getBoundingClientRect().width)).toBeLessThan(200);
      await shot(page, 'account-huge-phone');
    });
    expectNoErrors(app);
    await app.context.close();
  });
});
