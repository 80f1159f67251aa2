import { expect, Page, test } from '@playwright/test';
import { githubToken, guestToken } from './demoStack';
import { API, signInAs, tokenOf } from './demoUsers';

// A platform engineer onboards dev-02 through the shipped template: fetch:plain and
// publish:github:pull-request against the demo's GitHub stand-in (packages/github-
// simulator), exactly as against github.com. They merge the pull request on the
// stand-in's page; the catalog discovers clusters/dev-02/catalog-info.yaml on main at its
// next refresh, and dev-02 appears on the fleet page and in the Kubernetes plugin.

/**
 * dev-02 on a fresh demo; on a demo kept from an earlier run, the next name with neither
 * a values file on main nor an onboarding branch.
 */
async function freeClusterName(page: Page): Promise<string> {
  const gh = (path: string) =>
    page.request.get(
      `http://localhost:7012/api/v3/repos/fleetobs/gitops/${path}`,
      {
        headers: { authorization: `token ${githubToken()}` },
      },
    );
  for (let i = 2; i < 100; i++) {
    const name = `dev-${String(i).padStart(2, '0')}`;
    const values = await gh(
      `contents/charts/app-of-apps/values.${name}.yaml?ref=main`,
    );
    const branch = await gh(`branches/onboard-${name}`);
    if (values.status() === 404 && branch.status() === 404) return name;
  }
  throw new Error('no free dev-NN cluster name');
}

