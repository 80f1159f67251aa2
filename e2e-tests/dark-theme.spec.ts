import { expect, Page, test } from '@playwright/test';

// The pages of the suite in the dark theme (Settings → Appearance → Dark): nothing may
// keep a light background or dark text of its own.

async function darkSignIn(page: Page) {
  // The app keeps the chosen theme in local storage under `theme`.
  await page.addInitScript(() => window.localStorage.setItem('theme', 'dark'));
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Fleet health' })).toBeVisible();
}

/** Relative luminance of a CSS rgb()/rgba() colour, 0 (black) to 1 (white). */
const luminance = (rgb: string) => {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? ['0', '0', '0'])
    .slice(0, 3)
    .map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
};

test('the fleet page, its drawer and the Observability tab are readable in the dark theme', async ({
  page,
}) => {
  await darkSignIn(page);
  await page.getByRole('link', { name: 'Fleet health' }).click();
  const row = page.getByRole('row').filter({ hasText: 'dev-01' });
  await expect(row).toBeVisible();
  const cell = row.getByRole('cell').first();
  expect(
    luminance(await cell.evaluate(el => getComputedStyle(el).color)),
  ).toBeGreaterThan(0.6);
  await page.screenshot({ path: 'screenshots/dark-fleet.png', fullPage: true });

  await row.getByRole('cell', { name: 'dev-01', exact: true }).click();
  const drawer = page.getByRole('dialog', { name: 'Cluster dev-01' });
  await expect(drawer.getByText('Prometheus HA pair')).toBeVisible();
  // The drawer's own background: the nearest ancestor that paints one.
  const background = await drawer.evaluate(el => {
    for (let node: Element | null = el; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') {
        return colour;
      }
    }
    return 'rgb(255, 255, 255)';
  });
  expect(luminance(background)).toBeLessThan(0.3);
  await page.screenshot({ path: 'screenshots/dark-drawer.png' });
  await page.keyboard.press('Escape');

  await page.goto('/catalog/default/component/checkout/observability');
  const metrics = page.getByRole('region', { name: 'Metrics' });
  await expect(metrics.locator('.recharts-line').first()).toBeVisible();
  await page.screenshot({
    path: 'screenshots/dark-observability-tab.png',
    fullPage: true,
  });
});
