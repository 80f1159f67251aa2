import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// A platform engineer promotes a revision through the shipped template: the next
// environment's values files change in a pull request on the demo's Git host, and the
// merge moves main.

const githubToken = () =>
  readFileSync(join(__dirname, '../.demo/github-token'), 'utf8').trim();

test('a platform engineer promotes a revision to the next environment and merges it', async ({
  page,
}) => {
  test.setTimeout(240_000);
  // A revision no earlier run of a kept demo promoted.
  const revision = `v1.${Date.now() % 1_000_000}.0`;
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Create' })).toBeVisible();
  await page.goto('/create/templates/default/promote-revision');
  await page.getByLabel('Revision').first().fill(revision);
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  const prLink = page.getByRole('link', { name: /Pull request #\d+/ });
  await expect(prLink).toBeVisible({ timeout: 180_000 });
  await page.screenshot({
    path: 'screenshots/promote-done.png',
    fullPage: true,
  });

  await page.goto((await prLink.getAttribute('href'))!);
  await expect(
    page.getByRole('heading', {
      name: new RegExp(`Promote ${revision} to stag`),
    }),
  ).toBeVisible();
  await expect(
    page.getByText('charts/app-of-apps/values.stag-01.yaml').first(),
  ).toBeVisible();
  await page.getByRole('button', { name: /merge/i }).click();
  await expect(page.getByText(/merged/i).first()).toBeVisible();

  const values = await page.request.get(
    'http://localhost:7012/api/v3/repos/fleetobs/gitops/contents/charts/app-of-apps/values.stag-01.yaml?ref=main',
    {
      headers: {
        authorization: `token ${githubToken()}`,
        accept: 'application/vnd.github.v3.raw',
      },
    },
  );
  expect(values.status()).toBe(200);
  expect(await values.text()).toContain(`targetRevision: ${revision}`);
});
