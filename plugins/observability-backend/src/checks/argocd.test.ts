import { ConfigReader } from '@backstage/config';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FIXTURE_CLUSTERS, FIXTURE_NOW, fixture } from '../__fixtures__';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import type { GitopsValuesSource } from '../retention/GitopsValuesSource';
import { UpstreamClients } from '../upstream';
import { argocdHealthCheck } from './argocdHealth';
import { argocdSyncCheck } from './argocdSync';
import { revisionDriftCheck } from './revisionDrift';
import { runFleetChecks } from './runFleetChecks';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ARGOCD = 'http://argocd.test';
const UI = 'https://argocd.example.com';
const CHECKS = [argocdSyncCheck, argocdHealthCheck, revisionDriftCheck];

/** The example GitOps repository's values files, as the UrlReader would read them. */
const EXAMPLE_VALUES = join(
  __dirname,
  '../../../../examples/gitops-repo/charts/app-of-apps',
);
function exampleValues(
  overrides: Record<string, unknown | Error> = {},
): GitopsValuesSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    describe: cluster => `gitops://values.${cluster}.yaml`,
    async read(cluster) {
      reads.push(cluster);
      if (cluster in overrides) {
        const value = overrides[cluster];
        if (value instanceof Error) throw value;
        return value;
      }
      // Test-only: the example repository's files are read from the source tree.
      // eslint-disable-next-line no-restricted-syntax
      const text = readFileSync(
        join(EXAMPLE_VALUES, `values.${cluster}.yaml`),
        'utf8',
      );
      return parse(text);
    },
    exists: async () => ({ exists: false, url: '' }),
  };
}

const applications = () =>
  HttpResponse.json(fixture('argocd/applications.json'));

function serveApplications(body: () => Response = applications) {
  let requests = 0;
  server.use(
    http.get(`${ARGOCD}/api/v1/applications`, () => {
      requests += 1;
      return body();
    }),
  );
  return () => requests;
}

function clients(
  argocd: object | undefined = { url: ARGOCD, uiUrl: UI },
  values: GitopsValuesSource | undefined = exampleValues(),
): UpstreamClients {
  const made = upstreamClientsFromConfig(
    new ConfigReader({ observability: argocd ? { argocd } : {} }),
    { timeoutMs: 1000 },
  );
  return { ...made, gitopsValues: values };
}

async function run(
  c: UpstreamClients,
  thresholds: { argocdGraceSeconds?: number } = {},
) {
  const result = await runFleetChecks(
    c,
    {
      clusters: FIXTURE_CLUSTERS,
      labels: { cluster: 'cluster', environment: 'environment' },
      thresholds,
      now: FIXTURE_NOW,
    },
    CHECKS,
  );
  const of = (cluster: string, id: string): CheckResult =>
    result.clusters[cluster].gitops.find(r => r.id === id)!;
  return { result, of };
}

