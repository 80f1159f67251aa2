import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { AlertsAnswer } from '@fleetobs/plugin-observability-common';
import { ObservabilityClient, observabilityApiRef } from '../../api';
import {
  BASE_URL,
  checkoutEntity,
  SIGNALS_URL,
  signalsFixture,
} from '../../__fixtures__/signals';
import {
  checkoutAlerts,
  checkoutErrorsAlert,
  checkoutLatencyAlert,
} from '../../__fixtures__/alerts';
import { EntityObservabilityCard } from './EntityObservabilityCard';

const server = setupServer();
registerMswTestHooks(server);

const client = new ObservabilityClient({
  discoveryApi: { getBaseUrl: async () => BASE_URL },
  fetchApi: { fetch: (...args) => fetch(...args) },
});

const noAlerts: AlertsAnswer = {
  selector: '{service="checkout"}',
  selectorSource: 'default',
  alerts: [],
  unavailable: [],
};

// No Argo CD application: the Argo CD line says so (see ArgoCd/ for its states).
const noApplications = {
  entityRef: 'component:default/checkout',
  generatedAt: '2026-11-25T12:00:00Z',
  rule: { source: 'default', service: 'checkout' },
  clustersSource: 'annotation',
  instances: [],
  clusters: [],
  missingAnnotations: ['argocd/app-name', 'argocd/app-selector'],
};

function render(
  body: unknown,
  status = 200,
  alerts: unknown = noAlerts,
  alertsStatus = 200,
) {
  server.use(
    http.get(`${BASE_URL}/v1/entity/component/default/checkout/gitops`, () =>
      HttpResponse.json(noApplications),
    ),
    http.get(SIGNALS_URL, () => HttpResponse.json(body as any, { status })),
    http.get(`${BASE_URL}/v1/alerts`, ({ request }) =>
      new URL(request.url).searchParams.get('entity') ===
      'component:default/checkout'
        ? HttpResponse.json(alerts as any, { status: alertsStatus })
        : HttpResponse.json(
            { error: { message: 'wrong entity' } },
            { status: 400 },
          ),
    ),
  );
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, client]]}>
      <EntityProvider entity={checkoutEntity}>
        <EntityObservabilityCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityObservabilityCard', () => {
  it('shows one line per signal with its status, numbers and links', async () => {
    await render(signalsFixture());
    expect(
      await screen.findByText(
        '60.2 req/s · 4.20 % errors (worst cluster) · p99 532 ms (worst cluster)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '37 error lines in the last hour (prod-01: 25, dev-01: 12)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('2 traces in the last hour, 1 with errors'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in Grafana/ }),
    ).toHaveAttribute(
      'href',
      'https://grafana.example.com/explore?schemaVersion=1',
    );
    expect(
      screen.getByRole('link', { name: /Open in Kibana/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open in Jaeger/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Metrics, logs and traces/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/observability',
    );
  });

  it("has an Argo CD line for the service's applications", async () => {
    await render(signalsFixture());
    const line = await screen.findByTestId('argocd-line');
    expect(
      await within(line).findByText(
        'No Argo CD application found for this service',
      ),
    ).toBeInTheDocument();
  });

  it('says which signal is unknown and why', async () => {
    const signals = signalsFixture();
    signals.traces = {
      ...signals.traces,
      status: 'unknown',
      error: 'jaeger at /api/traces timed out after 10000 ms',
      traces: [],
    };
    await render(signals);
    expect(
      await screen.findByText(
        'Jaeger Query could not be asked: jaeger at /api/traces timed out after 10000 ms',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Unknown')).toBeInTheDocument();
    expect(screen.getByText('Reporting')).toBeInTheDocument();
  });

  it('says when a signal is not loaded because of a refused annotation', async () => {
    const signals = signalsFixture();
    signals.logs = {
      ...signals.logs,
      status: 'unknown',
      error: 'Configuration error: …',
      configError: {
        annotation: 'observability.fleetobs.io/kibana-index-pattern',
        value: '*',
        reason: 'is a bare "*" (every index)',
        allowed: ['logs-*'],
        allowedBy: 'observability.elasticsearch.allowedIndexPatterns',
        fix: 'Set it to one of logs-* or a narrower pattern.',
      },
      total: 0,
      byCluster: [],
      samples: [],
    };
    await render(signals);
    expect(
      await screen.findByText(
        'Configuration error: observability.fleetobs.io/kibana-index-pattern "*" is a bare "*" (every index). Set it to one of logs-* or a narrower pattern.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Config error')).toBeInTheDocument();
  });

  it('points to the tab when the service has no data', async () => {
    const signals = signalsFixture();
    for (const m of Object.values(signals.metrics.metrics)) m.series = [];
    signals.logs = { ...signals.logs, total: 0, byCluster: [], samples: [] };
    signals.traces = { ...signals.traces, traces: [] };
    await render(signals);
    expect(
      await screen.findByRole('link', { name: 'See which annotations to add' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/observability',
    );
  });

  it('shows the error', async () => {
    await render({ error: { name: 'Error', message: 'boom' } }, 500);
    expect(
      await screen.findByText(/Could not load the signals/),
    ).toBeInTheDocument();
  });
  it('shows a line with the firing alerts of the service, by severity and cluster', async () => {
    await render(
      signalsFixture(),
      200,
      checkoutAlerts([
        checkoutLatencyAlert,
        { ...checkoutErrorsAlert, state: 'silenced', silencedBy: ['s1'] },
      ]),
    );
    const line = await screen.findByTestId('alerts-line');
    expect(
      await within(line).findByText(
        '1 warning firing in prod-01 · 1 silenced or inhibited',
      ),
    ).toBeInTheDocument();
    expect(within(line).getByText('Firing')).toBeInTheDocument();
  });

  it('says why the alerts are unknown when the back end refuses', async () => {
    await render(
      signalsFixture(),
      200,
      { error: { name: 'NotFoundError', message: 'No entity in the catalog' } },
      404,
    );
    const line = await screen.findByTestId('alerts-line');
    expect(
      await within(line).findByText(
        'Could not load the alerts: No entity in the catalog',
      ),
    ).toBeInTheDocument();
  });
});
