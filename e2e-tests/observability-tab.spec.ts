import { expect, Page, test } from '@playwright/test';

// A service owner opens checkout's Observability tab: metrics, error logs and traces
// from the fleet simulator, the log line → trace → logs drilldown, and the deep
// links into Grafana, Kibana and Jaeger (observability.ui.* of app-config.yaml).

async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Fleet health' })).toBeVisible();
}

test('the Observability tab of checkout shows metrics, logs and traces with drilldown', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/checkout');
  await page
    .getByRole('link', { name: 'Observability', exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/checkout\/observability/,
  );

  await expect(
    page.getByRole('heading', { name: 'Observability of checkout' }),
  ).toBeVisible();
  await page.screenshot({
    path: 'screenshots/observability-tab-first.png',
    fullPage: true,
  });

  // Metrics: a chart per measure with a line per cluster.
  const metrics = page.getByRole('region', { name: 'Metrics' });
  for (const title of ['Request rate', 'Error ratio', 'p99 latency']) {
    const chart = metrics.getByRole('figure', { name: new RegExp(title) });
    await expect(chart.locator('.recharts-line')).toHaveCount(3);
    await expect(chart.getByText(/^Latest: dev-01 /)).toBeVisible();
  }
  await expect(
    metrics.getByRole('link', { name: /Open in Grafana/ }),
  ).toHaveAttribute(
    'href',
    /^https:\/\/grafana\.example\.com\/explore\?schemaVersion=1&orgId=1&panes=/,
  );
  const grafanaHref = await metrics
    .getByRole('link', { name: /Open in Grafana/ })
    .getAttribute('href');
  const panes = JSON.parse(new URL(grafanaHref!).searchParams.get('panes')!);
  expect(panes.obs.queries[0].expr).toContain('service="checkout"');
  expect(panes.obs.datasource).toBe('thanos-global');

  // Error logs: the count per cluster and the latest lines with trace ids.
  const logs = page.getByRole('region', { name: 'Error logs' });
  await expect(logs.getByText(/errors? in the last 1 hour/)).toBeVisible();
  await expect(logs.getByText(/^prod-01: \d+$/)).toBeVisible();
  const kibanaHref = await logs
    .getByRole('link', { name: /Open in Kibana/ })
    .getAttribute('href');
  expect(kibanaHref).toMatch(
    /^https:\/\/kibana\.example\.com\/app\/discover#\/\?_g=/,
  );
  expect(decodeURIComponent(kibanaHref!)).toContain("index:'logs-*'");
  expect(decodeURIComponent(kibanaHref!)).toContain('service.name: "checkout"');

  // Traces: recent traces, errors marked with a word.
  const traces = page.getByRole('region', { name: 'Traces' });
  await expect(
    traces.getByRole('table', { name: 'Most recent traces' }).getByRole('row'),
  ).not.toHaveCount(1);
  await expect(traces.getByText('POST /api/checkout').first()).toBeVisible();
  const jaegerHref = await traces
    .getByRole('link', { name: /^Open in Jaeger/ })
    .getAttribute('href');
  expect(jaegerHref).toMatch(
    /^https:\/\/jaeger\.example\.com\/search\?service=checkout&/,
  );
  await page.screenshot({
    path: 'screenshots/observability-tab.png',
    fullPage: true,
  });

  // Drilldown: a log line's trace id opens that trace in place.
  const traceButton = logs
    .getByRole('button', { name: /^Show trace / })
    .first();
  const traceId = (await traceButton.getAttribute('aria-label'))!.replace(
    'Show trace ',
    '',
  );
  await traceButton.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText(traceId)).toBeVisible();
  await expect(
    dialog.getByRole('table', { name: 'Spans of the trace' }).getByRole('row'),
  ).not.toHaveCount(1);
  await expect(
    dialog.getByText('Error', { exact: false }).first(),
  ).toBeVisible();
  await expect(
    dialog.getByRole('link', { name: /Open trace in Jaeger/ }),
  ).toHaveAttribute('href', `https://jaeger.example.com/trace/${traceId}`);
  const traceLogsHref = await dialog
    .getByRole('link', { name: /Logs of this trace in Kibana/ })
    .getAttribute('href');
  expect(decodeURIComponent(traceLogsHref!)).toContain(
    `trace.id: "${traceId}"`,
  );
  await expect(
    dialog.getByRole('table', { name: 'Log lines of the trace' }),
  ).toBeVisible();
  await page.screenshot({ path: 'screenshots/observability-trace.png' });

  // ...and from the trace to its logs, in the Logs section.
  await dialog
    .getByRole('button', { name: 'Show its logs in the Logs section' })
    .click();
  await expect(dialog).toBeHidden();
  await expect(
    logs.getByRole('table', { name: `Log lines of trace ${traceId}` }),
  ).toBeVisible();
  await page.screenshot({
    path: 'screenshots/observability-trace-logs.png',
    fullPage: true,
  });

  // The overview card: one line per signal.
  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  await expect(
    page.getByText(/req\/s · .* errors \(worst cluster\)/),
  ).toBeVisible();
  await expect(page.getByText(/error lines in the last hour/)).toBeVisible();
  await expect(
    page.getByText(/traces in the last hour, \d+ with errors/),
  ).toBeVisible();
  await page.screenshot({
    path: 'screenshots/observability-card.png',
    fullPage: true,
  });
});
