import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fixture } from '../__fixtures__';
import { FIXTURE_URLS, fixtureHandlers } from '../__fixtures__/handlers';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { UpstreamError } from './UpstreamError';

const server = setupServer(...fixtureHandlers());
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const config = new ConfigReader({
  observability: {
    thanos: { url: FIXTURE_URLS.thanos },
    elasticsearch: {
      url: FIXTURE_URLS.elasticsearch,
      auth: { apiKey: 'a2V5' },
    },
    jaeger: { url: FIXTURE_URLS.jaeger },
    alertmanager: {
      url: FIXTURE_URLS.alertmanager,
      auth: { bearerToken: 'am-token' },
    },
  },
});

describe('createUpstreamClients', () => {
  it('creates only the configured clients', () => {
    const clients = upstreamClientsFromConfig(
      new ConfigReader({ observability: { jaeger: { url: 'http://j.test' } } }),
      { timeoutMs: 1000 },
    );
    expect(clients.jaeger).toBeDefined();
    expect(clients.thanos).toBeUndefined();
    expect(clients.elasticsearch).toBeUndefined();
    expect(clients.alertmanager).toBeUndefined();
    expect(clients.certificates).toEqual([]);
  });
});

describe('ThanosClient', () => {
  const { thanos } = upstreamClientsFromConfig(config, { timeoutMs: 1000 });

  it('posts instant queries as a form with time, dedup and partial response', async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(`${FIXTURE_URLS.thanos}/api/v1/query`, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        expect(request.headers.get('content-type')).toBe(
          'application/x-www-form-urlencoded',
        );
        return HttpResponse.json({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [
              { metric: { cluster: 'dev-01' }, value: [1795608000, '2'] },
            ],
          },
          warnings: ['partial'],
        });
      }),
    );
    const result = await thanos!.query('count by (cluster) (up)', {
      time: new Date('2026-11-25T12:00:00Z'),
      dedup: false,
    });
    expect(Object.fromEntries(form!)).toEqual({
      query: 'count by (cluster) (up)',
      time: '1795608000.000',
      dedup: 'false',
      partial_response: 'true',
    });
    expect(result).toEqual({
      resultType: 'vector',
      result: [{ metric: { cluster: 'dev-01' }, value: [1795608000, '2'] }],
      warnings: ['partial'],
    });
  });

  it('reads range queries, labels and stores', async () => {
    const range = await thanos!.queryRange('rate(x[5m])', {
      start: new Date(0),
      end: new Date(60000),
      stepSeconds: 30,
    });
    expect(range.resultType).toBe('matrix');
    expect(await thanos!.labels()).toContain('cluster');
    const stores = await thanos!.stores();
    expect(Object.keys(stores)).toEqual(['query']);
    expect(stores.query[1].lastError).toMatch(/certificate has expired/);
    // grouped by store type, as Thanos Query answers; a type without endpoints is null
    server.use(
      http.get(`${FIXTURE_URLS.thanos}/api/v1/stores`, () =>
        HttpResponse.json(fixture('thanos/stores-direct.json')),
      ),
    );
    const direct = await thanos!.stores();
    expect(Object.keys(direct)).toEqual(['query', 'sidecar', 'store', 'rule']);
    expect(direct.rule).toEqual([]);
    expect(direct.store[0].name).toBe(
      'thanos-store.ops-01.fleet.example:10901',
    );
  });

  it('turns a Prometheus error answer into a typed error', async () => {
    server.use(
      http.post(`${FIXTURE_URLS.thanos}/api/v1/query`, () =>
        HttpResponse.json(
          { status: 'error', errorType: 'bad_data', error: 'parse error' },
          { status: 400 },
        ),
      ),
    );
    await expect(thanos!.query('up{')).rejects.toMatchObject({
      kind: 'http',
      status: 400,
      message:
        'thanos at /api/v1/query answered HTTP 400: bad_data: parse error',
    });
  });
});

