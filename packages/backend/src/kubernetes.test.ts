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
import {
  FleetSimulator,
  startFleetSimulator,
} from '@fleetobs/fleet-simulator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// The portal's Kubernetes integration as configured for the demo: the real
// @backstage/plugin-kubernetes-backend with the `kubernetes:` block of app-config.yaml,
// the demo catalog's cluster Resources and services, and the fleet simulator standing
// in for the four clusters' Kubernetes API servers.

const ROOT = resolve(__dirname, '../../..');
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

beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
  const docs = (path: string) =>
    parseAllDocuments(
      // The demo points at the simulator's usual port; this test at its own.
      read(path).replaceAll('http://localhost:7011', sim.url),
    ).map(d => d.toJSON() as Entity);
  const entities = [
    ...docs('examples/catalog/clusters.yaml'),
    ...docs('examples/catalog/services.yaml'),
  ];
  const { kubernetes } = parse(read('app-config.yaml'));
  backend = await startTestBackend({
    features: [
      import('@backstage/plugin-kubernetes-backend'),
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

const post = (path: string, body: unknown) =>
  fetch(`http://localhost:${backend.server.port()}/api/kubernetes${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: mockCredentials.user.header(),
    },
    body: JSON.stringify(body),
  });

describe('Kubernetes backend on the demo catalog and fleet simulator', () => {
  it("lists the demo clusters from the catalog's kubernetes-cluster Resources", async () => {
    const res = await fetch(
      `http://localhost:${backend.server.port()}/api/kubernetes/clusters`,
      { headers: { authorization: mockCredentials.user.header() } },
    );
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(
      items.map((c: { name: string }) => c.name).sort(),
    ).toEqual(['dev-01', 'ops-01', 'prod-01', 'stag-01']);
    for (const cluster of items) {
      expect(cluster.authProvider).toBe('localKubectlProxy');
    }
  });

  it.each(['checkout', 'payments-api', 'cart', 'web-frontend'])(
    'finds the workloads of %s in dev-01, stag-01 and prod-01 with no fetch errors',
    async service => {
      const res = await post('/resources/workloads/query', {
        entityRef: `component:default/${service}`,
        auth: {},
      });
      expect(res.status).toBe(200);
      const { items } = await res.json();
      const byCluster = Object.fromEntries(
        items.map((item: any) => [item.cluster.name, item]),
      );
      expect(Object.keys(byCluster).sort()).toEqual([
        'dev-01',
        'prod-01',
        'stag-01',
      ]);
      const expectedPods: Record<string, number> = {
        'dev-01': 1,
        'stag-01': 2,
        'prod-01': 3,
      };
      for (const [cluster, item] of Object.entries<any>(byCluster)) {
        expect(item.errors).toEqual([]);
        const of = (type: string) =>
          item.resources.find((r: any) => r.type === type)?.resources ?? [];
        expect(of('pods')).toHaveLength(expectedPods[cluster]);
        expect(of('deployments')).toHaveLength(1);
        expect(of('replicasets')).toHaveLength(1);
        expect(of('services')).toHaveLength(1);
        for (const pod of of('pods')) {
          expect(pod.metadata.labels['backstage.io/kubernetes-id']).toBe(
            service,
          );
        }
        // metrics.k8s.io answered too: one usage row per pod.
        expect(item.podMetrics).toHaveLength(expectedPods[cluster]);
        expect(item.podMetrics[0].cpu.currentUsage).toBeGreaterThan(0);
      }
    },
  );

  it('answers the Kubernetes tab\'s own request (POST /services/:id) the same way', async () => {
    const entity = parseAllDocuments(read('examples/catalog/services.yaml'))
      .map(d => d.toJSON() as Entity)
      .find(e => e.metadata.name === 'web-frontend')!;
    const res = await post('/services/web-frontend', { entity, auth: {} });
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(items.map((i: any) => i.cluster.name).sort()).toEqual([
      'dev-01',
      'prod-01',
      'stag-01',
    ]);
    const prod = items.find((i: any) => i.cluster.name === 'prod-01');
    expect(
      prod.resources.find((r: any) => r.type === 'ingresses').resources[0].spec
        .rules[0].host,
    ).toBe('shop.example.com');
  });

  it('logged no warning or error (no fetch errors, no ignored cluster)', () => {
    expect(
      logs.filter(l => l.level === 'warn' || l.level === 'error'),
    ).toEqual([]);
    expect(
      logs.some(l =>
        l.message.includes(
          'clusterDetails=[stag-01, prod-01, ops-01, dev-01]'.replace(
            /\[.*\]/,
            '',
          ),
        ),
      ),
    ).toBe(true);
  });
});
