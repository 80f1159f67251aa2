import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { EntitySignals } from '@fleetobs/plugin-observability-common';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { UpstreamClients } from '../upstream/createUpstreamClients';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { ThanosClient } from '../upstream/ThanosClient';
import { readObservabilityConfig } from '../config';
import { createEntitySignalsRouter } from './router';

// The router on a test backend, against the fleet simulator: the real clients, the
// real wire formats, and the simulator's fault injection for a partial answer.

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

const UI = {
  grafanaUrl: 'https://grafana.example.com',
  grafanaDatasource: 'thanos-global',
  kibanaUrl: 'https://kibana.example.com',
  jaegerUrl: 'https://jaeger.example.com',
};

const service = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'shop-team' },
});

const HOSTILE = 'checkout"} or vector(1) or up{x="\\';

const ENTITIES = [
  service('checkout', {
    'observability.fleetobs.io/service-name': 'checkout',
    'observability.fleetobs.io/clusters': 'dev-01,stag-01,prod-01',
    'observability.fleetobs.io/kibana-index-pattern': 'logs-*',
    'jaegertracing.io/service': 'checkout',
  }),
  service('cart'),
  service('evil', { 'observability.fleetobs.io/service-name': HOSTILE }),
];

function simClients(options: { only?: Array<keyof UpstreamClients> } = {}) {
  const all = upstreamClientsFromConfig(
    new ConfigReader({
      observability: {
        thanos: { url: `${sim.url}/thanos` },
        elasticsearch: { url: `${sim.url}/es` },
        jaeger: { url: `${sim.url}/jaeger` },
      },
    }),
    { timeoutMs: 5000 },
  );
  if (!options.only) return all;
  const picked: UpstreamClients = {};
  for (const name of options.only) (picked as any)[name] = all[name];
  return picked;
}

