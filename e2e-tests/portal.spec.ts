import { expect, Page, test } from '@playwright/test';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Fleet health' })).toBeVisible();
}

test('a new user signs in as guest, browses the catalog and opens a service', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The catalog is the home page and lists the demo services.
  await expect(page.getByRole('link', { name: 'checkout' })).toBeVisible();
  await page.screenshot({ path: 'screenshots/catalog.png', fullPage: true });

  await page.getByRole('link', { name: 'checkout' }).click();
  await expect(
    page.getByRole('heading', { name: 'checkout' }).first(),
  ).toBeVisible();
  await expect(
    page.getByText('Checkout API: turns carts into orders').first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'screenshots/service-checkout.png',
    fullPage: true,
  });
});

test('the fleet health page lists the four demo clusters', async ({ page }) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Fleet health' }).click();
  for (const cluster of ['dev-01', 'stag-01', 'prod-01', 'ops-01']) {
    await expect(
      page.getByRole('cell', { name: cluster, exact: true }),
    ).toBeVisible();
  }
  await page.screenshot({
    path: 'screenshots/fleet-health.png',
    fullPage: true,
  });
});

test('the Create page offers the templates for people, not the internal one', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Create' }).click();
  for (const title of [
    'Onboard a cluster to the observability platform',
    'Seal cluster secrets',
    'Promote a revision (dev → stag → prod → ops)',
    'Change retention (metrics, logs, traces)',
  ]) {
    await expect(page.getByText(title, { exact: false }).first()).toBeVisible();
  }
  await expect(
    page.getByText('Apply an approved retention change (internal)'),
  ).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/create.png', fullPage: true });
});
