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
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { EntityGitopsResponse } from '@fleetobs/plugin-observability-common';
import request from 'supertest';
import { FIXTURE_CLUSTERS } from '../__fixtures__';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { createEntityGitopsRouter } from './entityRouter';

// The route on a test backend against the fleet simulator's Argo CD (its real wire
// format): two simulators stand for two Argo CD instances.

let sim: FleetSimulator;
let other: FleetSimulator;
beforeAll(async () => {
  [sim, other] = await Promise.all([
    startFleetSimulator({ port: 0 }),
    startFleetSimulator({ port: 0 }),
  ]);
});
afterAll(() => Promise.all([sim.close(), other.close()]));
afterEach(() => sim.setFaults({}));

const host = (s: FleetSimulator) => new URL(s.url).host;

const service = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'shop-team' },
});

const ENTITIES = [
  service('checkout', {
    'observability.fleetobs.io/clusters': 'dev-01,stag-01,prod-01',
  }),
  service('shop-cart', { 'backstage.io/kubernetes-id': 'cart' }),
  service('named', { 'argocd/app-name': 'prod-01-checkout, stag-01-cart' }),
  service('selected', {
    'argocd/app-selector': 'app.kubernetes.io/name=cart, environment==prod',
  }),
  service('set-based', { 'argocd/app-selector': 'cluster in (prod-01)' }),
  service('long', { 'argocd/app-selector': `a=${'b'.repeat(600)}` }),
  service('bad-name', { 'argocd/app-name': 'ok,../etc' }),
  service('unknown-instance', {
    'argocd/app-name': 'prod-01-checkout',
    'argocd/instance-name': 'argocd.elsewhere.example',
  }),
];

async function startBackend(
  argocd: object | undefined,
  entities: object[] = ENTITIES,
  catalog?: CatalogService,
) {
  const clients = upstreamClientsFromConfig(
    new ConfigReader({ observability: argocd ? { argocd } : {} }),
    { timeoutMs: 5000 },
  );
  const plugin = createBackendPlugin({
    pluginId: 'observability',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          cache: coreServices.cache,
          logger: coreServices.logger,
          catalog: catalogServiceRef,
        },
        async init(deps) {
          deps.httpRouter.use(
            createEntityGitopsRouter({
              ...deps,
              catalog: catalog ?? deps.catalog,
              registry: {
                list: async () =>
                  FIXTURE_CLUSTERS.map(c => ({ ...c, sources: ['config'] })),
              },
              argocd: clients.argocd,
              cacheTtlMs: 60_000,
              kubernetesCall: { timeoutMs: 1000, maxResponseBytes: 1 << 20 },
            }),
          );
        },
      });
    },
  });
  const { server } = await startTestBackend({
    features: [
      plugin,
      mockServices.rootConfig.factory({ data: {} }),
      catalogServiceMock.factory({ entities: entities as any }),
    ],
  });
  return (name: string) =>
    request(server).get(
      `/api/observability/v1/entity/component/default/${name}/gitops`,
    );
}

const oneArgoCd = () => ({ url: `${sim.url}/argocd` });
/** prod-01 has its own Argo CD (the second simulator); the others share the first. */
const twoArgoCds = () => ({
  url: `${sim.url}/argocd`,
  clusters: { 'prod-01': `${other.url}/argocd/clusters/prod-01` },
});
const argocdRequests = () =>
  sim.requestCounts().argocd + other.requestCounts().argocd;
const resetCounts = () => {
  sim.resetRequestCounts();
  other.resetRequestCounts();
};
const appsOf = (body: EntityGitopsResponse) =>
  Object.fromEntries(
    body.clusters.map(c => [c.cluster, c.applications.map(a => a.name)]),
  );

