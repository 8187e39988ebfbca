import { expect, it } from 'vitest';
import { baseUrl, newContext, useBrowser, watchErrors } from './browser';

const session = useBrowser();

it('serves the production build', async () => {
  const context = await newContext(session.browser);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(baseUrl());
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Ledger');
  expect(errors).toEqual([]);
  await context.close();
});
