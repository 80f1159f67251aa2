import { testTls } from '../__testUtils__/testTls';
import { ConfigReader } from '@backstage/config';
import { setupServer } from 'msw/node';
import { FIXTURE_CLUSTERS, FIXTURE_NOW, FIXTURE_UI } from '../__fixtures__';
import {
  FIXTURE_URLS,
  FixtureFault,
  fixtureHandlers,
} from '../__fixtures__/handlers';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { checklistForCluster } from './checklist';
import { FleetCheckRun, runFleetChecks } from './runFleetChecks';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function clientsFor(
  urls: Partial<typeof FIXTURE_URLS> = FIXTURE_URLS,
  timeoutMs = 2000,
) {
  const observability: Record<string, { url: string }> = {};
  for (const [name, url] of Object.entries(urls)) observability[name] = { url };
  return upstreamClientsFromConfig(new ConfigReader({ observability }), {
    timeoutMs,
  });
}

const options = (clusters = FIXTURE_CLUSTERS) => ({
  clusters,
  labels: { cluster: 'cluster', environment: 'environment' },
  ui: FIXTURE_UI,
  now: FIXTURE_NOW,
});

const ids = (
  run: FleetCheckRun,
  cluster: string,
  signal: 'metrics' | 'logs' | 'traces',
) => run.clusters[cluster][signal].map(c => c.id);

/** Upstream requests per full run when all six upstreams are configured. */
const REQUESTS_PER_RUN = 21;

