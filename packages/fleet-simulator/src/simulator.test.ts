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
      'ServiceLatencyHigh',
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

  describe('platform-fidelity faults (issue 16)', () => {
    const post = (path: string, body: unknown) =>
      get(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const query = (promql: string) =>
      get(`/thanos/api/v1/query?query=${encodeURIComponent(promql)}`);

    it('takes them beside the model faults, and refuses unknown ones', async () => {
      const put = await get('/__admin/faults', {
        method: 'PUT',
        body: JSON.stringify({
          clusters: { 'dev-01': ['bucket-outage', 'sidecar-down'] },
          platform: ['kibana-unavailable'],
        }),
      });
      expect(put.status).toBe(200);
      expect(put.json.clusters).toEqual({
        'dev-01': ['sidecar-down', 'bucket-outage'],
      });
      expect(put.json.platform).toEqual(['kibana-unavailable']);
      expect(put.json.available.clusters).toContain('global-query-direct');
      expect(put.json.available.platform).toEqual([
        'kibana-unavailable',
        'grafana-database-failing',
      ]);
      for (const bad of [
        { platform: ['kibana-on-fire'] },
        { clusters: { 'nope-01': ['bucket-outage'] } },
        { clusters: { 'dev-01': ['bucket-on-fire'] } },
      ]) {
        const r = await get('/__admin/faults', {
          method: 'PUT',
          body: JSON.stringify(bad),
        });
        expect(r.status).toBe(400);
      }
      // a refused PUT changes nothing
      expect(sim.getFaults().platform).toEqual(['kibana-unavailable']);
    });

    it('global-query-direct lists the sidecars and store gateway instead of the local Query', async () => {
      sim.setFaults({ clusters: { 'ops-01': ['global-query-direct'] } });
      const { data } = (await get('/thanos/api/v1/stores')).json;
      expect(data.query.map((s: any) => s.labelSets[0].cluster)).toEqual([
        'dev-01',
        'stag-01',
        'prod-01',
      ]);
      expect(data.sidecar).toHaveLength(2);
      expect(data.store[0]).toMatchObject({
        name: 'thanos-store.ops-01.fleet.internal:10901',
        labelSets: [{ cluster: 'ops-01', environment: 'ops' }],
      });
    });

    it("labels the objstore metrics with the cluster's bucket, or the environment's on bucket-mismatch", async () => {
      const promql =
        'count by (cluster, bucket) (thanos_objstore_bucket_operations_total{job=~".*sidecar.*"})';
      const buckets = async () =>
        Object.fromEntries(
          (await query(promql)).json.data.result.map((s: any) => [
            s.metric.cluster,
            s.metric.bucket,
          ]),
        );
      expect((await buckets())['stag-01']).toBe('thanos-stag-01');
      sim.setFaults({ clusters: { 'stag-01': ['bucket-mismatch'] } });
      expect(await buckets()).toMatchObject({
        'stag-01': 'thanos-stag',
        'dev-01': 'thanos-dev-01',
      });
    });

    it('bucket-outage fails every bucket operation of the cluster', async () => {
      sim.setFaults({ clusters: { 'prod-01': ['bucket-outage'] } });
      const r = await query(
        'label_replace(sum by (cluster) (increase(thanos_objstore_bucket_operation_failures_total[15m])), "measure", "failures_15m", "", "")\nor\nlabel_replace(sum by (cluster) (increase(thanos_objstore_bucket_operations_total[15m])), "measure", "operations_15m", "", "")',
      );
      const of = (cluster: string, measure: string) =>
        Number(
          r.json.data.result.find(
            (s: any) =>
              s.metric.cluster === cluster && s.metric.measure === measure,
          ).value[1],
        );
      expect(of('prod-01', 'failures_15m')).toBeGreaterThan(0);
      expect(of('prod-01', 'failures_15m')).toBe(
        of('prod-01', 'operations_15m'),
      );
      expect(of('dev-01', 'failures_15m')).toBe(0);
      expect(of('dev-01', 'operations_15m')).toBeGreaterThan(0);
    });

    it("writes ElastAlert2 runs of each cluster's rules; elastalert-stalled stops them", async () => {
      const search = async () =>
        (
          await post('/es/elastalert_status_status/_search', {
            size: 0,
            aggs: {
              rules: {
                terms: { field: 'rule_name', size: 100 },
                aggs: { latest: { max: { field: '@timestamp' } } },
              },
            },
          })
        ).json.aggregations.rules.buckets as Array<{
          key: string;
          latest: { value: number };
        }>;
      const age = (buckets: any[], rule: string) =>
        (Date.now() - buckets.find(b => b.key === rule).latest.value) / 1000;
      const before = await search();
      expect(before.map(b => b.key)).toContain('dev-01/error-spike');
      expect(age(before, 'dev-01/error-spike')).toBeLessThan(301);
      sim.setFaults({ clusters: { 'dev-01': ['elastalert-stalled'] } });
      const after = await search();
      expect(age(after, 'dev-01/error-spike')).toBeGreaterThan(3300);
      expect(age(after, 'stag-01/error-spike')).toBeLessThan(301);
    });

    it('serves Kibana /api/status and Grafana /api/health, 503 when injected', async () => {
      expect((await get('/kibana/api/status')).json.status.overall.level).toBe(
        'available',
      );
      expect((await get('/grafana/api/health')).json.database).toBe('ok');
      sim.setFaults({
        platform: ['kibana-unavailable', 'grafana-database-failing'],
      });
      const kibana = await get('/kibana/api/status');
      expect(kibana.status).toBe(503);
      expect(kibana.json.status.overall.level).toBe('unavailable');
      const grafana = await get('/grafana/api/health');
      expect(grafana.status).toBe(503);
      expect(grafana.json.database).toBe('failing');
    });

    it('matches wildcard and prefix queries on _index', async () => {
      const count = async (esQuery: unknown) =>
        (
          await post('/es/logs-*/_search', {
            size: 0,
            query: esQuery,
            aggs: { i: { terms: { field: '_index', size: 100 } } },
          })
        ).json.aggregations.i.buckets.map((b: any) => b.key);
      const wild = await count({
        wildcard: { _index: { value: 'logs-dev-01-*' } },
      });
      expect(wild.length).toBeGreaterThan(0);
      expect(wild.every((i: string) => i.startsWith('logs-dev-01-'))).toBe(
        true,
      );
      expect(await count({ prefix: { _index: 'logs-stag-01-' } })).toEqual(
        expect.arrayContaining([expect.stringMatching(/^logs-stag-01-\d{6}$/)]),
      );
    });
  });
});