describe('gitops checks', () => {
  it('ask Argo CD once for the whole fleet and place results under gitops', async () => {
    const requests = serveApplications();
    const { result } = await run(clients());
    expect(requests()).toBe(1);
    expect(result.upstreamRequests).toBe(1);
    for (const cluster of FIXTURE_CLUSTERS) {
      expect(result.clusters[cluster.name].gitops.map(r => r.id)).toEqual([
        'argocd-sync',
        'argocd-health',
        'revision-drift',
      ]);
      expect(result.clusters[cluster.name].metrics).toEqual([]);
    }
  });

  it('argocd-sync: a failed last sync is critical with its message, OutOfSync past the grace warns', async () => {
    serveApplications();
    const { of } = await run(clients());
    const prod = of('prod-01', 'argocd-sync');
    expect(prod.status).toBe('critical');
    expect(prod.summary).toContain('prod-01-logging: last sync failed');
    expect(prod.summary).toContain('DaemonSet.apps "filebeat" is invalid');
    expect(prod.links).toEqual([
      {
        title: 'prod-01-logging in Argo CD',
        url: `${UI}/applications/argocd/prod-01-logging`,
      },
    ]);
    expect(prod.evidence.values?.['prod-01-logging']).toMatch(
      /^OutOfSync, Healthy @ [0-9a-f]{12}, last sync Failed$/,
    );
    const dev = of('dev-01', 'argocd-sync');
    expect(dev.status).toBe('warn');
    expect(dev.summary).toBe('dev-01-jaeger: OutOfSync, last sync 2h 0m ago');
    expect(of('stag-01', 'argocd-sync')).toMatchObject({
      status: 'ok',
      summary: '5 applications Synced',
    });
  });

  it('argocd-sync: OutOfSync within the grace is ok', async () => {
    serveApplications();
    const { of } = await run(clients(), { argocdGraceSeconds: 3 * 3600 });
    expect(of('dev-01', 'argocd-sync').status).toBe('ok');
    // A failed sync is critical whatever the grace.
    expect(of('prod-01', 'argocd-sync').status).toBe('critical');
  });

  it('argocd-health: Degraded is critical, Progressing warns only past the grace', async () => {
    serveApplications();
    const first = await run(clients());
    const stag = first.of('stag-01', 'argocd-health');
    expect(stag.status).toBe('critical');
    expect(stag.summary).toBe('stag-01-monitoring: Degraded');
    expect(stag.failureMode).toBeDefined();
    expect(first.of('ops-01', 'argocd-health').status).toBe('ok');

    serveApplications();
    const strict = await run(clients(), { argocdGraceSeconds: 60 });
    expect(strict.of('ops-01', 'argocd-health')).toMatchObject({
      status: 'warn',
      summary: 'ops-01-grafana: Progressing for 5m 0s',
    });
  });

  it('revision-drift: names the application that targets another revision than its values file', async () => {
    serveApplications();
    const { of } = await run(clients());
    const ops = of('ops-01', 'revision-drift');
    expect(ops.status).toBe('warn');
    expect(ops.summary).toMatch(
      /^ops-01-grafana: targets v1\.3\.1, values file says v1\.3\.2 \(runs [0-9a-f]{12}\)$/,
    );
    // <cluster>-config tracks HEAD by design (clusterConfig.targetRevision).
    expect(of('stag-01', 'revision-drift').status).toBe('ok');
    expect(of('prod-01', 'revision-drift').status).toBe('ok');
  });

  it('revision-drift: a promotion merged but not synced is drift', async () => {
    serveApplications();
    const values = exampleValues({
      'stag-01': {
        source: { targetRevision: 'v1.5.0' },
        monitoring: { enable: true },
        logging: { enable: true },
      },
    });
    const { of } = await run(clients(undefined, values));
    const stag = of('stag-01', 'revision-drift');
    expect(stag.status).toBe('warn');
    expect(stag.summary).toContain(
      'stag-01-logging: targets v1.4.0, values file says v1.5.0',
    );
    expect(stag.summary).toContain('stag-01-monitoring: targets v1.4.0');
    // Not rendered from this values file (no enable): not judged.
    expect(stag.summary).not.toContain('stag-01-jaeger');
  });

  it('revision-drift: an unreadable or missing values file is unknown for that cluster only', async () => {
    serveApplications();
    const values = exampleValues({
      'dev-01': new Error('GitHub answered 502'),
      'prod-01': undefined,
    });
    const { of } = await run(clients(undefined, values));
    expect(of('dev-01', 'revision-drift')).toMatchObject({
      status: 'unknown',
      evidence: { error: expect.stringContaining('GitHub answered 502') },
    });
    expect(of('prod-01', 'revision-drift')).toMatchObject({
      status: 'unknown',
      evidence: { error: expect.stringContaining('no source.targetRevision') },
    });
    expect(of('ops-01', 'revision-drift').status).toBe('warn');
  });

  it('are unknown, naming the error, when Argo CD fails', async () => {
    serveApplications(() =>
      HttpResponse.json(fixture('argocd/error-unauthenticated.json'), {
        status: 401,
      }),
    );
    const { of } = await run(clients());
    for (const id of ['argocd-sync', 'argocd-health', 'revision-drift']) {
      expect(of('stag-01', id)).toMatchObject({
        status: 'unknown',
        evidence: { error: expect.stringContaining('HTTP 401') },
      });
    }
  });

  it('are unknown for a cluster Argo CD runs nothing of', async () => {
    serveApplications(() =>
      HttpResponse.json(fixture('argocd/applications-empty.json')),
    );
    const { of } = await run(clients());
    expect(of('dev-01', 'argocd-health')).toMatchObject({
      status: 'unknown',
      summary: expect.stringContaining('no application of dev-01'),
    });
  });

  it('place nothing without Argo CD or without a GitOps repository', async () => {
    const { result } = await run(clients(null as any));
    expect(result.clusters['dev-01'].gitops).toEqual([]);
    expect(result.upstreamRequests).toBe(0);

    serveApplications();
    const noRepo = await run(clients(undefined, null as any));
    expect(noRepo.result.clusters['ops-01'].gitops.map(r => r.id)).toEqual([
      'argocd-sync',
      'argocd-health',
    ]);
  });

  it('read each values file once however many rounds run within its time', async () => {
    const values = exampleValues();
    const c = clients(undefined, values);
    serveApplications();
    await run(c);
    await run(c);
    expect(values.reads.sort()).toEqual(
      FIXTURE_CLUSTERS.map(x => x.name).sort(),
    );
  });
});
