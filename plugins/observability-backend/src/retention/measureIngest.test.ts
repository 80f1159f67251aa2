import { ConfigReader } from '@backstage/config';
import { startFleetSimulator } from '@fleetobs/fleet-simulator';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { measureIngest } from './measureIngest';

const base = {
  cluster: 'prod-01',
  clusterCount: 4,
  clusterLabel: 'cluster',
  logIndexPrefix: (c: string) => `logs-${c}`,
  spanIndexPattern: 'jaeger-span-*',
  spanClusterField: 'process.tag.cluster',
};

const vector = (values: Record<string, number>) => ({
  resultType: 'vector' as const,
  result: Object.entries(values).map(([cluster, v]) => ({
    metric: { cluster },
    value: [1764064800, String(v)] as [number, string],
  })),
});

describe('measureIngest', () => {
  it('reads samples/s and series of the cluster from one by-cluster query each', async () => {
    const query = jest.fn(async (promql: string) =>
      promql.includes('samples_appended')
        ? vector({ 'prod-01': 120000.4, 'dev-01': 5 })
        : vector({ 'prod-01': 900000, 'dev-01': 1 }),
    );
    const rates = await measureIngest({
      ...base,
      signal: 'metrics',
      thanos: { query } as any,
    });
    expect(rates).toMatchObject({
      samplesPerSecond: 120000.4,
      series: 900000,
      warnings: [],
    });
    expect(query).toHaveBeenCalledWith(
      'sum by (cluster) (rate(prometheus_tsdb_head_samples_appended_total[5m]))',
    );
  });

  const created = (iso: string) => String(Date.parse(iso));

  it("averages the cluster's complete daily log indices", async () => {
    const catIndices = jest.fn(async () => [
      {
        index: 'logs-prod-01-2026.11.23',
        'creation.date': created('2026-11-23T00:00:00Z'),
        'store.size': String(8e9),
      },
      {
        index: 'logs-prod-01-2026.11.25',
        'creation.date': created('2026-11-25T00:00:00Z'),
        'store.size': String(1e9),
      },
      {
        index: 'logs-prod-01-2026.11.24',
        'creation.date': created('2026-11-24T00:00:00Z'),
        'store.size': String(12e9),
      },
    ]);
    const rates = await measureIngest({
      ...base,
      signal: 'logs',
      elasticsearch: { catIndices } as any,
    });
    expect(catIndices).toHaveBeenCalledWith('logs-prod-01-*', [
      'index',
      'creation.date',
      'store.size',
    ]);
    expect(rates.gbPerDay).toBeCloseTo(10);
    expect(rates.inputs).toMatchObject({ logsGbPerDay: 10, daysMeasured: 2 });
  });

  it('measures rollover indices by their creation dates', async () => {
    // Rolled over every 12 h: 3 GB and 5 GB complete, the write index still growing.
    const rates = await measureIngest({
      ...base,
      signal: 'logs',
      elasticsearch: {
        catIndices: async () => [
          {
            index: 'logs-prod-01-000041',
            'creation.date': created('2026-11-24T00:00:00Z'),
            'store.size': String(3e9),
          },
          {
            index: 'logs-prod-01-000042',
            'creation.date': created('2026-11-24T12:00:00Z'),
            'store.size': String(5e9),
          },
          {
            index: 'logs-prod-01-000043',
            'creation.date': created('2026-11-25T00:00:00Z'),
            'store.size': String(0.5e9),
          },
        ],
      } as any,
    });
    expect(rates.gbPerDay).toBeCloseTo(8);
    expect(rates.warnings).toEqual([]);
  });

  it('says so when the indices have no creation dates', async () => {
    const rates = await measureIngest({
      ...base,
      signal: 'logs',
      elasticsearch: {
        catIndices: async () => [
          { index: 'logs-prod-01-000041', 'store.size': String(3e9) },
          { index: 'logs-prod-01-000042', 'store.size': String(5e9) },
        ],
      } as any,
    });
    expect(rates.gbPerDay).toBeUndefined();
    expect(rates.warnings).toEqual([
      'Fewer than two indices with sizes and creation dates match logs-prod-01-*',
    ]);
  });

  it("takes the cluster's share of the shared span indices", async () => {
    const rates = await measureIngest({
      ...base,
      signal: 'traces',
      elasticsearch: {
        catIndices: async () => [
          {
            index: 'jaeger-span-2026-11-24',
            'creation.date': created('2026-11-24T00:00:00Z'),
            'store.size': String(40e9),
          },
          {
            index: 'jaeger-span-2026-11-25',
            'creation.date': created('2026-11-25T00:00:00Z'),
            'store.size': String(1e9),
          },
        ],
        search: async () => ({
          aggregations: {
            clusters: {
              buckets: [
                { key: 'prod-01', doc_count: 750 },
                { key: 'dev-01', doc_count: 250 },
              ],
            },
          },
        }),
      } as any,
    });
    expect(rates.gbPerDay).toBeCloseTo(30);
    expect(rates.inputs.clusterShareOfSpans).toBe(0.75);
  });

  it('costs a fleet-wide trace policy as every cluster’s spans, without asking for shares', async () => {
    const search = jest.fn();
    const rates = await measureIngest({
      ...base,
      cluster: 'ops-01',
      signal: 'traces',
      fleetWide: true,
      elasticsearch: {
        catIndices: async () => [
          {
            index: 'jaeger-span-2026-11-24',
            'creation.date': created('2026-11-24T00:00:00Z'),
            'store.size': String(40e9),
          },
          {
            index: 'jaeger-span-2026-11-25',
            'creation.date': created('2026-11-25T00:00:00Z'),
            'store.size': String(1e9),
          },
        ],
        search,
      } as any,
    });
    expect(rates.gbPerDay).toBeCloseTo(40);
    expect(rates.warnings).toEqual([]);
    expect(rates.inputs).not.toHaveProperty('clusterShareOfSpans');
    expect(search).not.toHaveBeenCalled();
  });

  it('names what it could not measure', async () => {
    expect(
      (await measureIngest({ ...base, signal: 'metrics' })).warnings,
    ).toEqual(['Thanos is not configured (observability.thanos.url)']);
    const failing = await measureIngest({
      ...base,
      signal: 'logs',
      elasticsearch: {
        catIndices: async () => {
          throw new Error('timeout after 10000 ms');
        },
      } as any,
    });
    expect(failing.warnings).toEqual([
      'Elasticsearch did not answer: timeout after 10000 ms',
    ]);
    expect(failing.gbPerDay).toBeUndefined();
  });
});