describe('runFleetChecks', () => {
  it('answers every cluster and platform part from one round of requests', async () => {
    server.use(...fixtureHandlers());
    const clients = clientsFor();
    const run = await runFleetChecks(clients, options());
    expect(ids(run, 'dev-01', 'metrics')).toEqual([
      'prometheus-ha',
      'sidecar-shipping',
      'bucket-prefix',
      'object-storage',
      'compactor',
      'store-gateway',
      'global-query-store',
      'external-labels',
      'alert-routing',
      'alert-rules',
      'cert-expiry',
    ]);
    expect(ids(run, 'dev-01', 'logs')).toEqual([
      'log-freshness',
      'elastalert',
      'ilm',
    ]);
    expect(ids(run, 'dev-01', 'traces')).toEqual(['span-freshness', 'ilm']);
    expect(run.platform.thanos.map(c => c.id)).toEqual(['global-query-store']);
    expect(run.platform.elasticsearch.map(c => c.id)).toEqual([
      'es-cluster-health',
      'ilm',
    ]);
    expect(run.platform.jaeger.map(c => c.id)).toEqual(['jaeger-query', 'ilm']);
    expect(run.platform.kibana.map(c => c.id)).toEqual(['kibana-reachable']);
    expect(run.platform.grafana.map(c => c.id)).toEqual(['grafana-reachable']);
    // dev-01 is healthy in the recordings
    for (const signal of ['metrics', 'logs', 'traces'] as const) {
      for (const check of run.clusters['dev-01'][signal]) {
        expect([check.id, check.status]).toEqual([check.id, 'ok']);
      }
    }
    expect(run.upstreamRequests).toBe(REQUESTS_PER_RUN);
    expect(clients.requestCount!()).toBe(REQUESTS_PER_RUN);
  });

  it.each([4, 400])(
    'sends exactly one request per question for %i clusters',
    async n => {
      server.use(...fixtureHandlers());
      const clients = clientsFor();
      const clusters = Array.from({ length: n }, (_, i) => ({
        name: `c-${String(i).padStart(3, '0')}`,
        environment: 'dev',
      }));
      const run = await runFleetChecks(clients, options(clusters));
      expect(run.upstreamRequests).toBe(REQUESTS_PER_RUN);
      expect(clients.requestCount!()).toBe(REQUESTS_PER_RUN);
      expect(Object.keys(run.clusters)).toHaveLength(n);
      // the recordings know none of these clusters: nothing is guessed ok (except the
      // ILM of the shared jaeger-span-* indices, which does not depend on the cluster)
      const statuses = new Set(
        Object.values(run.clusters)
          .flatMap(s => [...s.metrics, ...s.logs, ...s.traces])
          .filter(
            c => !(c.id === 'ilm' && c.evidence.values?.scope === 'shared'),
          )
          .map(c => c.status),
      );
      expect(statuses.has('ok')).toBe(false);
    },
  );

  it.each<[keyof typeof FIXTURE_URLS, FixtureFault, RegExp]>([
    [
      'thanos',
      '500',
      /thanos at \/api\/v1\/(query|stores|rules) answered HTTP 500/,
    ],
    [
      'thanos',
      'bad-json',
      /malformed JSON from thanos at \/api\/v1\/(query|stores|rules)/,
    ],
    ['elasticsearch', 'slow', /elasticsearch at \/.* timed out after 2000 ms/],
    ['jaeger', '500', /jaeger at \/api\/services answered HTTP 500/],
    [
      'alertmanager',
      'bad-json',
      /malformed JSON from alertmanager at \/api\/v2\/alerts/,
    ],
  ])(
    'a %s %s fault makes exactly its checks unknown',
    async (upstream, fault, reason) => {
      // A timeout the healthy upstreams meet even on a loaded machine.
      server.use(...fixtureHandlers({ [upstream]: fault }, 5_000));
      const run = await runFleetChecks(
        clientsFor(FIXTURE_URLS, 2000),
        options(),
      );
      const all = [
        ...Object.values(run.clusters).flatMap(s => [
          ...s.metrics,
          ...s.logs,
          ...s.traces,
        ]),
        ...Object.values(run.platform).flat(),
      ];
      const unknown = all.filter(
        c =>
          c.status === 'unknown' &&
          c.evidence.error &&
          reason.test(c.evidence.error),
      );
      const dependent = all.filter(c => c.evidence.source === upstream);
      expect(unknown.length).toBeGreaterThan(0);
      expect(unknown).toEqual(
        dependent.filter(c => c.id !== 'cert-expiry' || upstream === 'thanos'),
      );
      // the other upstreams still answer: dev-01 keeps its ok checks elsewhere
      const others = all.filter(
        c => c.evidence.source !== upstream && c.evidence.source !== 'config',
      );
      expect(others.some(c => c.status === 'ok')).toBe(true);
      expect(
        others.every(c => !c.evidence.error || !reason.test(c.evidence.error)),
      ).toBe(true);
      expect(run.upstreamRequests).toBe(REQUESTS_PER_RUN);
    },
  );

  it('names the request that timed out as the slowest of the round', async () => {
    // Elasticsearch never answers within the timeout; the others answer at once. The
    // timeout leaves room for a loaded machine to be slow with the quick answers.
    server.use(...fixtureHandlers({ elasticsearch: 'slow' }, 5_000));
    const run = await runFleetChecks(clientsFor(FIXTURE_URLS, 2000), options());
    expect(run.slowestUpstream?.upstream).toBe('elasticsearch');
    expect(run.slowestUpstream!.ms).toBeGreaterThanOrEqual(1950);
  });

  it('reports unconfigured upstreams as unknown and sends nothing to them', async () => {
    server.use(...fixtureHandlers());
    const run = await runFleetChecks(
      clientsFor({ jaeger: FIXTURE_URLS.jaeger }),
      options(),
    );
    expect(run.upstreamRequests).toBe(1);
    const ha = run.clusters['prod-01'].metrics[0];
    expect(ha).toMatchObject({
      id: 'prometheus-ha',
      status: 'unknown',
      evidence: {
        error: 'thanos is not configured (observability.thanos.url)',
      },
    });
    expect(
      run.clusters['prod-01'].logs.every(c => c.status === 'unknown'),
    ).toBe(true);
    expect(run.platform.jaeger[0].status).toBe('ok');
  });

  it('rejects label names that are not Prometheus label names', async () => {
    await expect(
      runFleetChecks(clientsFor(), {
        ...options(),
        labels: { cluster: 'cluster) or vector(1', environment: 'environment' },
      }),
    ).rejects.toThrow(/invalid Prometheus cluster label/);
  });

  it('adds cert-expiry of configured PEM certificates to the platform', async () => {
    server.use(...fixtureHandlers());
    const pem = testTls('ca.crt');
    const clients = upstreamClientsFromConfig(
      new ConfigReader({
        observability: {
          elasticsearch: { url: FIXTURE_URLS.elasticsearch, tls: { ca: pem } },
        },
      }),
      { timeoutMs: 1000 },
    );
    const run = await runFleetChecks(clients, options());
    const cert = run.platform.elasticsearch.find(c => c.id === 'cert-expiry');
    expect(cert).toMatchObject({
      status: 'ok',
      evidence: {
        source: 'config',
        query: 'observability.elasticsearch.tls.ca',
      },
    });
    expect(
      run.platform.thanos.find(c => c.id === 'cert-expiry'),
    ).toBeUndefined();
  });

  it('evaluates the onboarding checklist from the same results', async () => {
    server.use(...fixtureHandlers());
    const run = await runFleetChecks(clientsFor(), options());
    const dev = checklistForCluster(run, 'dev-01')!;
    expect(dev.map(i => [i.id, i.status])).toEqual([
      ['external-labels', 'ok'],
      ['thanos-sidecar', 'ok'],
      ['alert-routing', 'ok'],
      ['ilm-policy', 'ok'],
      ['log-alert-engine', 'ok'],
      ['trace-ingestion', 'ok'],
    ]);
    const stag = checklistForCluster(run, 'stag-01')!;
    expect(stag.find(i => i.id === 'ilm-policy')?.status).toBe('critical');
    // sidecars shipping to the environment's bucket: not the correct bucket prefix
    expect(stag.find(i => i.id === 'thanos-sidecar')).toMatchObject({
      status: 'critical',
      checks: ['sidecar-shipping', 'bucket-prefix'],
      detail: expect.stringMatching(/write to thanos-stag, not to/),
    });
    // ElastAlert2's runs of the cluster's rules are the evidence of 10.11's item
    expect(stag.find(i => i.id === 'log-alert-engine')).toMatchObject({
      status: 'warn',
      checks: ['elastalert'],
      detail: expect.stringMatching(/stag-01\/error-spike: 40m 0s/),
    });
    expect(checklistForCluster(run, 'nope')).toBeUndefined();
    // also accepts the fleet answer shape
    const fleet = {
      clusters: [
        {
          name: 'dev-01',
          signals: {
            metrics: { checks: run.clusters['dev-01'].metrics },
            logs: { checks: [] },
            traces: { checks: [] },
            gitops: { checks: [] },
          },
        },
      ],
    };
    expect(
      checklistForCluster(fleet, 'dev-01')!.find(
        i => i.id === 'trace-ingestion',
      )?.status,
    ).toBe('unknown');
  });
});
