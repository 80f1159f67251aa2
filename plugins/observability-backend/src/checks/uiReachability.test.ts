import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fixture, fixtureContext, FIXTURE_CLUSTERS } from '../__fixtures__';
import { FIXTURE_URLS, fixtureHandlers } from '../__fixtures__/handlers';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { runFleetChecks } from './runFleetChecks';
import { grafanaReachableCheck, kibanaReachableCheck } from './uiReachability';

const server = setupServer(...fixtureHandlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ctx = fixtureContext();
const checks = [kibanaReachableCheck, grafanaReachableCheck];

/** The two checks through the real clients, against the msw upstreams. */
async function platform(config: Record<string, unknown> = {}) {
  const clients = upstreamClientsFromConfig(
    new ConfigReader({
      observability: {
        kibana: {
          url: FIXTURE_URLS.kibana,
          auth: { apiKey: 'a2liYW5hLWtleQ==' },
        },
        grafana: { url: FIXTURE_URLS.grafana },
        ...config,
      },
    }),
    { timeoutMs: 500 },
  );
  const run = await runFleetChecks(
    clients,
    { clusters: FIXTURE_CLUSTERS, labels: ctx.labels, now: ctx.now },
    checks,
  );
  return { kibana: run.platform.kibana[0], grafana: run.platform.grafana[0] };
}

describe('kibana-reachable / grafana-reachable (§9 drilldown UIs)', () => {
  it('are ok when Kibana is available and Grafana healthy', async () => {
    const { kibana, grafana } = await platform();
    expect(kibana).toMatchObject({
      id: 'kibana-reachable',
      status: 'ok',
      summary: 'Kibana 8.15.3 is available',
      evidence: {
        source: 'kibana',
        query: 'GET /api/status',
        values: { reached: true, http_status: 200, level: 'available' },
      },
    });
    expect(grafana).toMatchObject({
      id: 'grafana-reachable',
      status: 'ok',
      summary: 'Grafana 11.2.2 is healthy',
    });
  });

  it('are critical when they answer 503 with an unhealthy document', async () => {
    server.use(
      http.get(`${FIXTURE_URLS.kibana}/api/status`, () =>
        HttpResponse.json(fixture('kibana/status-unavailable.json'), {
          status: 503,
        }),
      ),
      http.get(`${FIXTURE_URLS.grafana}/api/health`, () =>
        HttpResponse.json(fixture('grafana/health-failing.json'), {
          status: 503,
        }),
      ),
    );
    const { kibana, grafana } = await platform();
    expect(kibana.status).toBe('critical');
    expect(kibana.summary).toBe(
      'Kibana answers but is unavailable: 1 service is unavailable: elasticsearch',
    );
    expect(kibana.mitigation).toMatch(/elastic-stack chart in ops-01/);
    expect(grafana.status).toBe('critical');
    expect(grafana.evidence.values).toMatchObject({
      database: 'failing',
      http_status: 503,
    });
  });

  it('warn when Kibana is degraded, reading Kibana 7 states too', async () => {
    server.use(
      http.get(`${FIXTURE_URLS.kibana}/api/status`, () =>
        HttpResponse.json({
          name: 'kibana',
          version: { number: '7.17.9' },
          status: { overall: { state: 'yellow', title: 'Yellow' } },
        }),
      ),
    );
    const { kibana } = await platform();
    expect(kibana.status).toBe('warn');
    expect(kibana.evidence.values).toMatchObject({ level: 'degraded' });
  });

  it('are critical when not reachable, unknown when the credentials are refused', async () => {
    server.use(
      http.get(`${FIXTURE_URLS.kibana}/api/status`, () =>
        HttpResponse.json(
          { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' },
          { status: 401 },
        ),
      ),
      http.get(`${FIXTURE_URLS.grafana}/api/health`, () =>
        HttpResponse.error(),
      ),
    );
    const { kibana, grafana } = await platform();
    expect(kibana.status).toBe('unknown');
    expect(kibana.evidence.error).toMatch(
      /answered HTTP 401.*check observability\.kibana\.auth/,
    );
    expect(JSON.stringify(kibana)).not.toContain('a2liYW5hLWtleQ==');
    expect(grafana.status).toBe('critical');
    expect(grafana.summary).toMatch(
      /^Grafana is not reachable: grafana at \/api\/health could not be reached/,
    );
  });

  it('a 503 page that is not the health document is still unreachable', async () => {
    server.use(
      http.get(
        `${FIXTURE_URLS.grafana}/api/health`,
        () =>
          new HttpResponse('<html>503 Service Unavailable</html>', {
            status: 503,
          }),
      ),
    );
    const { grafana } = await platform();
    expect(grafana.status).toBe('critical');
    expect(grafana.summary).toMatch(/answered HTTP 503/);
  });

  it('are unknown when not configured', async () => {
    const run = await runFleetChecks(
      upstreamClientsFromConfig(new ConfigReader({}), { timeoutMs: 500 }),
      { clusters: FIXTURE_CLUSTERS, labels: ctx.labels, now: ctx.now },
      checks,
    );
    expect(run.platform.kibana[0]).toMatchObject({
      status: 'unknown',
      evidence: {
        error: 'kibana is not configured (observability.kibana.url)',
      },
    });
    expect(run.platform.grafana[0].status).toBe('unknown');
  });
});
