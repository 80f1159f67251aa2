import { expect, test } from '@playwright/test';

// A cluster name no earlier run used (the demo refuses an existing branch).
const letters = (n: number) =>
  n
    .toString(26)
    .replace(/[0-9a-p]/g, c => 'abcdefghijklmnopqrstuvwxyz'[parseInt(c, 26)]);
const cluster = `e${letters(Date.now())}-07`;

test('a platform engineer onboards a cluster with the template, end to end in the demo', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'Create' }).click();
  await expect(
    page.getByText('Onboard a cluster to the observability platform'),
  ).toBeVisible();
  await page.goto('/create/templates/default/onboard-cluster');

  await page.getByLabel('Cluster name').fill(cluster);
  await page.getByLabel('Environment').click();
  await page.getByRole('option', { name: 'Development' }).click();
  await page
    .getByLabel('Kubernetes API server URL')
    .fill(`https://${cluster}-k8s.endpoint.kubernetes`);
  await page.screenshot({
    path: 'screenshots/onboard-form.png',
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task runs: values file, PKI, SealedSecret, catalog entity, "pull request".
  await expect(
    page.getByRole('link', {
      name: new RegExp(`Pull request \\(branch onboard/${cluster}\\)`),
    }),
  ).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText(`values.${cluster}.yaml`).first()).toBeVisible();
  await page.screenshot({
    path: 'screenshots/onboard-done.png',
    fullPage: true,
  });
});