async function startBackend(
  options: {
    clients?: UpstreamClients;
    signals?: JsonObject;
  } = {},
) {
  const clients = options.clients ?? simClients();
  const testPlugin = createBackendPlugin({
    pluginId: 'observability',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          config: coreServices.rootConfig,
          cache: coreServices.cache,
          logger: coreServices.logger,
          catalog: catalogServiceRef,
        },
        async init(deps) {
          const { signals, kubernetes } = readObservabilityConfig(deps.config);
          deps.httpRouter.use(
            await createEntitySignalsRouter({
              ...deps,
              signals,
              kubernetesCall: kubernetes,
              clients,
            }),
          );
        },
      });
    },
  });
  const { server } = await startTestBackend({
    features: [
      testPlugin,
      mockServices.rootConfig.factory({
        data: {
          observability: {
            ui: UI,
            ...(options.signals ? { signals: options.signals } : {}),
          },
        },
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  return server;
}

const BASE = '/api/observability/v1/entity';

describe('GET /v1/entity/:kind/:namespace/:name/signals', () => {
  it('answers metrics, error logs and traces of a service from the three upstreams', async () => {
    const server = await startBackend();
    sim.resetRequestCounts();
    const res = await request(server).get(
      `${BASE}/component/default/checkout/signals`,
    );
    expect(res.status).toBe(200);
    const body = res.body as EntitySignals;
    expect(body.entityRef).toBe('component:default/checkout');
    expect(body.target).toMatchObject({
      service: 'checkout',
      jaegerService: 'checkout',
      indexPattern: 'logs-*',
      clusters: ['dev-01', 'stag-01', 'prod-01'],
    });
    expect(Date.parse(body.range.to) - Date.parse(body.range.from)).toBe(
      3600_000,
    );

    // Metrics: one series per cluster for each measure.
    expect(body.metrics.status).toBe('ok');
    for (const name of ['rate', 'errorRatio', 'p99'] as const) {
      const metric = body.metrics.metrics[name];
      expect(metric.series.map(s => s.cluster)).toEqual([
        'dev-01',
        'prod-01',
        'stag-01',
      ]);
      expect(metric.series[0].points.length).toBeGreaterThan(10);
      expect(metric.link?.url).toMatch(
        /^https:\/\/grafana\.example\.com\/explore\?/,
      );
    }
    expect(body.metrics.metrics.rate.query).toBe(
      'sum by (cluster) (rate(http_server_requests_seconds_count{service="checkout", cluster=~"dev-01|stag-01|prod-01"}[120s]))',
    );

    // Logs: error lines with trace ids, and the count per cluster.
    expect(body.logs.status).toBe('ok');
    expect(body.logs.total).toBeGreaterThan(0);
    expect(body.logs.samples.length).toBeGreaterThan(0);
    expect(body.logs.samples[0]).toMatchObject({
      level: 'error',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(body.logs.byCluster.map(b => b.cluster).sort()).toEqual([
      'dev-01',
      'prod-01',
      'stag-01',
    ]);
    const kibana = new URL(body.logs.links[0].url);
    expect(kibana.origin).toBe('https://kibana.example.com');
    expect(decodeURIComponent(kibana.hash)).toContain(
      'service.name: "checkout"',
    );

    // Traces: root operation, spans, cluster from the process tags.
    expect(body.traces.status).toBe('ok');
    expect(body.traces.traces.length).toBeGreaterThan(0);
    const trace = body.traces.traces[0];
    expect(trace).toMatchObject({
      rootService: 'checkout',
      rootOperation: 'POST /api/checkout',
      cluster: expect.stringMatching(/^(dev|stag|prod)-01$/),
    });
    expect(trace.spanCount).toBeGreaterThan(2);
    expect(trace.links.map(l => l.url)).toEqual([
      `https://jaeger.example.com/trace/${trace.traceId}`,
      expect.stringContaining('https://kibana.example.com/app/discover#/'),
    ]);
    expect(body.traces.links[0].url).toMatch(
      /^https:\/\/jaeger\.example\.com\/search\?service=checkout&/,
    );

    // One request per measure to Thanos, one to ES, one to Jaeger.
    const counts = sim.requestCounts();
    expect([counts.thanos, counts.elasticsearch, counts.jaeger]).toEqual([
      3, 1, 1,
    ]);

    // A second call for the same range in the cache lifetime asks nothing upstream
    // (an explicit range: the default one moves with the clock every 15 s).
    const to = new Date();
    const range = new URLSearchParams({
      from: new Date(to.getTime() - 3600_000).toISOString(),
      to: to.toISOString(),
    });
    const url = `${BASE}/component/default/checkout/signals?${range}`;
    await request(server).get(url);
    const asked = sim.requestCounts().elasticsearch;
    await request(server).get(url);
    expect(sim.requestCounts().elasticsearch).toBe(asked);
  });

  it('defaults to metadata.name and all clusters, and names the missing annotations', async () => {
    const server = await startBackend();
    const res = await request(server).get(
      `${BASE}/component/default/cart/signals?clusters=prod-01`,
    );
    expect(res.status).toBe(200);
    expect(res.body.target).toMatchObject({
      service: 'cart',
      jaegerService: 'cart',
      clusters: ['prod-01'],
      missingAnnotations: [
        'observability.fleetobs.io/service-name',
        'observability.fleetobs.io/clusters',
        'observability.fleetobs.io/kibana-index-pattern',
        'jaegertracing.io/service',
      ],
    });
    expect(
      res.body.metrics.metrics.rate.series.map((s: any) => s.cluster),
    ).toEqual(['prod-01']);
    expect(
      res.body.traces.traces.every((t: any) => t.cluster === 'prod-01'),
    ).toBe(true);
  });

  it('answers 404 for an entity that is not in the catalog', async () => {
    const server = await startBackend();
    const res = await request(server).get(
      `${BASE}/component/default/nope/signals`,
    );
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/nope in the catalog',
    });
  });

  it.each([
    ['from=yesterday', /Invalid from "yesterday"/],
    ['to=2026-13-45', /Invalid to/],
    [
      'from=2026-11-25T12:00:00Z&to=2026-11-25T11:00:00Z',
      /"to" must be after "from"/,
    ],
    ['from=1700000000000&to=1700000000000', /"to" must be after "from"/],
    ['from=2026-11-01T00:00:00Z&to=2026-11-25T00:00:00Z', /at most 168 hours/],
    ['clusters=Prod_01', /clusters must be a comma-separated list/],
    ['clusters=ops-01', /ops-01 are not among the clusters of the service/],
    ['foo=1', /Unrecognized key/],
  ])('answers 400 for %s', async (query, message) => {
    const server = await startBackend();
    const res = await request(server).get(
      `${BASE}/component/default/checkout/signals?${query}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toMatch(message);
  });

  it('takes epoch milliseconds and ISO times, within the configured maximum range', async () => {
    const server = await startBackend({ signals: { maxRange: { hours: 2 } } });
    const to = Date.now();
    const ok = await request(server).get(
      `${BASE}/component/default/checkout/signals?from=${
        to - 900_000
      }&to=${to}`,
    );
    expect(ok.status).toBe(200);
    const tooLong = await request(server).get(
      `${BASE}/component/default/checkout/signals?from=${new Date(
        to - 3 * 3600_000,
      ).toISOString()}&to=${new Date(to).toISOString()}`,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/at most 2 hours/);
  });

  it('answers the other parts when one upstream is down', async () => {
    const server = await startBackend();
    sim.setFaults({ upstreams: { elasticsearch: { status: 503 } } });
    const res = await request(server).get(
      `${BASE}/component/default/checkout/signals`,
    );
    expect(res.status).toBe(200);
    expect(res.body.logs.status).toBe('unknown');
    expect(res.body.logs.error).toMatch(/elasticsearch/i);
    expect(res.body.logs.error).toMatch(/503/);
    // The link still lets the owner look in Kibana.
    expect(res.body.logs.links[0].url).toMatch(/^https:\/\/kibana/);
    expect(res.body.metrics.status).toBe('ok');
    expect(res.body.traces.status).toBe('ok');
    expect(res.body.traces.traces.length).toBeGreaterThan(0);
  });

  it('says which upstream is not configured', async () => {
    const server = await startBackend({
      clients: simClients({ only: ['thanos'] }),
    });
    const res = await request(server).get(
      `${BASE}/component/default/checkout/signals`,
    );
    expect(res.status).toBe(200);
    expect(res.body.metrics.status).toBe('ok');
    expect(res.body.logs).toMatchObject({
      status: 'unknown',
      error:
        'Elasticsearch is not configured (observability.elasticsearch.url)',
    });
    expect(res.body.traces).toMatchObject({
      status: 'unknown',
      error: 'Jaeger is not configured (observability.jaeger.url)',
    });
  });

  it('escapes a hostile service name in PromQL and sends it as a plain term to Elasticsearch', async () => {
    const real = simClients();
    const queries: string[] = [];
    const thanos: ThanosClient = {
      requestCount: 0,
      query: real.thanos!.query.bind(real.thanos),
      labels: real.thanos!.labels.bind(real.thanos),
      stores: real.thanos!.stores.bind(real.thanos),
      rules: real.thanos!.rules.bind(real.thanos),
      queryRange: async (promql, options) => {
        queries.push(promql);
        return real.thanos!.queryRange(promql, options);
      },
    };
    const bodies: Array<Record<string, any>> = [];
    const server = await startBackend({
      clients: {
        ...real,
        thanos,
        elasticsearch: {
          ...real.elasticsearch!,
          requestCount: 0,
          search: async (index, body) => {
            bodies.push(body);
            return real.elasticsearch!.search(index, body);
          },
        },
      },
    });
    const res = await request(server).get(
      `${BASE}/component/default/evil/signals`,
    );
    expect(res.status).toBe(200);
    const escaped = '"checkout\\"} or vector(1) or up{x=\\"\\\\"';
    expect(queries).toHaveLength(3);
    for (const q of queries) {
      expect(q).toContain(`{service=${escaped}}`);
      expect(q).not.toContain('or vector(1) or up{x="\\"');
    }
    // The injection found nothing: no series at all.
    expect(res.body.metrics.metrics.rate.series).toEqual([]);
    expect(bodies[0].query.bool.filter[0]).toEqual({
      term: { 'service.name': HOSTILE },
    });
    expect(res.body.logs.kuery).toContain(
      'service.name: "checkout\\"} or vector(1) or up{x=\\"\\\\"',
    );
  });

  it('requires authentication', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get(`${BASE}/component/default/checkout/signals`)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });
});

describe('GET /v1/entity/:kind/:namespace/:name/traces/:traceId', () => {
  it('answers a trace of the service with its spans, 404 for other traces, 400 for bad ids', async () => {
    const server = await startBackend();
    const signals = await request(server).get(
      `${BASE}/component/default/checkout/signals`,
    );
    const traceId = signals.body.logs.samples[0].traceId as string;

    const res = await request(server).get(
      `${BASE}/component/default/checkout/traces/${traceId}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.trace.traceId).toBe(traceId);
    expect(res.body.trace.error).toBe(true);
    expect(res.body.trace.spans.length).toBe(res.body.trace.spanCount);
    expect(res.body.trace.spans[0]).toMatchObject({ depth: 0, offsetMs: 0 });
    expect(res.body.trace.spans.some((s: any) => s.error)).toBe(true);
    // ...and the log lines of the trace, every level.
    expect(res.body.logs.status).toBe('ok');
    expect(res.body.logs.samples.length).toBeGreaterThan(0);
    expect(res.body.logs.samples.every((l: any) => l.traceId === traceId)).toBe(
      true,
    );
    expect(res.body.logs.links[0].url).toContain(
      encodeURIComponent(`trace.id: "${traceId}"`).slice(0, 10),
    );

    // A service that has no span in the trace does not get it.
    const other = await request(server).get(
      `${BASE}/component/default/evil/traces/${traceId}`,
    );
    expect(other.status).toBe(404);

    const missing = await request(server).get(
      `${BASE}/component/default/checkout/traces/${'0'.repeat(32)}`,
    );
    expect(missing.status).toBe(404);

    const bad = await request(server).get(
      `${BASE}/component/default/checkout/traces/not-a-trace`,
    );
    expect(bad.status).toBe(400);
  });
});