describe('ElasticsearchClient', () => {
  const { elasticsearch } = upstreamClientsFromConfig(config, {
    timeoutMs: 1000,
  });

  it('calls each endpoint with the API key', async () => {
    const seen: string[] = [];
    server.events.on('request:start', ({ request }) => {
      seen.push(
        `${request.method} ${new URL(request.url).pathname}${
          new URL(request.url).search
        } ${request.headers.get('authorization')}`,
      );
    });
    expect((await elasticsearch!.clusterHealth()).status).toBe('green');
    expect(Object.keys((await elasticsearch!.nodesStats()).nodes)).toHaveLength(
      5,
    );
    expect(
      (await elasticsearch!.search('logs-*', { size: 0 })).aggregations,
    ).toBeDefined();
    expect(
      (await elasticsearch!.ilmExplain('logs-*,jaeger-span-*')).indices[
        'logs-prod-01-000031'
      ].managed,
    ).toBe(false);
    expect(
      (await elasticsearch!.alias('logs-*'))['logs-dev-01-000012'],
    ).toBeDefined();
    expect((await elasticsearch!.catIndices())[0]['docs.count']).toBe('912344');
    server.events.removeAllListeners();
    expect(seen).toEqual([
      'GET /_cluster/health ApiKey a2V5',
      'GET /_nodes/stats/jvm,fs ApiKey a2V5',
      'POST /logs-*/_search ApiKey a2V5',
      'GET /logs-*,jaeger-span-*/_ilm/explain ApiKey a2V5',
      'GET /logs-*/_alias ApiKey a2V5',
      'GET /_cat/indices?format=json&bytes=b ApiKey a2V5',
    ]);
  });

  it('rejects index patterns that could escape the path', async () => {
    expect(() => elasticsearch!.search('../_security', {})).toThrow(
      /invalid Elasticsearch index pattern/,
    );
    expect(() => elasticsearch!.ilmExplain('logs-*/_doc')).toThrow(/invalid/);
  });

  it('reports the ES error reason', async () => {
    server.use(
      http.post(`${FIXTURE_URLS.elasticsearch}/:index/_search`, () =>
        HttpResponse.json(
          {
            error: {
              type: 'index_not_found_exception',
              reason: 'no such index [logz-*]',
            },
            status: 404,
          },
          { status: 404 },
        ),
      ),
    );
    const error = await elasticsearch!.search('logz-*', {}).catch(e => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'elasticsearch at /logz-*/_search answered HTTP 404: index_not_found_exception: no such index [logz-*]',
    );
  });
});

