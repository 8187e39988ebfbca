import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useBrowser } from './browser';
import {
  atPhoneSize,
  expectNoErrors,
  freshApp,
  shot,
  fitsWidth,
  goTo,
  money,
  openApp,
  seedLedger,
  textContaining,
  until,
  type AppPage,
} from './app-actions';

const session = useBrowser();
let app: AppPage;

beforeAll(async () => {
  app = await openApp(await session.sharedContext());
});

const ledgerCard = (page: Page) => page.getByRole('region', { name: 'The whole ledger at a point in time' });
const accountCard = (page: Page) => page.getByRole('region', { name: 'One account, version by version' });

/** The balances table of the ledger card as "owner | currency | status | balance" lines. */
async function balancesThen(card: Locator): Promise<string[]> {
  const table = card.getByRole('table');
  if ((await table.count()) === 0) return [];
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.innerText.trim()).join(' | ')),
  );
}

/** Presses keys on a slider and waits until the card describes the point reached. */
async function slide(slider: Locator, keys: string[], card: Locator, expected: string): Promise<void> {
  await slider.focus();
  for (const key of keys) await slider.press(key);
  await textContaining(card.getByRole('status').first(), expected);
}

describe('history', () => {
  it('loads its code, the chart included, only when it is first opened: the accounts screen does without it', async () => {
    const scripts: string[] = [];
    const { context, ...fresh } = await freshApp(session.browser);
    const { page } = fresh;
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Accounts' }).waitFor();
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((path) => /HistoryScreen/.test(path))).toEqual([]);

    await goTo(page, 'History');

    expect(scripts.filter((path) => /HistoryScreen/.test(path))).toHaveLength(1);
    await ledgerCard(page).getByRole('heading', { name: 'Nothing has happened yet' }).waitFor();
    expectNoErrors(fresh);
    await context.close();
  });

  it('shows an empty timeline before anything happened', async () => {
    const { page } = app;
    await goTo(page, 'History');
    await ledgerCard(page).getByRole('heading', { name: 'Nothing has happened yet' }).waitFor();
    await accountCard(page).getByRole('heading', { name: 'No accounts yet' }).waitFor();
    expectNoErrors(app);
  });

  it('moves the ledger through its log and shows every balance as it was then', async () => {
    const { page } = app;
    await goTo(page, 'Accounts');
    await seedLedger(page);
    await goTo(page, 'History');
    const card = ledgerCard(page);
    const slider = card.getByLabel('Position in the log');
    await textContaining(card.getByRole('status'), 'After event 7 of 7');
    expect(await balancesThen(card)).toEqual([
      `Ada Lovelace | EUR | Open | ${await money(page, '100.00')}`,
      `Bob Bemer | EUR | Open | ${await money(page, '30.00')}`,
    ]);

    await slide(slider, ['Home'], card, 'Before the first event');
    await textContaining(card, 'No account existed yet at this point.');
    // One key, one commit: an opening with its first deposit, and a transfer's two halves, are one step each,
    // and at every point the balances add up to the money deposited less the money withdrawn by then.
    // In cents, from the digits shown (EUR has two decimals): no amount goes through a float.
    const totalCents = async () => {
      let cents = 0;
      for (const line of await balancesThen(card)) cents += Number(line.split(' | ')[3]!.replace(/[^\d-]/g, ''));
      return cents;
    };
    const steps: [string, string, string, number][] = [
      ['ArrowRight', 'After event 2 of 7', `Account opened for Ada Lovelace in EUR with ${await money(page, '100.00')}`, 10_000],
      ['ArrowRight', 'After event 3 of 7', 'Account opened for Bob Bemer in EUR', 10_000],
      ['ArrowRight', 'After event 4 of 7', `Deposit of ${await money(page, '50.00')} to Ada Lovelace`, 15_000],
      ['ArrowRight', 'After event 6 of 7', `Transfer of ${await money(page, '30.00')} from Ada Lovelace to Bob Bemer`, 15_000],
      ['ArrowRight', 'After event 7 of 7', `Withdrawal of ${await money(page, '20.00')} from Ada Lovelace`, 13_000],
      ['ArrowLeft', 'After event 6 of 7', 'Transfer of', 15_000],
      ['ArrowLeft', 'After event 4 of 7', 'Deposit of', 15_000],
    ];
    for (const [key, where, what, cents] of steps) {
      await slide(slider, [key], card, where);
      await textContaining(card.getByTestId('what-happened'), what);
      expect(await totalCents(), where).toBe(cents);
    }
    expect(await balancesThen(card)).toEqual([
      `Ada Lovelace | EUR | Open | ${await money(page, '150.00')}`,
      `Bob Bemer | EUR | Open | ${await money(page, '0.00')}`,
    ]);
    await shot(page, 'history');
    await slide(slider, ['End'], card, 'After event 7 of 7');
    expectNoErrors(app);
  });

  it('jumps to a date and time', async () => {
    const { page } = app;
    const card = ledgerCard(page);
    const time = card.getByLabel('Jump to a time');
    await time.fill('2000-01-01T00:00:00');
    await textContaining(card.getByRole('status'), 'Before the first event');
    expect(await balancesThen(card)).toEqual([]);
    await time.fill('2999-12-31T23:59:59');
    await textContaining(card.getByRole('status'), 'After event 7 of 7');
    expect(await balancesThen(card)).toHaveLength(2);
    expectNoErrors(app);
  });

  it('replays one account to any version', async () => {
    const { page } = app;
    const card = accountCard(page);
    await card.getByLabel('Account', { exact: true }).selectOption({ index: 0 });
    const slider = card.getByLabel('Version');
    const state = card.getByRole('status');
    await textContaining(state, 'Version 5 of 5');
    await textContaining(card.getByTestId('balance-at-version'), await money(page, '100.00'));

    await slide(slider, ['Home'], card, 'Version 0 of 5');
    await textContaining(state, 'Not opened yet');
    await slide(slider, ['ArrowRight'], card, 'Version 1 of 5');
    await textContaining(card.getByTestId('balance-at-version'), await money(page, '0.00'));
    await textContaining(state, 'AccountOpened');
    await slide(slider, ['ArrowRight', 'ArrowRight'], card, 'Version 3 of 5');
    await textContaining(card.getByTestId('balance-at-version'), await money(page, '150.00'));
    await textContaining(state, `MoneyDeposited ${await money(page, '50.00', 'EUR', true)}`);

    await card.getByLabel('Account', { exact: true }).selectOption({ index: 1 });
    await textContaining(state, 'Version 2 of 2');
    await textContaining(card.getByTestId('balance-at-version'), await money(page, '30.00'));
    expectNoErrors(app);
  });

  it('draws the balance over time', async () => {
    const { page } = app;
    const card = accountCard(page);
    await card.getByLabel('Account', { exact: true }).selectOption({ index: 0 });
    const chart = card.getByRole('img', { name: /Balance of Ada Lovelace's account over time/ });
    await textContaining(card, 'Version 5 of 5');
    const label = await until(
      async () => (await chart.getAttribute('aria-label')) ?? '',
      (text) => text.includes('5 points'),
    );
    expect(label).toContain(`now ${await money(page, '100.00')}`);
    // Something was drawn: the canvas holds non-transparent pixels.
    const painted = await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++;
      return count;
    });
    expect(painted).toBeGreaterThan(1000);
    await shot(page, 'history-account');
    expectNoErrors(app);
  });

  it('fits a phone screen', async () => {
    const { page } = app;
    await atPhoneSize(page, async () => {
      await fitsWidth(page);
      await shot(page, 'history-phone');
    });
    expectNoErrors(app);
  });
});
