import { expect, Page, test } from '@playwright/test';
import {
  github,
  guestToken,
  removeBranch,
  setFaults,
  SIMULATOR,
} from './demoStack';
import { API, signInAs } from './demoUsers';

// Issue 18: promotion is gated by what actually runs. A degraded application in
// stag-01 turns its GitOps column red and stops the promotion to prod, naming
// stag-01; once the fault is gone and stag-01 has been ok for the soak time
// (observability.gitops.promotionSoak, 2 min in the demo), the promotion goes through
// and its pull request carries the gate's evidence.

/** The revision stag-01's charts run, as the simulator's Argo CD answers (config tracks HEAD). */
async function revisionStagRuns(page: Page): Promise<string> {
  const res = await page.request.get(
    `${SIMULATOR}/argocd/api/v1/applications?selector=cluster%3Dstag-01`,
  );
  expect(res.ok()).toBeTruthy();
  const items = (await res.json()).items as Array<{
    spec: { source: { targetRevision: string } };
  }>;
  const pinned = new Set(
    items
      .map(app => app.spec.source.targetRevision)
      .filter(rev => rev !== 'HEAD'),
  );
  expect([...pinned]).toHaveLength(1);
  return [...pinned][0];
}

/** Runs promote-revision to prod and waits for the task to finish either way. */
async function promoteToProd(page: Page, revision: string) {
  await page.goto('/create/templates/default/promote-revision');
  await page.getByLabel('Revision').first().fill(revision);
  await page.getByLabel('Target environment').click();
  await page.getByRole('option', { name: 'Production' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
}

/** The newest overall transition of a cluster's fleet health (its history API). */
async function newestTransition(page: Page, cluster: string) {
  const res = await page.request.get(
    `${API}/observability/v1/clusters/${cluster}/history?scope=overall&limit=1`,
    { headers: { authorization: `Bearer ${await guestToken(page.request)}` } },
  );
  expect(res.ok()).toBeTruthy();
  return (await res.json()).transitions[0] as { to: string; at: string };
}

let branch: string | undefined;

test.afterEach(async ({ request }) => {
  await setFaults({});
  // The pull request is not merged: close it and free its branch for the next run.
  if (branch) await removeBranch(request, branch);
});

test('a degraded application in stag-01 stops the promotion to prod until it is fixed and has soaked', async ({
  browser,
}) => {
  test.setTimeout(900_000);
  const alice = await signInAs(browser, 'alice');
  const revision = await revisionStagRuns(alice);
  branch = `promote-prod-${revision}`;
  await removeBranch(alice.request, branch); // left by an interrupted run

  await setFaults({ argocd: { 'stag-01': ['degraded'] } });

  // The fleet page: stag-01 critical in the GitOps column (the next refresh, ≤ 30 s).
  await alice.goto('/observability');
  const header = alice.getByRole('columnheader');
  await expect(header.filter({ hasText: 'GitOps' })).toBeVisible();
  // Header texts are upper-cased by CSS in innerText.
  const gitopsColumn = (await header.allInnerTexts()).findIndex(
    t => t.trim().toLowerCase() === 'gitops',
  );
  expect(gitopsColumn).toBeGreaterThan(0);
  const stagRow = alice.getByRole('row').filter({ hasText: 'stag-01' });
  // A signal cell is its status (StatusError: red, with an icon) and its summary.
  const gitopsCell = stagRow.getByRole('cell').nth(gitopsColumn);
  await expect(async () => {
    await alice.reload();
    await expect(
      gitopsCell.locator('[aria-label="Status error"]'),
    ).toContainText('stag-01-monitoring: Degraded', { timeout: 2_000 });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await alice.screenshot({
    path: 'screenshots/fleet-gitops.png',
    fullPage: true,
  });

  // The drawer names the application and its health.
  await stagRow.getByText('stag-01', { exact: true }).click();
  const drawer = alice.getByRole('dialog', { name: 'Cluster stag-01' });
  const health = drawer.getByTestId('check-argocd-health');
  await expect(health).toContainText('Critical');
  await expect(health).toContainText('stag-01-monitoring');
  await expect(health).toContainText('Degraded');
  await alice.screenshot({ path: 'screenshots/fleet-gitops-drawer.png' });

  // Refused, naming stag-01 and its application.
  await promoteToProd(alice, revision);
  await expect(
    alice.getByText(/cannot be promoted to prod/).first(),
  ).toBeVisible({ timeout: 180_000 });
  await expect(
    alice.getByText(/stag-01 \/ stag-01-monitoring: health Degraded/).first(),
  ).toBeVisible();
  await expect(alice.getByRole('link', { name: /Pull request #/ })).toHaveCount(
    0,
  );
  await alice.screenshot({
    path: 'screenshots/promote-refused.png',
    fullPage: true,
  });

  // Fixed: stag-01 turns ok, then stays ok for the soak time (the history says so).
  await setFaults({});
  const soakMs =
    (
      await (
        await alice.request.get(
          `${API}/observability/v1/gitops/applications?environment=stag`,
          {
            headers: {
              authorization: `Bearer ${await guestToken(alice.request)}`,
            },
          },
        )
      ).json()
    ).promotion.soakSeconds * 1000;
  await expect
    .poll(
      async () => {
        const newest = await newestTransition(alice, 'stag-01');
        return (
          newest.to === 'ok' && Date.now() - Date.parse(newest.at) >= soakMs
        );
      },
      { timeout: soakMs + 180_000, intervals: [5_000] },
    )
    .toBe(true);

  await promoteToProd(alice, revision);
  const prLink = alice.getByRole('link', { name: /Pull request #\d+/ });
  await expect(prLink).toBeVisible({ timeout: 180_000 });
  await alice.screenshot({
    path: 'screenshots/promote-done.png',
    fullPage: true,
  });

  // The pull request: prod's values files at the revision, the gate's evidence.
  const number = (await prLink.textContent())!.match(/#(\d+)/)![1];
  const pr = await github(alice.request, `pulls/${number}`);
  expect(pr.ok()).toBeTruthy();
  const { title, body, head } = await pr.json();
  expect(title).toBe(`Promote ${revision} to prod`);
  expect(head.ref).toBe(branch);
  expect(body).toContain(`Promotion gate: stag at ${revision}`);
  expect(body).toMatch(/\| stag-01 \| ok \| \d{4}-\d\d-\d\dT/);
  expect(body).toContain(`stag-01-monitoring: Synced / Healthy / ${revision}`);
  expect(body).toContain('Every cluster passed the gate.');
  const values = await github(
    alice.request,
    `contents/charts/app-of-apps/values.prod-01.yaml?ref=${branch}`,
    { raw: true },
  );
  expect(values.status()).toBe(200);
  expect(await values.text()).toContain(`targetRevision: ${revision}`);
  await alice.goto((await prLink.getAttribute('href'))!);
  await expect(
    alice.getByRole('heading', { name: `Promote ${revision} to prod` }),
  ).toBeVisible();
  await alice.screenshot({
    path: 'screenshots/promote-pr.png',
    fullPage: true,
  });
});
