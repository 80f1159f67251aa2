import { expect, Page, test } from '@playwright/test';
import { SIMULATOR } from './demoStack';
import { signInAs } from './demoUsers';

// Issue 17: checkout's firing demo alert ServiceLatencyHigh in prod-01 (the fleet
// simulator's Alertmanager of prod-01) on its Observability tab and overview card;
// bob, in shop-team which owns checkout, silences it and lifts the silence; a guest,
// who owns nothing, is not offered "Silence…".

const ALERTMANAGER = `${SIMULATOR}/alertmanager/prod-01/api/v2`;
/** Marks this run's silences, so that the clean-up expires only those. */
const comment = `e2e: latency under investigation (${Date.now()})`;

async function openAlerts(page: Page) {
  await page.goto('/catalog/default/component/checkout/observability');
  const section = page.getByTestId('alerts-section');
  const row = section.getByTestId('alert-prod-01-ServiceLatencyHigh');
  await expect(row).toBeVisible();
  return { section, row };
}

test.afterEach(async ({ request }) => {
  // A run stopped midway leaves no silence behind: expire those it made.
  const res = await request.get(`${ALERTMANAGER}/silences`);
  expect(res.ok()).toBeTruthy();
  for (const s of (await res.json()) as Array<{
    id: string;
    comment: string;
    status: { state: string };
  }>) {
    if (s.comment === comment && s.status.state !== 'expired') {
      expect(
        (await request.delete(`${ALERTMANAGER}/silence/${s.id}`)).ok(),
      ).toBeTruthy();
    }
  }
});

test('checkout shows its firing alert in prod-01; its owner silences and unsilences it', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const bob = await signInAs(browser, 'bob');
  const { section, row } = await openAlerts(bob);
  await expect(section.getByText('service="checkout"')).toBeVisible();
  await expect(row).toContainText('prod-01');
  await expect(row.getByTestId('alert-state')).toHaveText('active');
  await expect(row.getByRole('link', { name: 'Runbook' })).toHaveAttribute(
    'href',
    /^https?:\/\//,
  );
  await bob.screenshot({
    path: 'screenshots/service-alerts.png',
    fullPage: true,
  });

  // The overview card's line.
  await bob.getByRole('link', { name: 'Overview', exact: true }).click();
  await expect(bob.getByTestId('alerts-line')).toContainText(
    /firing in prod-01/,
  );
  await expect(bob.getByTestId('alerts-line')).toContainText('Firing');

  // Silence it for an hour: the dialog shows what the silence matches.
  const { row: again } = await openAlerts(bob);
  await again.getByRole('button', { name: 'Silence…' }).click();
  const dialog = bob.getByRole('dialog');
  await expect(dialog.getByTestId('silence-matchers')).toContainText(
    'service="checkout"',
  );
  await dialog.getByTestId('silence-comment').fill(comment);
  await bob.screenshot({ path: 'screenshots/service-alerts-silence.png' });
  await dialog.getByRole('button', { name: 'Silence', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(again.getByTestId('alert-state')).toHaveText('silenced');
  // Alertmanager itself holds the silence, made by bob.
  const silences = await (
    await bob.request.get(`${ALERTMANAGER}/silences`)
  ).json();
  expect(
    silences.find((s: { comment: string }) => s.comment === comment),
  ).toMatchObject({
    status: { state: 'active' },
    createdBy: expect.stringContaining('bob'),
  });

  await again.getByRole('button', { name: 'Unsilence' }).click();
  await expect(again.getByTestId('alert-state')).toHaveText('active');
});

test('a user who does not own checkout sees its alert but is not offered "Silence…"', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Fleet health' })).toBeVisible();
  // The button waits for the permission decision: wait for it too, so that its
  // absence is the decision's and not a page still loading.
  const decided = page.waitForResponse(
    res =>
      res.url().includes('/api/permission/authorize') &&
      (res.request().postData() ?? '').includes('observability.alert.silence'),
  );
  const { row } = await openAlerts(page);
  await expect(row.getByTestId('alert-state')).toHaveText('active');
  expect(JSON.stringify(await (await decided).json())).toContain('DENY');
  await expect(row.getByRole('button', { name: 'Silence…' })).toHaveCount(0);
});

test("the fleet page counts prod-01's firing alert, and its drawer lists it", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'Fleet health' }).click();
  // The count comes with the scheduled round (every 30 s in the demo): an earlier
  // test's fault may still be in the round shown, so wait for one without it.
  const count = page.getByTestId('fleet-alerts-prod-01');
  await expect(async () => {
    await page.reload();
    await expect(count).toHaveText('1 warning', { timeout: 2_000 });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await page.screenshot({ path: 'screenshots/fleet-alerts.png' });

  await page
    .getByRole('row')
    .filter({ hasText: 'prod-01' })
    .getByText('prod-01', { exact: true })
    .click();
  const drawer = page.getByRole('dialog', { name: 'Cluster prod-01' });
  await expect(
    drawer.getByTestId('alert-prod-01-ServiceLatencyHigh'),
  ).toBeVisible();
  await page.screenshot({ path: 'screenshots/fleet-alerts-drawer.png' });
});
