import { ConfigReader } from '@backstage/config';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { UpstreamClients } from '../upstream/createUpstreamClients';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { FleetCheckRun, runFleetChecks } from './runFleetChecks';

// The real clients and checks against the fleet simulator: the simulator must speak
// the same wire formats as the recorded fixtures (the clients validate every answer).

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

function clients(url = sim.url, timeoutMs = 3000): UpstreamClients {
  return upstreamClientsFromConfig(
    new ConfigReader({
      observability: {
        thanos: { url: `${url}/thanos` },
        elasticsearch: { url: `${url}/es` },
        jaeger: { url: `${url}/jaeger` },
        alertmanager: { url: `${url}/alertmanager` },
        kibana: { url: `${url}/kibana` },
        grafana: { url: `${url}/grafana` },
      },
    }),
    { timeoutMs },
  );
}

const run = (c: UpstreamClients, clusters = sim.clusters) =>
  runFleetChecks(c, {
    clusters,
    labels: { cluster: 'cluster', environment: 'environment' },
    now: new Date(),
  });

const check = (
  r: FleetCheckRun,
  cluster: string,
  id: string,
  signal?: 'metrics' | 'logs' | 'traces',
): CheckResult => {
  const signals = r.clusters[cluster];
  const list = signal
    ? signals[signal]
    : [...signals.metrics, ...signals.logs, ...signals.traces];
  const found = list.find(c => c.id === id);
  if (!found) throw new Error(`no ${id} for ${cluster}`);
  return found;
};

const statuses = (r: FleetCheckRun) =>
  Object.fromEntries(
    Object.entries(r.clusters).map(([name, s]) => [
      name,
      Object.fromEntries(
        (['metrics', 'logs', 'traces'] as const).flatMap(signal =>
          s[signal].map(c => [`${signal}/${c.id}`, c.status]),
        ),
      ),
    ]),
  );

