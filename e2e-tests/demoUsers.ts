import { Browser, expect, Page } from '@playwright/test';

// The demo users of app-config.demo.yaml (examples/catalog/org.yaml): alice is in
// platform-team (the portal's admins), bob in shop-team (a retention approver).

// Another demo stack than :3000/:7007 may be given, e.g. FLEETOBS_APP_URL=
// http://localhost:3100 FLEETOBS_BACKEND_URL=http://localhost:7107.
export const API = `${
  process.env.FLEETOBS_BACKEND_URL ?? 'http://localhost:7007'
}/api`;

/** A browser page signed in as a demo user, in a context of its own. */
export async function signInAs(browser: Browser, name: 'alice' | 'bob') {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${name}` }).click();
  await expect(page.getByRole('link', { name: 'Create' })).toBeVisible();
  return page;
}

/** The Backstage token of the signed-in demo user, as its browser session gets it. */
export async function tokenOf(page: Page, name: string) {
  const res = await page.request.get(`${API}/auth/demo/refresh`, {
    headers: {
      'x-requested-with': 'XMLHttpRequest',
      'x-fleetobs-demo-user': name,
    },
  });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).backstageIdentity.token as string;
}
