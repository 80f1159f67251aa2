import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ObservabilityClient, observabilityApiRef } from '../../api';
import { polyfillResizeObserver } from '../../__testUtils__/resizeObserver';
import {
  BASE_URL,
  checkoutEntity,
  SIGNALS_URL,
  signalsFixture,
  TRACE_ID,
  TRACE_URL,
  traceFixture,
} from '../../__fixtures__/signals';
import { EntityObservabilityContent } from './EntityObservabilityContent';

beforeAll(polyfillResizeObserver);

const server = setupServer();
registerMswTestHooks(server);

const client = new ObservabilityClient({
  discoveryApi: { getBaseUrl: async () => BASE_URL },
  fetchApi: { fetch: (...args) => fetch(...args) },
});

function render(
  options: {
    routeEntries?: string[];
    mountedRoutes?: { [path: string]: any };
  } = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, client]]}>
      <EntityProvider entity={checkoutEntity}>
        <EntityObservabilityContent />
      </EntityProvider>
    </TestApiProvider>,
    options,
  );
}

function serve(body: unknown, status = 200) {
  const requests: URL[] = [];
  server.use(
    http.get(SIGNALS_URL, ({ request }) => {
      requests.push(new URL(request.url));
      return HttpResponse.json(body as any, { status });
    }),
    http.get(TRACE_URL, ({ params }) =>
      HttpResponse.json(traceFixture(String(params.traceId))),
    ),
  );
  return requests;
}