describe('fleet simulator with the real clients', () => {
  it('is healthy everywhere without faults, in one round of 21 requests', async () => {
    sim.resetRequestCounts();
    const r = await run(clients());
    for (const [cluster, checks] of Object.entries(statuses(r))) {
      for (const [id, status] of Object.entries(checks)) {
        expect(`${cluster} ${id} ${status}`).toBe(`${cluster} ${id} ok`);
      }
    }
    for (const part of [
      'thanos',
      'elasticsearch',
      'jaeger',
      'kibana',
      'grafana',
    ] as const) {
      expect(r.platform[part].length).toBeGreaterThan(0);
      for (const c of r.platform[part])
        expect(`${part} ${c.id} ${c.status}`).toBe(`${part} ${c.id} ok`);
    }
    expect(r.upstreamRequests).toBe(21);
    expect(sim.requestCounts()).toMatchObject({
      thanos: 10,
      elasticsearch: 7,
      jaeger: 1,
      alertmanager: 1,
      kibana: 1,
      grafana: 1,
    });
  });

  it('shows each injected failure mode on its check', async () => {
    sim.setFaults({
      clusters: {
        'prod-01': ['sidecar-down', 'collector-down'],
        'stag-01': ['compactor-halted', 'ilm-error'],
        'dev-01': ['store-gateway-down', 'cert-near-expiry'],
        'ops-01': ['gateway-down', 'es-yellow', 'hot-node-pressure'],
      },
    });
    const r = await run(clients());
    expect(check(r, 'prod-01', 'sidecar-shipping').status).toBe('critical');
    // spans an hour old: warn with the span thresholds (critical after 2 h)
    expect(check(r, 'prod-01', 'span-freshness').status).toBe('warn');
    expect(check(r, 'prod-01', 'log-freshness').status).toBe('ok');
    expect(check(r, 'stag-01', 'compactor').status).toBe('critical');
    expect(check(r, 'stag-01', 'ilm', 'logs')).toMatchObject({
      status: 'critical',
      summary: expect.stringMatching(/does not point to index/),
    });
    expect(check(r, 'dev-01', 'store-gateway').status).toBe('critical');
    expect(check(r, 'dev-01', 'cert-expiry')).toMatchObject({
      status: 'critical',
      summary: expect.stringMatching(
        /logging\/filebeat-client expires in 3(\.\d+)? days/,
      ),
    });
    expect(check(r, 'ops-01', 'log-freshness').status).toBe('critical');
    const es = r.platform.elasticsearch.find(
      c => c.id === 'es-cluster-health',
    )!;
    expect(es.status).toBe('warn');
    expect(es.summary).toMatch(/yellow/);
    expect(es.summary).toMatch(/heap at 93%/);
    // unaffected clusters and checks stay ok
    expect(check(r, 'dev-01', 'sidecar-shipping').status).toBe('ok');
    expect(check(r, 'ops-01', 'span-freshness').status).toBe('ok');
  });

  it('turns red and extra faults into the right statuses', async () => {
    sim.setFaults({
      clusters: { 'prod-01': ['es-red', 'replica-down', 'query-unreachable'] },
    });
    const r = await run(clients());
    expect(r.platform.elasticsearch[0]).toMatchObject({
      id: 'es-cluster-health',
      status: 'critical',
    });
    expect(check(r, 'prod-01', 'prometheus-ha').status).toBe('warn');
    expect(check(r, 'prod-01', 'global-query-store').status).toBe('critical');
    expect(r.platform.thanos[0].status).toBe('warn');
  });

  it('shows the platform-fidelity failure modes (issue 16) on their checks', async () => {
    sim.setFaults({
      clusters: {
        'ops-01': ['global-query-direct'],
        'stag-01': ['bucket-mismatch', 'elastalert-stalled'],
        'prod-01': ['bucket-outage'],
      },
      platform: ['kibana-unavailable', 'grafana-database-failing'],
    });
    const r = await run(clients());
    expect(check(r, 'ops-01', 'global-query-store')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/sidecar and store directly/),
    });
    expect(check(r, 'stag-01', 'bucket-prefix')).toMatchObject({
      status: 'critical',
      summary:
        "The sidecars write to thanos-stag, not to the cluster's bucket thanos-stag-01",
    });
    expect(check(r, 'stag-01', 'elastalert', 'logs').status).toBe('critical');
    expect(check(r, 'prod-01', 'object-storage')).toMatchObject({
      status: 'critical',
      summary: expect.stringMatching(/^Object storage outage: /),
    });
    expect(r.platform.kibana[0].status).toBe('critical');
    expect(r.platform.grafana[0].status).toBe('critical');
    // the rest stays ok
    for (const [cluster, id] of [
      ['dev-01', 'global-query-store'],
      ['dev-01', 'bucket-prefix'],
      ['dev-01', 'object-storage'],
      ['dev-01', 'elastalert'],
      ['prod-01', 'bucket-prefix'],
    ]) {
      expect(`${cluster} ${id} ${check(r, cluster, id).status}`).toBe(
        `${cluster} ${id} ok`,
      );
    }
  });

  it('attributes logs by index name in the check and the service search alike', async () => {
    // The same recorded index names (logs-<cluster>-NNNNNN) behind log-freshness,
    // the service tab's search and the Kibana link of the cluster.
    const r = await run(clients());
    const freshness = check(r, 'prod-01', 'log-freshness');
    expect(freshness.evidence.values).toMatchObject({
      attributed_by: '_index',
      index: 'logs-prod-01-*',
    });
    const c = clients();
    const indices = await c.elasticsearch!.catIndices('logs-prod-01-*', [
      'index',
    ]);
    expect(indices.length).toBeGreaterThan(0);
    expect(indices.every(i => i.index.startsWith('logs-prod-01-'))).toBe(true);
  });

  it.each([
    ['thanos', { status: 503 }, 'metrics', /answered HTTP 503/, 3000],
    [
      'elasticsearch',
      { badJson: true },
      'logs',
      /malformed JSON from elasticsearch/,
      3000,
    ],
    [
      'elasticsearch',
      { slowMs: 2000 },
      'traces',
      /timed out after 1000 ms/,
      1000,
    ],
  ] as const)(
    'a %s transport fault %j makes its checks unknown',
    async (upstream, fault, signal, reason, timeoutMs) => {
      sim.setFaults({ upstreams: { [upstream]: fault } });
      const r = await run(clients(sim.url, timeoutMs));
      for (const cluster of sim.clusters) {
        const affected = r.clusters[cluster.name][signal].filter(
          c => c.evidence.source === upstream,
        );
        expect(affected.length).toBeGreaterThan(0);
        for (const c of affected) {
          expect(c.status).toBe('unknown');
          expect(c.evidence.error).toMatch(reason);
        }
      }
      expect(r.platform.jaeger[0]).toMatchObject({
        id: 'jaeger-query',
        status: 'ok',
      });
    },
  );

  it('costs the same 21 requests for 4 and for 400 clusters', async () => {
    const big = await startFleetSimulator({ port: 0, clusters: 400 });
    try {
      big.resetRequestCounts();
      const r = await run(clients(big.url, 10000), big.clusters);
      expect(r.upstreamRequests).toBe(21);
      expect(big.requestCounts()).toMatchObject({
        thanos: 10,
        elasticsearch: 7,
        jaeger: 1,
        alertmanager: 1,
        kibana: 1,
        grafana: 1,
      });
      expect(Object.keys(r.clusters)).toHaveLength(400);
      expect(check(r, 'edge-400', 'sidecar-shipping').status).toBe('ok');
      expect(check(r, 'edge-400', 'log-freshness').status).toBe('ok');
      expect(check(r, 'edge-400', 'elastalert').status).toBe('ok');
      expect(check(r, 'edge-400', 'bucket-prefix').status).toBe('ok');
    } finally {
      await big.close();
    }
  });

  it('serves service data for the drilldown log → trace', async () => {
    const c = clients();
    const now = new Date();
    const red = await c.thanos!.queryRange(
      'sum by (cluster) (rate(http_server_requests_seconds_count{service="checkout"}[5m]))',
      { start: new Date(now.getTime() - 3600_000), end: now, stepSeconds: 60 },
    );
    expect(red.resultType).toBe('matrix');
    expect(red.result.map((s: any) => s.metric.cluster).sort()).toEqual([
      'dev-01',
      'prod-01',
      'stag-01',
    ]);
    const p99 = await c.thanos!.query(
      'histogram_quantile(0.99, sum by (le, cluster) (rate(http_server_requests_seconds_bucket{service="checkout", cluster="prod-01"}[5m])))',
    );
    expect(p99.resultType === 'vector' && p99.result).toHaveLength(1);
    expect(await c.thanos!.labels()).toContain('cluster');

    const logs = await c.elasticsearch!.search('logs-*', {
      size: 5,
      sort: [{ '@timestamp': { order: 'desc' } }],
      query: {
        bool: {
          filter: [
            { term: { 'service.name': 'checkout' } },
            { term: { 'log.level': 'error' } },
            { term: { 'kubernetes.cluster.name': 'prod-01' } },
            { range: { '@timestamp': { gte: 'now-1h' } } },
          ],
        },
      },
      aggs: { per_cluster: { terms: { field: 'kubernetes.cluster.name' } } },
    });
    expect(logs.hits.hits.length).toBeGreaterThan(0);
    const log = logs.hits.hits[0]._source as any;
    expect(log.trace.id).toMatch(/^[0-9a-f]{32}$/);
    expect(log.kubernetes.cluster.name).toBe('prod-01');

    const trace = await c.jaeger!.trace(log.trace.id);
    expect(trace?.traceID).toBe(log.trace.id);
    expect(Object.values(trace!.processes).map(p => p.serviceName)).toContain(
      'checkout',
    );
    expect(
      trace!.spans.some(s =>
        s.tags?.some(t => t.key === 'error' && t.value === true),
      ),
    ).toBe(true);

    const traces = await c.jaeger!.traces({
      service: 'checkout',
      tags: { cluster: 'prod-01' },
      lookback: '1h',
      limit: 5,
    });
    expect(traces).toHaveLength(5);
    expect(
      await c.jaeger!.trace('0123456789abcdef0123456789abcdef'),
    ).toBeUndefined();

    expect((await c.elasticsearch!.catIndices('logs-*')).length).toBe(12);
    expect((await c.alertmanager!.status()).cluster.status).toBe('ready');
  });
});