describe('GET /v1/entity/:kind/:namespace/:name/gitops', () => {
  it("finds a service's applications in its clusters by default, one request per Argo CD", async () => {
    const get = await startBackend(twoArgoCds());
    resetCounts();
    const res = await get('checkout');
    expect(res.status).toBe(200);
    const body: EntityGitopsResponse = res.body;
    expect(sim.requestCounts().argocd).toBe(1);
    expect(other.requestCounts().argocd).toBe(1);
    expect(body.rule).toEqual({ source: 'default', service: 'checkout' });
    expect(body.clustersSource).toBe('annotation');
    expect(appsOf(body)).toEqual({
      'dev-01': ['dev-01-checkout'],
      'prod-01': ['prod-01-checkout'],
      'stag-01': ['stag-01-checkout'],
    });
    expect(body.clusters.map(c => c.instance)).toEqual([
      host(sim),
      host(other),
      host(sim),
    ]);
    expect(body.instances.map(i => i.name).sort()).toEqual(
      [host(sim), host(other)].sort(),
    );
    expect(body.missingAnnotations).toEqual([
      'argocd/app-name',
      'argocd/app-selector',
    ]);
    const stag = body.clusters.find(c => c.cluster === 'stag-01')!;
    expect(stag).toMatchObject({ environment: 'stag' });
    expect(stag.applications[0]).toMatchObject({
      sync: 'Synced',
      health: 'Healthy',
      targetRevision: 'v1.4.0',
      revision: expect.stringMatching(/^[0-9a-f]{40}$/),
      operation: { phase: 'Succeeded', finishedAt: expect.any(String) },
      url: `${sim.url}/argocd/applications/argocd/stag-01-checkout`,
    });
  });

  it('uses the Kubernetes id as the service and every cluster without a clusters annotation', async () => {
    sim.setFaults({ argocd: { 'stag-01': ['degraded:cart'] } });
    const get = await startBackend(oneArgoCd());
    const body: EntityGitopsResponse = (await get('shop-cart')).body;
    expect(body.rule).toEqual({ source: 'default', service: 'cart' });
    expect(body.clustersSource).toBe('all');
    expect(appsOf(body)).toEqual({
      'dev-01': ['dev-01-cart'],
      'ops-01': [],
      'prod-01': ['prod-01-cart'],
      'stag-01': ['stag-01-cart'],
    });
    const stag = body.clusters.find(c => c.cluster === 'stag-01')!;
    expect(stag.applications[0].health).toBe('Degraded');
  });

  it('reads argocd/app-name as a comma list, and shows only the clusters they are in', async () => {
    const get = await startBackend(oneArgoCd());
    const body: EntityGitopsResponse = (await get('named')).body;
    expect(body.rule).toEqual({
      source: 'annotations',
      names: ['prod-01-checkout', 'stag-01-cart'],
    });
    expect(body.missingAnnotations).toEqual([]);
    expect(appsOf(body)).toEqual({
      'prod-01': ['prod-01-checkout'],
      'stag-01': ['stag-01-cart'],
    });
  });

  it('sends argocd/app-selector to Argo CD joined to the configured selector, so it only narrows', async () => {
    const get = await startBackend(oneArgoCd());
    const selected = await get('selected');
    expect(selected.status).toBe(200);
    expect(selected.body.rule).toEqual({
      source: 'annotations',
      selector: 'app.kubernetes.io/name=cart,environment=prod',
    });
    expect(appsOf(selected.body)).toEqual({ 'prod-01': ['prod-01-cart'] });
    // AND-ed to a configured `team=ops`: the service's applications are not the
    // fleet's, so the annotation cannot reach them.
    const narrow = await startBackend({ ...oneArgoCd(), selector: 'team=ops' });
    const widened = await narrow('selected');
    expect(widened.status).toBe(200);
    expect(widened.body.clusters).toEqual([]);
  });

  it('refuses a bad selector or application name with 400 naming the annotation, asking no Argo CD', async () => {
    const get = await startBackend(oneArgoCd());
    resetCounts();
    for (const [name, annotation] of [
      ['set-based', 'argocd/app-selector'],
      ['long', 'argocd/app-selector'],
      ['bad-name', 'argocd/app-name'],
    ]) {
      const res = await get(name);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(annotation);
    }
    expect(argocdRequests()).toBe(0);
  });

  it('refuses an argocd/instance-name not in the config, naming it and the configured ones', async () => {
    const get = await startBackend(twoArgoCds());
    const res = await get('unknown-instance');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('"argocd.elsewhere.example"');
    expect(res.body.error.message).toContain(host(other));
  });

  it('asks only the Argo CD that argocd/instance-name chooses', async () => {
    const get = await startBackend(twoArgoCds(), [
      service('checkout', {
        'argocd/app-selector': 'app.kubernetes.io/name=checkout',
        'argocd/instance-name': host(other).toUpperCase(),
      }),
    ]);
    resetCounts();
    const body: EntityGitopsResponse = (await get('checkout')).body;
    expect(sim.requestCounts().argocd).toBe(0);
    expect(other.requestCounts().argocd).toBe(1);
    expect(appsOf(body)).toEqual({ 'prod-01': ['prod-01-checkout'] });
  });

  it('caches the answer and shares one round between concurrent requests', async () => {
    const get = await startBackend(twoArgoCds());
    resetCounts();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => get('checkout')),
    );
    expect(answers.map(a => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(argocdRequests()).toBe(2);
    await get('checkout');
    expect(argocdRequests()).toBe(2);
    // Another entity is another answer.
    await get('named');
    expect(argocdRequests()).toBe(4);
  });

  it('reports a failing Argo CD per instance, the other still answering', async () => {
    const get = await startBackend({
      url: `${sim.url}/argocd`,
      clusters: { 'prod-01': `${other.url}/argocd/clusters/nowhere` },
    });
    const body: EntityGitopsResponse = (await get('checkout')).body;
    const failed = body.instances.find(i => i.name === host(other))!;
    expect(failed.error).toMatch(/404/);
    expect(body.clusters.find(c => c.cluster === 'prod-01')).toMatchObject({
      applications: [],
      error: expect.stringMatching(/404/),
    });
    expect(appsOf(body)['stag-01']).toEqual(['stag-01-checkout']);
  });

  it("reads the entity with the caller's credentials: one they cannot see is 404, asking no Argo CD", async () => {
    const asked: unknown[] = [];
    const catalog = {
      getEntityByRef: async (_ref: unknown, { credentials }: any) => {
        asked.push(credentials.principal);
        return undefined;
      },
    } as unknown as CatalogService;
    const get = await startBackend(oneArgoCd(), ENTITIES, catalog);
    resetCounts();
    const res = await get('checkout').set(
      'Authorization',
      mockCredentials.user.header('user:default/someone'),
    );
    expect(res.status).toBe(404);
    expect(asked).toEqual([
      expect.objectContaining({ userEntityRef: 'user:default/someone' }),
    ]);
    expect(argocdRequests()).toBe(0);
  });

  it('answers 404 for an entity the caller cannot see and 503 without Argo CD', async () => {
    const get = await startBackend(oneArgoCd());
    expect((await get('nobody')).status).toBe(404);
    const without = await startBackend(undefined);
    expect((await without('checkout')).status).toBe(503);
    expect((await get('checkout').query({ selector: 'x' })).status).toBe(400);
  });
});