describe('EntityObservabilityContent', () => {
  it('has a Deployments (Argo CD) section next to the alerts', async () => {
    serve(signalsFixture());
    server.use(
      http.get(`${BASE_URL}/v1/entity/component/default/checkout/gitops`, () =>
        HttpResponse.json({
          entityRef: 'component:default/checkout',
          generatedAt: '2026-11-25T12:00:00Z',
          rule: { source: 'default', service: 'checkout' },
          clustersSource: 'annotation',
          instances: [],
          clusters: [],
          missingAnnotations: ['argocd/app-name', 'argocd/app-selector'],
        }),
      ),
    );
    await render();
    const section = await screen.findByTestId('argocd-section');
    expect(
      within(section).getByRole('heading', { name: 'Deployments (Argo CD)' }),
    ).toBeInTheDocument();
    expect(
      await within(section).findByTestId('argocd-empty'),
    ).toHaveTextContent('argocd/app-name');
  });

  it('shows metrics, error logs and traces with their deep links', async () => {
    const requests = serve(signalsFixture());
    await render();

    expect(
      await screen.findByRole('heading', { name: 'Metrics' }),
    ).toBeInTheDocument();
    // The range sent is the last hour.
    const from = Date.parse(requests[0].searchParams.get('from')!);
    const to = Date.parse(requests[0].searchParams.get('to')!);
    expect(to - from).toBe(3600_000);

    // Metrics: a chart per measure, each with its latest values as text.
    for (const title of ['Request rate', 'Error ratio', 'p99 latency']) {
      expect(
        screen.getByRole('figure', { name: new RegExp(title) }),
      ).toBeInTheDocument();
    }
    expect(
      screen.getByText('Latest: dev-01 4.20 req/s · prod-01 56.0 req/s'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Latest: dev-01 420 ms · prod-01 532 ms'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in Grafana/ }),
    ).toHaveAttribute(
      'href',
      'https://grafana.example.com/explore?schemaVersion=1',
    );

    // Logs: the count, per cluster, and the lines.
    const logs = screen.getByRole('region', { name: 'Error logs' });
    expect(within(logs).getByText('37')).toBeInTheDocument();
    expect(within(logs).getByText('prod-01: 25')).toBeInTheDocument();
    expect(
      within(logs).getByText(
        'Checkout failed: payments-api answered 502 Bad Gateway',
      ),
    ).toBeInTheDocument();
    expect(
      within(logs).getByRole('link', { name: /Open in Kibana/ }),
    ).toHaveAttribute(
      'href',
      'https://kibana.example.com/app/discover#/?_a=(index:logs-*)',
    );

    // Traces: errors marked with a word, not only a colour.
    const traces = screen.getByRole('region', { name: 'Traces' });
    expect(traces).toHaveTextContent(
      '2 traces in the last 1 hour, 1 with errors',
    );
    expect(within(traces).getByText('Error (2 spans)')).toBeInTheDocument();
    expect(
      within(traces).getByRole('link', { name: /Open in Jaeger/ }),
    ).toHaveAttribute(
      'href',
      'https://jaeger.example.com/search?service=checkout',
    );
  });

  it('lists the slowest traces on their tab', async () => {
    serve(signalsFixture());
    await render();
    const traces = await screen.findByRole('region', { name: 'Traces' });
    await userEvent.click(within(traces).getByRole('tab', { name: 'Slowest' }));
    const rows = within(
      within(traces).getByRole('table', { name: 'Slowest traces' }),
    ).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('POST /api/checkout/slow');
    expect(rows[1]).toHaveTextContent('2.40 s');
  });

  it("opens a log line's trace in place, and the trace's logs in the Logs section", async () => {
    serve(signalsFixture());
    await render();
    await userEvent.click(
      await screen.findByRole('button', { name: `Show trace ${TRACE_ID}` }),
    );

    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByRole('table', { name: 'Spans of the trace' }),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('POST /api/payments/charge'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Completed request in 41 ms'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('link', { name: /Open trace in Jaeger/ }),
    ).toHaveAttribute('href', `https://jaeger.example.com/trace/${TRACE_ID}`);
    expect(
      within(dialog).getByRole('link', {
        name: /Logs of this trace in Kibana/,
      }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining(`trace.id: "${TRACE_ID}"`),
    );

    // From the trace to its logs, in place.
    await userEvent.click(
      within(dialog).getByRole('button', {
        name: 'Show its logs in the Logs section',
      }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    const logs = screen.getByRole('region', { name: 'Error logs' });
    expect(
      await within(logs).findByRole('table', {
        name: `Log lines of trace ${TRACE_ID}`,
      }),
    ).toBeInTheDocument();
    expect(
      within(logs).getByText('Completed request in 41 ms'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(logs).getByRole('button', { name: 'Back to the latest errors' }),
    );
    expect(
      within(logs).getByRole('table', { name: 'Latest error log lines' }),
    ).toBeInTheDocument();
  });

  it('offers the logs of a trace from the traces list', async () => {
    serve(signalsFixture());
    await render();
    await userEvent.click(
      await screen.findByRole('button', { name: `Logs of trace ${TRACE_ID}` }),
    );
    const logs = screen.getByRole('region', { name: 'Error logs' });
    expect(
      await within(logs).findByText('Completed request in 41 ms'),
    ).toBeInTheDocument();
  });

  it('says which section is unknown and why when one upstream is down', async () => {
    const signals = signalsFixture();
    signals.logs = {
      ...signals.logs,
      status: 'unknown',
      error:
        'elasticsearch at /logs-*/_search answered 503 Service Unavailable',
      total: 0,
      byCluster: [],
      samples: [],
    };
    serve(signals);
    await render();
    const logs = await screen.findByRole('region', { name: 'Error logs' });
    expect(
      within(logs).getByText(/Elasticsearch could not be asked/),
    ).toHaveTextContent('answered 503 Service Unavailable');
    // The other sections still show their data.
    expect(
      screen.getByText('Latest: dev-01 4.20 req/s · prod-01 56.0 req/s'),
    ).toBeInTheDocument();
    expect(screen.getByText('POST /api/checkout/slow')).toBeInTheDocument();
  });

  it('shows a refused index pattern annotation as a configuration error with what to change', async () => {
    const signals = signalsFixture();
    const configError = {
      annotation: 'observability.fleetobs.io/kibana-index-pattern',
      value: '.security*',
      reason: 'starts with "." (hidden and system indices)',
      allowed: ['logs-*'],
      allowedBy: 'observability.elasticsearch.allowedIndexPatterns',
      fix: 'Set observability.fleetobs.io/kibana-index-pattern to one of logs-* or a narrower pattern (such as logs-checkout-*), or remove it to use logs-*.',
    };
    signals.target = {
      ...signals.target,
      indexPattern: '.security*',
      indexPatternError: configError,
    };
    signals.logs = {
      ...signals.logs,
      status: 'unknown',
      error: 'Configuration error: …',
      configError,
      indexPattern: '.security*',
      links: [],
      total: 0,
      byCluster: [],
      samples: [],
    };
    serve(signals);
    await render();
    const logs = await screen.findByRole('region', { name: 'Error logs' });
    const alert = within(logs).getByRole('alert');
    expect(alert).toHaveTextContent(
      'Configuration error: Error logs not loaded',
    );
    expect(alert).toHaveTextContent(
      'observability.fleetobs.io/kibana-index-pattern is .security*, which starts with "." (hidden and system indices)',
    );
    expect(alert).toHaveTextContent(
      'observability.elasticsearch.allowedIndexPatterns): logs-* and narrower ones',
    );
    expect(alert).toHaveTextContent(
      'What to change: Set observability.fleetobs.io/kibana-index-pattern to one of logs-*',
    );
    // A configuration error, not an upstream that could not be asked.
    expect(
      within(logs).queryByText(/could not be asked/),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('Latest: dev-01 4.20 req/s · prod-01 56.0 req/s'),
    ).toBeInTheDocument();
  });

  it('shows the annotations to add when the service has no data', async () => {
    const signals = signalsFixture();
    for (const m of Object.values(signals.metrics.metrics)) m.series = [];
    signals.logs = { ...signals.logs, total: 0, byCluster: [], samples: [] };
    signals.traces = { ...signals.traces, traces: [] };
    signals.target.missingAnnotations = ['observability.fleetobs.io/clusters'];
    serve(signals);
    await render();
    expect(
      await screen.findByRole('heading', {
        name: 'This service has no data yet',
      }),
    ).toBeInTheDocument();
    const panel = screen.getByRole('region', {
      name: 'This service has no data yet',
    });
    expect(panel).toHaveTextContent(
      'observability.fleetobs.io/clusters: dev-01,prod-01',
    );
    expect(panel).toHaveTextContent('jaegertracing.io/service: checkout');
  });

  it('shows the error and retries', async () => {
    serve(
      {
        error: { name: 'Error', message: 'catalog is down' },
        response: { statusCode: 500 },
      },
      500,
    );
    await render();
    expect(
      await screen.findByText(
        /Could not load the observability signals of checkout/,
      ),
    ).toBeInTheDocument();
    // The back end's reason, not only the status.
    expect(screen.getByText(/catalog is down/)).toBeInTheDocument();
    serve(signalsFixture());
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('heading', { name: 'Metrics' }),
    ).toBeInTheDocument();
  });

  it('asks again for the picked time range', async () => {
    const requests = serve(signalsFixture());
    await render();
    await screen.findByRole('heading', { name: 'Metrics' });
    await userEvent.click(screen.getByRole('button', { name: 'Last 6 hours' }));
    await waitFor(() => expect(requests).toHaveLength(2));
    const from = Date.parse(requests[1].searchParams.get('from')!);
    const to = Date.parse(requests[1].searchParams.get('to')!);
    expect(to - from).toBe(6 * 3600_000);
  });

  it('scopes the tab to the cluster in ?cluster= (links from the Kubernetes tab)', async () => {
    const requests = serve(signalsFixture());
    await render({ routeEntries: ['/?cluster=prod-01'] });
    await screen.findByRole('heading', { name: 'Metrics' });
    expect(requests[0].searchParams.get('clusters')).toBe('prod-01');
    await userEvent.click(screen.getByText('Show all clusters'));
    await waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1].searchParams.get('clusters')).toBeNull();
  });

  it('links to the Kubernetes tab below the entity page, wherever the app mounts it', async () => {
    serve(signalsFixture());
    await render({
      mountedRoutes: { '/:namespace/:kind/:name': entityRouteRef },
    });
    expect(
      await screen.findByRole('link', { name: 'Pods in the Kubernetes tab' }),
    ).toHaveAttribute('href', '/default/component/checkout/kubernetes');
  });

  it('offers no Kubernetes link when the app has no entity page', async () => {
    serve(signalsFixture());
    await render();
    await screen.findByRole('heading', { name: 'Metrics' });
    expect(
      screen.queryByRole('link', { name: 'Pods in the Kubernetes tab' }),
    ).not.toBeInTheDocument();
  });
});
