import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { API, signInAs, tokenOf } from './demoUsers';

// Local demo (app-config.demo.yaml): alice files a retention change request, bob —
// an approver through `observability.retention.approvers` — approves it, and the
// approval opens the pull request (branch retention-<id>) on the demo's GitHub stand-in.

if (process.env.FLEETOBS_APP_URL) {
  test.use({ baseURL: process.env.FLEETOBS_APP_URL });
}
const justification = `Audit asks for four months of prod-01 logs (e2e ${Date.now()})`;

async function openRequest(page: Page) {
  await page.goto('/observability/retention');
  const row = page.getByRole('row').filter({ hasText: justification });
  await expect(row).toBeVisible();
  await row.getByRole('cell', { name: 'prod-01', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

test('alice files a retention change, bob approves it, and the pull request is opened', async ({
  browser,
}) => {
  test.setTimeout(180_000);

  // The sign-in page offers guest and the demo users.
  const alice = await (async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Enter' })).toBeVisible();
    await expect(
      page.getByRole('button', { name: 'Sign in as bob' }),
    ).toBeVisible();
    await page.screenshot({
      path: 'screenshots/retention-sign-in.png',
      fullPage: true,
    });
    await page.getByRole('button', { name: 'Sign in as alice' }).click();
    await expect(page.getByRole('link', { name: 'Create' })).toBeVisible();
    return page;
  })();

  // alice asks for 120 days of prod-01 logs, keeping the other ILM settings.
  const aliceToken = await tokenOf(alice, 'alice');
  const current = await alice.request.get(`${API}/observability/v1/retention`, {
    headers: { authorization: `Bearer ${aliceToken}` },
  });
  expect(current.ok()).toBeTruthy();
  const prod01 = (await current.json()).clusters.find(
    (c: { cluster: string }) => c.cluster === 'prod-01',
  );
  const created = await alice.request.post(
    `${API}/observability/v1/retention-requests`,
    {
      headers: { authorization: `Bearer ${aliceToken}` },
      data: {
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...prod01.signals.logs.settings, deleteAfter: '120d' },
        justification,
      },
    },
  );
  expect(created.status(), await created.text()).toBe(201);
  const request = await created.json();
  expect(request).toMatchObject({
    state: 'pending',
    requestedBy: 'user:default/alice',
  });
  // The cost is estimated from measured ingest (the simulator's indices), not guessed.
  expect(request.estimate.warnings).toEqual([]);
  expect(request.estimate.deltaMonthlyCost).toBeGreaterThan(0);

  // alice is an approver too (platform team), but not of her own request.
  const own = await openRequest(alice);
  await expect(own.getByText(`Asked by user:default/alice`)).toBeVisible();
  await expect(own.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(
    own.getByText('Someone else must approve your own request.'),
  ).toBeVisible();
  await alice.screenshot({
    path: 'screenshots/retention-own-request.png',
    fullPage: true,
  });
  const selfApproval = await alice.request.post(
    `${API}/observability/v1/retention-requests/${request.id}/approve`,
    { headers: { authorization: `Bearer ${aliceToken}` }, data: {} },
  );
  expect(selfApproval.status()).toBe(403);

  // bob sees the request and approves it.
  const bob = await signInAs(browser, 'bob');
  const dialog = await openRequest(bob);
  await expect(dialog.getByText(/per month/)).toBeVisible();
  await expect(dialog.getByText(/logsGbPerDay/)).toBeVisible();
  await dialog
    .getByLabel('Comment (a rejection needs one)')
    .fill('OK for the audit period');
  await bob.screenshot({
    path: 'screenshots/retention-approve.png',
    fullPage: true,
  });
  await dialog.getByRole('button', { name: 'Approve' }).click();

  // The template opens the branch; the poller (every 10 s) marks it applied.
  const branch = `retention-${request.id}`;
  await expect(async () => {
    const d = await openRequest(bob);
    await expect(d.locator('#retention-request-title')).toContainText(
      'applied',
      {
        timeout: 2_000,
      },
    );
    await expect(
      d.getByRole('link', { name: /localhost:7012\/fleetobs\/gitops\/pull\// }),
    ).toBeVisible({
      timeout: 2_000,
    });
    await expect(d.getByText(`(branch ${branch})`).first()).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 120_000, intervals: [5_000] });
  await bob.screenshot({
    path: 'screenshots/retention-applied.png',
    fullPage: true,
  });

  const bobToken = await tokenOf(bob, 'bob');
  const final = await bob.request.get(
    `${API}/observability/v1/retention-requests/${request.id}`,
    { headers: { authorization: `Bearer ${bobToken}` } },
  );
  const applied = await final.json();
  expect(applied.state).toBe('applied');
  expect(applied.pullRequest.branch).toBe(branch);

  // The pull request's branch in the demo GitOps repository holds the new value.
  expect(applied.pullRequest.url).toMatch(
    /^http:\/\/localhost:7012\/fleetobs\/gitops\/pull\/\d+$/,
  );
  const values = execFileSync(
    'git',
    [
      '--git-dir',
      '.demo/gitops.git',
      'show',
      `${branch}:charts/app-of-apps/values.prod-01.yaml`,
    ],
    { encoding: 'utf8' },
  );
  expect(values).toContain('delete: { minAge: 120d }');
  expect(
    applied.audit.map((a: { actor: string; to: string }) => [a.actor, a.to]),
  ).toEqual(
    expect.arrayContaining([
      ['user:default/alice', 'pending'],
      ['user:default/bob', 'approved'],
    ]),
  );
});
