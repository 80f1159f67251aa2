import { expect, Page, test } from '@playwright/test';

// A service owner opens checkout's Kubernetes tab (@backstage/plugin-kubernetes): the
// Kubernetes backend finds the demo clusters through the catalog's kubernetes-cluster
// Resources and reads checkout's pods from the fleet simulator's Kubernetes API. The
// service runs in dev-01 (1 pod), stag-01 (2) and prod-01 (3), and not in ops-01 — the
// same clusters its metrics, logs and traces come from.

const PODS: Record<string, number> = {
  'dev-01': 1,
  'stag-01': 2,
  'prod-01': 3,
};

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Fleet health' })).toBeVisible();
}

test("checkout's Kubernetes tab shows its pods in dev-01, stag-01 and prod-01 without errors", async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout');
  await page
    .getByRole('link', { name: 'Kubernetes', exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/checkout\/kubernetes/,
  );
  await expect(page.getByText('Your Clusters')).toBeVisible();

  // One accordion per cluster where checkout runs, with its pod count and no errors.
  for (const [cluster, pods] of Object.entries(PODS)) {
    const summary = page
      .getByRole('button')
      .filter({ hasText: cluster })
      .filter({ hasText: /pods?$|pods? with errors|No pods with errors/ })
      .first();
    await expect(summary).toBeVisible();
    await expect(summary).toContainText(`${pods} pod${pods > 1 ? 's' : ''}`);
    await expect(summary).toContainText('No pods with errors');
  }
  await expect(page.getByText('ops-01')).toHaveCount(0);

  // No error banner: neither the fetch-errors panel nor an error reporting row.
  await expect(
    page.getByText(/There was a problem retrieving some Kubernetes resources/),
  ).toHaveCount(0);
  await expect(
    page.getByText(/Error communicating with Kubernetes/),
  ).toHaveCount(0);
  await expect(page.getByText('No Kubernetes resources')).toHaveCount(0);

  // prod-01: the checkout Deployment with its 3 pods, each named as in the logs.
  const prod = page
    .getByRole('button')
    .filter({ hasText: 'prod-01' })
    .filter({ hasText: 'No pods with errors' })
    .first();
  await prod.click();
  const deployment = page
    .getByRole('button', { expanded: false })
    .filter({ hasText: /checkout\s*Deployment/ })
    .first();
  await expect(deployment).toBeVisible();
  await expect(deployment).toContainText('3 pods');
  await expect(deployment).toContainText('No pods with errors');
  // Expand it by its expand icon (the summary's inner parts open drawers).
  const box = (await deployment.boundingBox())!;
  await deployment.click({
    position: { x: box.width - 24, y: box.height / 2 },
  });
  await expect(
    page.getByRole('row', { name: /checkout-24vs2x-8dht/ }),
  ).toBeVisible();
  await expect(page.getByRole('row', { name: /checkout-24vs2x-/ })).toHaveCount(
    3,
  );
  await expect(
    page.getByRole('row', { name: /checkout-24vs2x-/ }).first(),
  ).toContainText('Running');

  await page.screenshot({
    path: 'screenshots/kubernetes-tab.png',
    fullPage: true,
  });
});

test("checkout's Observability tab covers the clusters its pods run in", async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout');
  // The tabs are there once the Kubernetes one (installed with this suite) is.
  await expect(
    page.getByRole('link', { name: 'Kubernetes', exact: true }).first(),
  ).toBeVisible();
  const tab = page
    .getByRole('link', { name: 'Observability', exact: true })
    .first();
  test.skip(
    (await tab.count()) === 0,
    'the Observability tab is not installed in this build',
  );
  await tab.click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/checkout\/observability/,
  );
  await expect(
    page.getByRole('heading', { name: 'Observability of checkout' }),
  ).toBeVisible();
  for (const cluster of Object.keys(PODS)) {
    await expect(page.getByText(cluster).first()).toBeVisible();
  }
  await page.screenshot({
    path: 'screenshots/kubernetes-observability-tab.png',
    fullPage: true,
  });
});