describe('measureIngest against the fleet simulator (real clients)', () => {
  it('measures every signal of a demo cluster without a warning', async () => {
    const sim = await startFleetSimulator({ port: 0 });
    const clients = upstreamClientsFromConfig(
      new ConfigReader({
        observability: {
          thanos: { url: `${sim.url}/thanos` },
          elasticsearch: { url: `${sim.url}/es` },
        },
      }),
      { timeoutMs: 5000 },
    );
    try {
      const measure = (signal: 'metrics' | 'logs' | 'traces') =>
        measureIngest({
          ...base,
          signal,
          thanos: clients.thanos,
          elasticsearch: clients.elasticsearch,
        });
      const metrics = await measure('metrics');
      expect(metrics.warnings).toEqual([]);
      expect(metrics.samplesPerSecond).toBeGreaterThan(1000);
      expect(metrics.series).toBeGreaterThan(100_000);
      const logs = await measure('logs');
      expect(logs.warnings).toEqual([]);
      expect(logs.gbPerDay).toBeGreaterThan(0);
      const traces = await measure('traces');
      expect(traces.warnings).toEqual([]);
      expect(traces.gbPerDay).toBeGreaterThan(0);
      expect(traces.inputs.clusterShareOfSpans).toBeGreaterThan(0);
    } finally {
      await clients.close?.();
      await sim.close();
    }
  });
});