describe('JaegerClient', () => {
  const { jaeger } = upstreamClientsFromConfig(config, { timeoutMs: 1000 });

  it('lists services, also when Jaeger answers data: null', async () => {
    expect(await jaeger!.services()).toEqual([
      'cart',
      'checkout',
      'jaeger-all-in-one',
      'payments-api',
      'web-frontend',
    ]);
    server.use(
      http.get(`${FIXTURE_URLS.jaeger}/api/services`, () =>
        HttpResponse.json({
          data: null,
          total: 0,
          limit: 0,
          offset: 0,
          errors: null,
        }),
      ),
    );
    expect(await jaeger!.services()).toEqual([]);
  });

  it('searches traces with tags, lookback and limit', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${FIXTURE_URLS.jaeger}/api/traces`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({
          data: [],
          total: 0,
          limit: 0,
          offset: 0,
          errors: null,
        });
      }),
    );
    await jaeger!.traces({
      service: 'checkout',
      tags: { cluster: 'prod-01', error: 'true' },
      lookback: '1h',
      limit: 20,
    });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      service: 'checkout',
      tags: '{"cluster":"prod-01","error":"true"}',
      lookback: '1h',
      limit: '20',
    });
    await expect(
      jaeger!.traces({ service: 'x', lookback: '1h; drop' }),
    ).rejects.toThrow(/invalid Jaeger duration/);
  });

  it('gets a trace by id; unknown ids give undefined', async () => {
    const trace = await jaeger!.trace('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace?.spans).toHaveLength(2);
    expect(trace?.processes.p1.serviceName).toBe('checkout');
    expect(
      await jaeger!.trace('0000000000000000000000000000dead'),
    ).toBeUndefined();
    await expect(jaeger!.trace('../api/services')).rejects.toThrow(
      /invalid trace id/,
    );
  });

  it('reports structured Jaeger errors', async () => {
    server.use(
      http.get(`${FIXTURE_URLS.jaeger}/api/traces`, () =>
        HttpResponse.json(
          {
            data: null,
            total: 0,
            limit: 0,
            offset: 0,
            errors: [{ code: 400, msg: "parameter 'service' is required" }],
          },
          { status: 400 },
        ),
      ),
    );
    await expect(jaeger!.traces({ service: '' })).rejects.toMatchObject({
      kind: 'http',
      message:
        "jaeger at /api/traces answered HTTP 400: parameter 'service' is required",
    });
  });
});

describe('AlertmanagerClient', () => {
  const { alertmanager } = upstreamClientsFromConfig(config, {
    timeoutMs: 1000,
  });

  it('lists alerts with repeated filter parameters and a bearer token', async () => {
    let url: URL | undefined;
    let auth: string | null = null;
    server.use(
      http.get(`${FIXTURE_URLS.alertmanager}/api/v2/alerts`, ({ request }) => {
        url = new URL(request.url);
        auth = request.headers.get('authorization');
        return HttpResponse.json([]);
      }),
    );
    await alertmanager!.alerts({
      filter: ['alertname="Watchdog"', 'cluster=~"prod-.*"'],
      active: true,
      silenced: false,
    });
    expect(url!.searchParams.getAll('filter')).toEqual([
      'alertname="Watchdog"',
      'cluster=~"prod-.*"',
    ]);
    expect(url!.searchParams.get('active')).toBe('true');
    expect(url!.searchParams.get('silenced')).toBe('false');
    expect(auth).toBe('Bearer am-token');
  });

  it('parses the recorded alerts and status', async () => {
    server.resetHandlers();
    const alerts = await alertmanager!.alerts();
    expect(alerts).toHaveLength(4);
    expect(alerts[0].receivers[0].name).toBe('heartbeat-nonprod');
    expect((await alertmanager!.status()).cluster.status).toBe('ready');
  });
});

describe('KibanaClient / GrafanaClient', () => {
  const { kibana, grafana } = upstreamClientsFromConfig(
    new ConfigReader({
      observability: {
        kibana: {
          url: FIXTURE_URLS.kibana,
          auth: { username: 'portal', password: 'kibana-secret' },
        },
        grafana: { url: FIXTURE_URLS.grafana },
      },
    }),
    { timeoutMs: 1000 },
  );

  it('read the health documents with their HTTP status, 503 included', async () => {
    let authorization: string | null = null;
    server.use(
      http.get(`${FIXTURE_URLS.kibana}/api/status`, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json(fixture('kibana/status-unavailable.json'), {
          status: 503,
        });
      }),
    );
    const status = await kibana!.status();
    expect(status.httpStatus).toBe(503);
    expect(status.status.status.overall.level).toBe('unavailable');
    expect(authorization).toBe(
      `Basic ${Buffer.from('portal:kibana-secret').toString('base64')}`,
    );
    expect(await grafana!.health()).toEqual({
      httpStatus: 200,
      health: fixture('grafana/health-ok.json'),
    });
  });

  it('still fail on other error statuses, without the credentials', async () => {
    server.use(
      http.get(`${FIXTURE_URLS.kibana}/api/status`, () =>
        HttpResponse.json(
          { message: 'kibana-secret is wrong' },
          { status: 500 },
        ),
      ),
      http.get(`${FIXTURE_URLS.grafana}/api/health`, () =>
        HttpResponse.json({ unexpected: true }),
      ),
    );
    const error = await kibana!.status().catch(e => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/kibana at \/api\/status answered HTTP 500/);
    expect(error.message).not.toContain('kibana-secret');
    await expect(grafana!.health()).rejects.toThrow(
      /unexpected response shape from grafana at \/api\/health: database/,
    );
  });
});
