import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';

// The portal's Kubernetes integration as configured for the demo: the real
// @backstage/plugin-kubernetes-backend with the `kubernetes:` block of app-config.yaml,
// the demo catalog's cluster Resources and services, and the fleet simulator standing
// in for the four clusters' Kubernetes API servers.

const ROOT = resolve(__dirname, '../../..');
const SERVICES = ['checkout', 'payments-api', 'cart', 'web-frontend'];
const EXPECTED_PODS: Record<string, number> = {
  'dev-01': 1,
  'stag-01': 2,
  'prod-01': 3,
};

// The Kubernetes backend loads @kubernetes/client-node (ESM) with a dynamic import,
// which Jest cannot run without --experimental-vm-modules (and that flag breaks msw in
// the other suites): the fetch path runs in a plain Node child process instead (see
// `fetchInChildProcess`); the HTTP routes are covered by e2e-tests/kubernetes.spec.ts.

/**
 * Runs the Kubernetes backend's own initializer (cluster locator from config, catalog
 * cluster locator, multiTenant service locator, KubernetesClientBasedFetcher) in a
 * child Node process and fetches every demo service's objects, with the logs.
 */
async function fetchInChildProcess(
  kubernetesConfig: unknown,
  clusterEntities: Entity[],
  serviceEntities: Entity[],
) {
  const dist = dirname(require.resolve('@backstage/plugin-kubernetes-backend'));
  const script = `
    const { ConfigReader } = require(${JSON.stringify(
      require.resolve('@backstage/config'),
    )});
    const { KubernetesInitializer } = require(${JSON.stringify(
      `${dist}/service/KubernetesInitializer.cjs.js`,
    )});
    const input = JSON.parse(process.argv[1]);
    const logs = [];
    const logger = {};
    for (const level of ['error', 'warn', 'info', 'debug'])
      logger[level] = (message, meta) =>
        logs.push({ level, message: String(message) + (meta instanceof Error ? ' ' + meta : '') });
    logger.child = () => logger;
    const catalog = {
      async getEntities(request) {
        // The catalog filters on kind, spec.type and the three annotations.
        const [filter] = request.filter;
        const items = input.clusters.filter(e =>
          Object.keys(filter).every(key => {
            const value = key.split('.').reduce((o, k) => (o ? o[k] : undefined), e);
            return key.startsWith('metadata.annotations.')
              ? e.metadata.annotations && key.slice(21) in e.metadata.annotations
              : typeof filter[key] === 'string' && String(value).toLowerCase() === filter[key].toLowerCase();
          }),
        );
        return { items };
      },
    };
    const auth = { getNoneCredentials: async () => ({ principal: { type: 'none' } }) };
    (async () => {
      const { objectsProvider, clusterSupplier } = await KubernetesInitializer.create({
        logger,
        config: new ConfigReader({ kubernetes: input.kubernetes }),
        catalog,
        auth,
      }).init();
      const clusters = (await clusterSupplier.getClusters({ credentials: {} })).map(c => c.name);
      const results = {};
      for (const entity of input.services) {
        results[entity.metadata.name] = await objectsProvider.getKubernetesObjectsByEntity(
          { entity, auth: {} },
          { credentials: {} },
        );
      }
      process.stdout.write(JSON.stringify({ clusters, results, logs }));
    })().catch(error => {
      console.error(error);
      process.exit(1);
    });
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '-e',
      script,
      JSON.stringify({
        kubernetes: kubernetesConfig,
        clusters: clusterEntities,
        services: serviceEntities,
      }),
    ],
    { cwd: __dirname, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as {
    clusters: string[];
    results: Record<string, { items: any[] }>;
    logs: Array<{ level: string; message: string }>;
  };
}

/** Checks one entity's ObjectsByEntityResponse against the demo fleet. */
function expectDemoWorkloads(service: string, items: any[]) {
  const byCluster = Object.fromEntries(
    items.map((item: any) => [item.cluster.name, item]),
  );
  expect(Object.keys(byCluster).sort()).toEqual([
    'dev-01',
    'prod-01',
    'stag-01',
  ]);
  for (const [cluster, item] of Object.entries<any>(byCluster)) {
    expect(item.errors).toEqual([]);
    const of = (type: string) =>
      item.resources.find((r: any) => r.type === type)?.resources ?? [];
    expect(of('pods')).toHaveLength(EXPECTED_PODS[cluster]);
    expect(of('deployments')).toHaveLength(1);
    expect(of('replicasets')).toHaveLength(1);
    expect(of('services')).toHaveLength(1);
    for (const pod of of('pods')) {
      expect(pod.metadata.labels['backstage.io/kubernetes-id']).toBe(service);
    }
    // metrics.k8s.io answered too: one usage row per pod.
    expect(item.podMetrics).toHaveLength(EXPECTED_PODS[cluster]);
    expect(item.podMetrics[0].cpu.currentUsage).toBeGreaterThan(0);
  }
}
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

/** Every log line of every plugin, to check that nothing was warned about. */
const logs: Array<{ level: string; message: string }> = [];
function capturingLogger(): LoggerService {
  const log =
    (level: string) =>
    (message: string, meta?: Error | Record<string, unknown>) =>
      logs.push({
        level,
        message: `${message}${meta instanceof Error ? ` ${meta}` : ''}`,
      });
  const logger: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  };
  return logger;
}

let sim: FleetSimulator;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
let clusterEntities: Entity[];
let serviceEntities: Entity[];
let kubernetesConfig: unknown;

beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
  const docs = (path: string) =>
    parseAllDocuments(
      // The demo points at the simulator's usual port; this test at its own.
      read(path).replaceAll('http://localhost:7011', sim.url),
    ).map(d => d.toJSON() as Entity);
  clusterEntities = docs('examples/catalog/clusters.yaml');
  serviceEntities = docs('examples/catalog/services.yaml');
  const entities = [...clusterEntities, ...serviceEntities];
  const { kubernetes } = parse(read('app-config.yaml'));
  kubernetesConfig = kubernetes;
  backend = await startTestBackend({
    features: [
      kubernetesPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({ data: { kubernetes } }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => capturingLogger() as any,
      }),
    ],
  });
});

afterAll(async () => {
  await backend?.stop();
  await sim?.close();
});

describe('Kubernetes backend on the demo catalog and fleet simulator', () => {
  it("lists the demo clusters from the catalog's kubernetes-cluster Resources", async () => {
    const res = await fetch(
      `http://localhost:${backend.server.port()}/api/kubernetes/clusters`,
      { headers: { authorization: mockCredentials.user.header() } },
    );
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(items.map((c: { name: string }) => c.name).sort()).toEqual([
      'dev-01',
      'ops-01',
      'prod-01',
      'stag-01',
    ]);
    for (const cluster of items) {
      expect(cluster.authProvider).toBe('localKubectlProxy');
    }
  });

  it("fetches every demo service's objects with the Kubernetes backend's fetcher, without a warning", async () => {
    const {
      clusters,
      results,
      logs: childLogs,
    } = await fetchInChildProcess(
      kubernetesConfig,
      clusterEntities,
      serviceEntities,
    );
    expect(clusters.sort()).toEqual(['dev-01', 'ops-01', 'prod-01', 'stag-01']);
    expect(Object.keys(results).sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      expectDemoWorkloads(service, results[service].items);
    }
    expect(
      childLogs.filter(l => l.level === 'warn' || l.level === 'error'),
    ).toEqual([]);
  });
});
