import { startFleetSimulator, FleetSimulator } from './index';
import { getFrom } from './__testUtils__/getFrom';

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

const get = getFrom(() => sim.url);

describe('fleet simulator', () => {
  it('defaults to the four demo clusters', () => {
    expect(sim.clusters).toEqual([
      { name: 'dev-01', environment: 'dev' },
      { name: 'stag-01', environment: 'stag' },
      { name: 'prod-01', environment: 'prod' },
      { name: 'ops-01', environment: 'ops' },
    ]);
  });

  it('serves Prometheus text exposition per cluster with cluster, environment and replica labels', async () => {
    const r = await get('/exporters/prod-01/metrics');
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(r.text).toContain('# TYPE thanos_shipper_uploads_total counter');
    expect(r.text).toMatch(
      /^up\{cluster="prod-01",environment="prod",job="thanos-sidecar",replica="1",instance="prometheus-k8s-1:10902"\} 1$/m,
    );
    sim.setFaults({ clusters: { 'prod-01': ['sidecar-down'] } });
    const down = await get('/exporters/prod-01/metrics');
    expect(down.text).toMatch(/^up\{[^}]*job="thanos-sidecar"[^}]*\} 0$/m);
    expect(down.text).not.toMatch(
      /thanos_objstore_bucket_last_successful_upload_time\{[^}]*job="thanos-sidecar"/,
    );
    expect((await get('/exporters/nope-01/metrics')).status).toBe(404);
  });

  it('answers Prometheus API errors like Prometheus', async () => {
    const r = await get(
      '/thanos/api/v1/query_range?query=up&start=10&end=5&step=15',
    );
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error:
        'invalid parameter "end": end timestamp must not be before start time',
    });
    const big = await get(
      '/thanos/api/v1/query_range?query=up&start=0&end=1000000&step=1',
    );
    expect(big.json.error).toMatch(/11,000 points/);
  });

  it('answers ES errors like Elasticsearch', async () => {
    const r = await get('/es/logz-000001/_search', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(404);
    expect(r.json.error.type).toBe('index_not_found_exception');
    const bad = await get('/es/logs-*/_search', {
      method: 'POST',
      body: '{"query":{"fuzzy_wuzzy":{}}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.reason).toBe('unknown query [fuzzy_wuzzy]');
  });

  it('answers Jaeger errors like Jaeger', async () => {
    const r = await get('/jaeger/api/traces');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      data: null,
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 400, msg: "parameter 'service' is required" }],
    });
    expect(
      (await get('/jaeger/api/traces/00000000000000000000000000000000')).status,
    ).toBe(404);
  });

  it('filters Alertmanager alerts by matchers', async () => {
    sim.setFaults({ clusters: { 'stag-01': ['compactor-halted'] } });
    const all = await get('/alertmanager/api/v2/alerts');
    expect(all.json.map((a: any) => a.labels.alertname).sort()).toEqual([
      'ThanosCompactHalted',
      'Watchdog',
      'Watchdog',
      'Watchdog',
      'Watchdog',
    ]);
    const watchdog = await get(
      `/alertmanager/api/v2/alerts?filter=${encodeURIComponent(
        'alertname="Watchdog"',
      )}&filter=${encodeURIComponent('environment=~"prod|stag"')}`,
    );
    expect(
      watchdog.json.map((a: any) => [a.labels.cluster, a.receivers[0].name]),
    ).toEqual([
      ['stag-01', 'heartbeat-nonprod'],
      ['prod-01', 'heartbeat-prod'],
    ]);
  });

  it('validates faults on the admin API and reports them', async () => {
    const bad = await get('/__admin/faults', {
      method: 'PUT',
      body: JSON.stringify({ clusters: { 'dev-01': ['meteor-strike'] } }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/unknown fault "meteor-strike"/);
    expect(
      (
        await get('/__admin/faults', {
          method: 'PUT',
          body: JSON.stringify({ clusters: { 'x-99': [] } }),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await get('/__admin/faults', {
          method: 'PUT',
          body: JSON.stringify({ upstreams: { thanos: { status: 404 } } }),
        })
      ).status,
    ).toBe(400);
    const ok = await get('/__admin/faults', {
      method: 'PUT',
      body: JSON.stringify({
        clusters: { 'dev-01': ['es-yellow'] },
        upstreams: { jaeger: { status: 502 } },
      }),
    });
    expect(ok.json).toMatchObject({
      clusters: { 'dev-01': ['es-yellow'] },
      upstreams: { jaeger: { status: 502 } },
    });
    expect((await get('/es/_cluster/health')).json.status).toBe('yellow');
    const jaeger = await get('/jaeger/api/services');
    expect(jaeger.status).toBe(502);
    expect(jaeger.json.errors[0].code).toBe(502);
    expect(sim.getFaults().clusters).toEqual({ 'dev-01': ['es-yellow'] });
  });

  it('injects bad JSON and latency per upstream, and counts requests', async () => {
    sim.resetRequestCounts();
    await get('/__admin/timings', { method: 'DELETE' });
    sim.setFaults({
      upstreams: { alertmanager: { badJson: true }, thanos: { slowMs: 1000 } },
    });
    const bad = await get('/alertmanager/api/v2/status');
    expect(bad.status).toBe(200);
    expect(bad.json).toBeUndefined();
    const started = Date.now();
    await get('/thanos/api/v1/labels');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(sim.requestCounts()).toMatchObject({
      alertmanager: 1,
      thanos: 1,
      elasticsearch: 0,
      jaeger: 0,
    });
    const timings = (await get('/__admin/timings')).json;
    expect(timings.slowestMs.thanos).toBeGreaterThanOrEqual(990);
    // Only Thanos was slowed down.
    expect(timings.slowestMs.alertmanager).toBeLessThan(
      timings.slowestMs.thanos,
    );
    expect(timings.slowestMs.jaeger).toBeUndefined();
    await get('/__admin/timings', { method: 'DELETE' });
    expect((await get('/__admin/timings')).json.slowestMs).toEqual({});
  });

  it('builds many clusters with names and environments', async () => {
    const many = await startFleetSimulator({ port: 0, clusters: 40 });
    try {
      expect(many.clusters).toHaveLength(40);
      expect(many.clusters[4]).toEqual({
        name: 'edge-005',
        environment: 'stag',
      });
      const stores = await (
        await fetch(`${many.url}/thanos/api/v1/stores`)
      ).json();
      expect(stores.data.query).toHaveLength(40);
    } finally {
      await many.close();
    }
    const named = await startFleetSimulator({
      port: 0,
      clusters: ['prod-eu-1', 'dev-lab'],
    });
    expect(named.clusters).toEqual([
      { name: 'prod-eu-1', environment: 'prod' },
      { name: 'dev-lab', environment: 'dev' },
    ]);
    await named.close();
  });

  it('answers the ingest figures a retention cost estimate asks for', async () => {
    const query = async (promql: string) =>
      (await get(`/thanos/api/v1/query?query=${encodeURIComponent(promql)}`))
        .json.data.result as Array<{ metric: any; value: [number, string] }>;
    const rate = await query(
      'sum by (cluster) (rate(prometheus_tsdb_head_samples_appended_total[5m]))',
    );
    const byCluster = Object.fromEntries(
      rate.map(s => [s.metric.cluster, Number(s.value[1])]),
    );
    expect(Object.keys(byCluster).sort()).toEqual(
      sim.clusters.map(c => c.name).sort(),
    );
    expect(byCluster['prod-01']).toBeGreaterThan(byCluster['dev-01']);
    // One replica of the HA pair counts (deduplicated), as in Thanos Query.
    const series = await query(
      'sum by (cluster) (prometheus_tsdb_head_series)',
    );
    const prodSeries = Number(
      series.find(s => s.metric.cluster === 'prod-01')!.value[1],
    );
    expect(byCluster['prod-01']).toBeCloseTo(900_000 / 30, -2);
    expect(prodSeries).toBeGreaterThan(800_000);
    expect(prodSeries).toBeLessThan(1_000_000);

    const cat = await get(
      '/es/_cat/indices/logs-dev-01-*?format=json&bytes=b&h=index,creation.date,store.size',
    );
    expect(cat.status).toBe(200);
    for (const row of cat.json) {
      expect(Object.keys(row)).toEqual([
        'index',
        'creation.date',
        'store.size',
      ]);
    }
    const dates = cat.json.map((r: any) => Number(r['creation.date']));
    expect(new Set(dates).size).toBe(cat.json.length);
    const unknown = await get('/es/_cat/indices?format=json&h=index,nope');
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.reason).toBe('Unable to find column [nope]');
    // Without h: Elasticsearch's default columns, no creation date.
    const plain = await get('/es/_cat/indices/logs-dev-01-*?format=json');
    expect(plain.json[0]['creation.date']).toBeUndefined();
    expect(plain.json[0]['store.size']).toBeDefined();
  });
});
