import { expect, test } from '@playwright/test';
import { setFaults } from './demoStack';

test.afterEach(async () => {
  await setFaults({});
});

test('a sidecar outage in prod-01 shows on the fleet page with its evidence and mitigation', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await setFaults({ clusters: { 'prod-01': ['sidecar-down'] } });

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'Fleet health' }).click();

  // The scheduled refresh (every 30 s in the demo) picks the fault up; the page
  // refreshes itself too, but reloading makes the wait shorter.
  const prodRow = page.getByRole('row').filter({ hasText: 'prod-01' });
  await expect(async () => {
    await page.reload();
    await expect(prodRow.getByText('Critical').first()).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  // A kept demo may list other critical clusters (dev-02 onboarded, without data).
  await expect(page.getByLabel('Clusters by status')).toContainText(
    /[1-9]\d* Critical/,
  );
  await page.screenshot({
    path: 'screenshots/fleet-fault.png',
    fullPage: true,
  });

  await prodRow.getByText('prod-01', { exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'Cluster prod-01' });
  const check = drawer.getByTestId('check-sidecar-shipping');
  await expect(check).toContainText('Critical');
  await expect(check).toContainText('restart the sidecar');
  await expect(check).toContainText(
    'thanos_objstore_bucket_last_successful_upload_time',
  );
  await page.screenshot({ path: 'screenshots/fleet-fault-drawer.png' });
});
