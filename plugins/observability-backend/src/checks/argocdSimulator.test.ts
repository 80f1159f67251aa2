import { ConfigReader } from '@backstage/config';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import type { GitopsValuesSource } from '../retention/GitopsValuesSource';
import { UpstreamClients } from '../upstream';
import { argocdHealthCheck } from './argocdHealth';
import { argocdSyncCheck } from './argocdSync';
import { revisionDriftCheck } from './revisionDrift';
import { runFleetChecks } from './runFleetChecks';

// The real Argo CD client and the gitops checks against the fleet simulator's Argo CD.

const CHECKS = [argocdSyncCheck, argocdHealthCheck, revisionDriftCheck];
const REVISIONS: Record<string, string> = {
  dev: 'HEAD',
  stag: 'v1.4.0',
  prod: 'v1.3.2',
  ops: 'v1.3.2',
};

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0, clusters: 40 });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

/** Values files as the example repository has them: every component enabled. */
const values = (environment: (c: string) => string): GitopsValuesSource => ({
  describe: c => `values.${c}.yaml`,
  read: async c => ({
    source: { targetRevision: REVISIONS[environment(c)] ?? 'HEAD' },
    clusterConfig: { enable: true },
    monitoring: { enable: true },
    logging: { enable: true },
    grafana: { enable: true },
  }),
  exists: async () => ({ exists: false, url: '' }),
});

function clients(argocd: object): UpstreamClients {
  const envOf = (c: string) =>
    sim.clusters.find(x => x.name === c)?.environment ?? '';
  return {
    ...upstreamClientsFromConfig(
      new ConfigReader({ observability: { argocd } }),
      { timeoutMs: 3000 },
    ),
    gitopsValues: values(envOf),
  };
}

const run = (c: UpstreamClients, clusters = sim.clusters) =>
  runFleetChecks(
    c,
    {
      clusters,
      labels: { cluster: 'cluster', environment: 'environment' },
      now: new Date(),
    },
    CHECKS,
  );

describe('gitops checks against the simulator', () => {
  it('one Argo CD: one request per round for 4 and for 40 clusters, all ok', async () => {
    const c = clients({ url: `${sim.url}/argocd` });
    for (const clusters of [sim.clusters.slice(0, 4), sim.clusters]) {
      sim.resetRequestCounts();
      const result = await run(c, clusters);
      expect(sim.requestCounts().argocd).toBe(1);
      for (const cluster of clusters) {
        expect(
          result.clusters[cluster.name].gitops.map(r => [r.id, r.status]),
        ).toEqual([
          ['argocd-sync', 'ok'],
          ['argocd-health', 'ok'],
          ['revision-drift', 'ok'],
        ]);
      }
    }
  });

  it('a degraded application in stag-01 is critical there only, named and linked', async () => {
    sim.setFaults({
      argocd: {
        'stag-01': ['degraded'],
        'prod-01': ['sync-failed'],
        'dev-01': ['out-of-sync'],
        'ops-01': ['revision-drift:grafana'],
      },
    });
    const c = clients({
      url: `${sim.url}/argocd`,
      uiUrl: 'https://argocd.example.com',
    });
    const result = await run(c, sim.clusters.slice(0, 5));
    const of = (cluster: string, id: string) =>
      result.clusters[cluster].gitops.find(r => r.id === id)!;
    expect(of('stag-01', 'argocd-health')).toMatchObject({
      status: 'critical',
      summary: 'stag-01-monitoring: Degraded',
      links: [
        {
          title: 'stag-01-monitoring in Argo CD',
          url: 'https://argocd.example.com/applications/argocd/stag-01-monitoring',
        },
      ],
    });
    expect(of('prod-01', 'argocd-sync').status).toBe('critical');
    expect(of('prod-01', 'argocd-sync').summary).toContain('failed to apply');
    // Backdated an hour: past the 15-minute grace.
    expect(of('dev-01', 'argocd-sync')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^dev-01-monitoring: OutOfSync/),
    });
    expect(of('ops-01', 'revision-drift')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/^ops-01-grafana: targets v1\.3\.2-drift/),
    });
    expect(of('edge-005', 'argocd-health').status).toBe('ok');
  });

  it('one Argo CD per cluster: one request per cluster, each answering for its own', async () => {
    const c = clients({ urlTemplate: `${sim.url}/argocd/clusters/{cluster}` });
    sim.resetRequestCounts();
    const result = await run(c, sim.clusters.slice(0, 4));
    expect(sim.requestCounts().argocd).toBe(4);
    expect(result.clusters['ops-01'].gitops[1]).toMatchObject({
      status: 'ok',
      summary: '11 applications Healthy',
    });
  });
});
