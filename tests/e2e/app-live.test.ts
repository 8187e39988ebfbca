import { beforeAll, expect, it } from 'vitest';
import { useBrowser } from './browser';
import {
  accountBalance,
  accountListing,
  expectNoErrors,
  shot,
  money,
  moveMoneyTo,
  openAccount,
  openApp,
  showAccount,
  textContaining,
  transactionRows,
  until,
  type AppPage,
} from './app-actions';

const session = useBrowser();
let watcher: AppPage;
let writer: AppPage;

// Two tabs of one profile, as a person with the app open twice.
beforeAll(async () => {
  const context = await session.sharedContext();
  watcher = await openApp(context);
  writer = await openApp(context);
});

it('shows another tab’s new account without a reload', async () => {
  await openAccount(writer.page, 'Tab Two', 'EUR', '10.00');
  const rows = await until(
    () => accountListing(watcher.page),
    (list) => list.length === 1,
  );
  expect(rows[0]).toContain(`| EUR | Open | ${await money(watcher.page, '10.00')}`);
  expectNoErrors(watcher);
  expectNoErrors(writer);
});

it('updates an open account page when another tab moves money or closes the account', async () => {
  await showAccount(watcher.page, 'Tab Two');
  await showAccount(writer.page, 'Tab Two');
  const before = await watcher.page.evaluate(() => performance.getEntriesByType('navigation').length);

  await moveMoneyTo(writer.page, 'Deposit', '15.50', '25.50', { description: 'From the other tab' });
  await textContaining(accountBalance(watcher.page), await money(watcher.page, '25.50'));
  const rows = await until(
    () => transactionRows(watcher.page),
    (list) => list.length === 2,
  );
  expect(rows[0]?.[1]).toBe('Deposit From the other tab');

  await moveMoneyTo(writer.page, 'Withdraw', '25.50', '0.00');
  const tabs = writer.page.getByRole('region', { name: 'Move money' });
  await tabs.getByRole('tab', { name: 'Close' }).click();
  await tabs.getByRole('button', { name: 'Close account' }).click();
  await tabs.getByRole('button', { name: 'Close for good' }).click();
  await watcher.page.getByRole('heading', { name: 'Account closed' }).waitFor();
  expect(await watcher.page.getByRole('tab').count()).toBe(0);
  // Still the same document: nothing was reloaded.
  expect(await watcher.page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(before);
  await shot(watcher.page, 'live-other-tab');
  expectNoErrors(watcher);
  expectNoErrors(writer);
});
