import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, launch, newContext, watchErrors } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

it('serves the production build', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(baseUrl());
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Ledger');
  expect(errors).toEqual([]);
  await context.close();
});