test('a platform engineer onboards dev-02 in two steps: the cluster appears, then its secrets are sealed for its own controller', async ({
  page,
  browser,
}) => {
  test.setTimeout(360_000);
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page.getByRole('link', { name: 'Create' }).click();
  await expect(
    page.getByText('Onboard a cluster to the observability platform'),
  ).toBeVisible();
  const cluster = await freeClusterName(page);
  await page.goto('/create/templates/default/onboard-cluster');

  await page.getByLabel('Cluster name').fill(cluster);
  await page.getByLabel('Environment').click();
  await page.getByRole('option', { name: 'Development' }).click();
  // The simulator's Kubernetes API for the new cluster (plain http on localhost is
  // allowed only because the demo's Kubernetes plugin config allows it).
  await page
    .getByLabel('Kubernetes API server URL')
    .fill(`http://localhost:7011/k8s/${cluster}`);
  await page
    .getByLabel('How the Kubernetes plugin signs in to the cluster')
    .click();
  await page.getByRole('option', { name: 'localKubectlProxy' }).click();
  await page.screenshot({
    path: 'screenshots/onboard-form.png',
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Next' }).click();
  // Components and certificates: the gateway hostnames stay empty (derived from the
  // cluster name); then the object storage page keeps GCS and a derived bucket.
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task runs: values file, Certificates, catalog entity, pull request.
  const prLink = page.getByRole('link', { name: /Pull request #\d+/ });
  await expect(prLink).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText('Secrets are pending').first()).toBeVisible();
  await page.screenshot({
    path: 'screenshots/onboard-done.png',
    fullPage: true,
  });
  const prUrl = await prLink.getAttribute('href');
  expect(prUrl).toMatch(
    /^http:\/\/localhost:7012\/fleetobs\/gitops\/pull\/\d+$/,
  );

  // The pull request on the Git host: its files, then merged by a person.
  await page.goto(prUrl!);
  await expect(
    page.getByText(`clusters/${cluster}/catalog-info.yaml`).first(),
  ).toBeVisible();
  await page.screenshot({ path: 'screenshots/onboard-pr.png', fullPage: true });
  await page.getByRole('button', { name: /merge/i }).click();
  await expect(page.getByText(/merged/i).first()).toBeVisible();

  // The next catalog refresh discovers the cluster; the fleet page lists it.
  await expect(async () => {
    await page.goto('/observability');
    await expect(
      page.getByRole('row').filter({ hasText: cluster }).first(),
    ).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 180_000, intervals: [5_000] });
  await page.screenshot({
    path: 'screenshots/onboard-fleet.png',
    fullPage: true,
  });

  // The Kubernetes plugin knows it too (its catalog cluster locator).
  const clusters = await page.request.get(`${API}/kubernetes/clusters`, {
    headers: { authorization: `Bearer ${await guestToken(page.request)}` },
  });
  expect(clusters.ok()).toBeTruthy();
  expect(
    (await clusters.json()).items.map((c: { name: string }) => c.name),
  ).toContain(cluster);

  // Its onboarding checklist says the secrets are pending (step 2).
  const detail = await page.request.get(
    `${API}/observability/v1/clusters/${cluster}`,
    { headers: { authorization: `Bearer ${await guestToken(page.request)}` } },
  );
  expect(detail.ok()).toBeTruthy();
  expect((await detail.json()).checklist[0]).toMatchObject({
    id: 'sealed-secrets',
    status: 'warn',
  });

  // Step 2, once the cluster runs: alice (platform-team, who may use the Kubernetes
  // plugin's proxy) seals its object storage credentials with the certificate its
  // own Sealed Secrets controller answers with.
  const alice = await signInAs(browser, 'alice');
  await alice.goto('/create/templates/default/seal-cluster-secrets');
  const picker = alice.getByRole('textbox', { name: 'Cluster' });
  await picker.click();
  await picker.fill(cluster);
  await alice.getByRole('option', { name: new RegExp(cluster) }).click();
  await alice.getByRole('button', { name: 'Next' }).click();
  // The values file declares GCS: its service-account key (a stand-in here).
  await alice.getByLabel('Service-account key (JSON)').fill(
    JSON.stringify({
      type: 'service_account',
      client_email: 'thanos@fleetobs-demo.iam.gserviceaccount.com',
      private_key: 'e2e-demo-secret-key',
    }),
  );
  // Backstage's Secret field hands its value to the task's secrets 300 ms after the
  // last keystroke (a lodash debounce in SecretWidget), with nothing on the page to
  // wait for: a Create within those 300 ms starts the task without the secret.
  await alice.waitForTimeout(1000);
  await alice.getByRole('button', { name: 'Review' }).click();
  await alice.getByRole('button', { name: 'Create' }).click();
  const sealLink = alice.getByRole('link', { name: /Pull request #\d+/ });
  await expect(sealLink).toBeVisible({ timeout: 180_000 });
  await alice.screenshot({
    path: 'screenshots/seal-done.png',
    fullPage: true,
  });
  const sealedPath = `clusters/${cluster}/secrets/thanos-objstore.sealedsecret.yaml`;
  const sealed = await alice.request.get(
    `http://localhost:7012/api/v3/repos/fleetobs/gitops/contents/${sealedPath}?ref=seal-secrets-${cluster}`,
    {
      headers: {
        authorization: `token ${githubToken()}`,
        accept: 'application/vnd.github.v3.raw',
      },
    },
  );
  expect(sealed.status()).toBe(200);
  const manifest = await sealed.text();
  expect(manifest).toContain('kind: SealedSecret');
  expect(manifest).not.toMatch(/e2e-demo-secret-key/);

  // Merged, the checklist turns to sealed (the back end re-reads within 30 s).
  await alice.goto((await sealLink.getAttribute('href'))!);
  await alice.getByRole('button', { name: /merge/i }).click();
  await expect(alice.getByText(/merged/i).first()).toBeVisible();
  const aliceToken = await tokenOf(alice, 'alice');
  await expect(async () => {
    const res = await alice.request.get(
      `${API}/observability/v1/clusters/${cluster}`,
      { headers: { authorization: `Bearer ${aliceToken}` } },
    );
    expect((await res.json()).checklist[0]).toMatchObject({
      id: 'sealed-secrets',
      status: 'ok',
    });
  }).toPass({ timeout: 90_000, intervals: [5_000] });
});
