import { startFleetSimulator, FleetSimulator } from './index';
import { getFrom } from './__testUtils__/getFrom';
import { parseLabelSelector } from './kubernetes';

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
});
afterAll(() => sim.close());

const getRaw = getFrom(() => sim.url);
const get = (path: string) =>
  getRaw(path, { headers: { accept: 'application/json' } });

// What @backstage/plugin-kubernetes-backend's fetcher asks for (its DEFAULT_OBJECTS),
// always across all namespaces with `labelSelector=backstage.io/kubernetes-id=<id>`.
const FETCHED = [
  ['/api/v1/pods', 'PodList', 'v1'],
  ['/api/v1/services', 'ServiceList', 'v1'],
  ['/api/v1/configmaps', 'ConfigMapList', 'v1'],
  ['/api/v1/limitranges', 'LimitRangeList', 'v1'],
  ['/api/v1/resourcequotas', 'ResourceQuotaList', 'v1'],
  ['/apis/apps/v1/deployments', 'DeploymentList', 'apps/v1'],
  ['/apis/apps/v1/replicasets', 'ReplicaSetList', 'apps/v1'],
  [
    '/apis/autoscaling/v2/horizontalpodautoscalers',
    'HorizontalPodAutoscalerList',
    'autoscaling/v2',
  ],
  ['/apis/batch/v1/jobs', 'JobList', 'batch/v1'],
  ['/apis/batch/v1/cronjobs', 'CronJobList', 'batch/v1'],
  [
    '/apis/networking.k8s.io/v1/ingresses',
    'IngressList',
    'networking.k8s.io/v1',
  ],
  ['/apis/apps/v1/statefulsets', 'StatefulSetList', 'apps/v1'],
  ['/apis/apps/v1/daemonsets', 'DaemonSetList', 'apps/v1'],
] as const;

const selector = (id: string) =>
  `labelSelector=${encodeURIComponent(`backstage.io/kubernetes-id=${id}`)}`;

describe('fleet simulator Kubernetes API', () => {
  it.each(['dev-01', 'stag-01', 'prod-01', 'ops-01'])(
    'answers every list the Kubernetes backend fetches in %s with a real List shape',
    async cluster => {
      for (const [path, kind, apiVersion] of FETCHED) {
        const r = await get(`/k8s/${cluster}${path}?${selector('checkout')}`);
        expect(r.status).toBe(200);
        expect(r.type).toBe('application/json');
        expect(r.json).toEqual({
          kind,
          apiVersion,
          metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
          items: expect.any(Array),
        });
        for (const item of r.json.items) {
          // Items of a List carry no kind/apiVersion, like a real API server.
          expect(item.kind).toBeUndefined();
          expect(item.metadata).toMatchObject({
            name: expect.any(String),
            namespace: 'shop',
            uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
            resourceVersion: expect.stringMatching(/^\d+$/),
            labels: { 'backstage.io/kubernetes-id': 'checkout' },
          });
        }
      }
    },
  );

  it('runs each demo service in dev-01, stag-01 and prod-01 and nothing in ops-01', async () => {
    const replicas: Record<string, number> = {
      'dev-01': 1,
      'stag-01': 2,
      'prod-01': 3,
      'ops-01': 0,
    };
    for (const service of [
      'checkout',
      'payments-api',
      'cart',
      'web-frontend',
    ]) {
      for (const [cluster, n] of Object.entries(replicas)) {
        const pods = await get(
          `/k8s/${cluster}/api/v1/pods?${selector(service)}`,
        );
        expect(pods.json.items).toHaveLength(n);
        const deployments = await get(
          `/k8s/${cluster}/apis/apps/v1/deployments?${selector(service)}`,
        );
        expect(deployments.json.items).toHaveLength(n > 0 ? 1 : 0);
      }
    }
  });

  it('links pods to their ReplicaSet and Deployment, all healthy', async () => {
    const q = `?${selector('payments-api')}`;
    const [deployments, replicaSets, pods, hpas] = await Promise.all([
      get(`/k8s/prod-01/apis/apps/v1/deployments${q}`),
      get(`/k8s/prod-01/apis/apps/v1/replicasets${q}`),
      get(`/k8s/prod-01/api/v1/pods${q}`),
      get(`/k8s/prod-01/apis/autoscaling/v2/horizontalpodautoscalers${q}`),
    ]);
    const [deployment] = deployments.json.items;
    const [rs] = replicaSets.json.items;
    expect(rs.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        uid: deployment.metadata.uid,
        controller: true,
      }),
    ]);
    expect(rs.status.replicas).toBe(3);
    for (const pod of pods.json.items) {
      expect(pod.metadata.ownerReferences[0]).toMatchObject({
        kind: 'ReplicaSet',
        uid: rs.metadata.uid,
      });
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.containerStatuses).toEqual([
        expect.objectContaining({ ready: true, restartCount: 0 }),
      ]);
      expect(pod.spec.containers[0].resources.requests).toEqual({
        cpu: '250m',
        memory: '256Mi',
      });
    }
    expect(new Set(pods.json.items.map((p: any) => p.metadata.uid)).size).toBe(
      3,
    );
    expect(hpas.json.items[0].spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'payments-api',
    });
    expect(
      hpas.json.items[0].status.currentMetrics[0].resource.current
        .averageUtilization,
    ).toEqual(expect.any(Number));
  });

  it('names the first pod of a service as its log documents do', async () => {
    const pods = await get(`/k8s/prod-01/api/v1/pods?${selector('cart')}`);
    const names = pods.json.items.map((p: any) => p.metadata.name);
    const logs = await fetch(`${sim.url}/es/logs-*/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        size: 1,
        query: {
          bool: {
            filter: [
              { term: { 'service.name': 'cart' } },
              { term: { 'kubernetes.cluster.name': 'prod-01' } },
            ],
          },
        },
      }),
    }).then(r => r.json());
    const log = logs.hits.hits[0]._source;
    expect(log.kubernetes.namespace).toBe('shop');
    expect(names).toContain(log.kubernetes.pod.name);
  });

  it('serves pod metrics (metrics.k8s.io) per namespace for the pods', async () => {
    const r = await get(
      `/k8s/stag-01/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?${selector(
        'web-frontend',
      )}`,
    );
    expect(r.json).toMatchObject({
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
    });
    expect(r.json.items).toHaveLength(2);
    expect(r.json.items[0].containers[0]).toEqual({
      name: 'web-frontend',
      usage: {
        cpu: expect.stringMatching(/^\d+n$/),
        memory: expect.stringMatching(/^\d+Ki$/),
      },
    });
  });

  it('filters by namespace, serves single objects and pod logs', async () => {
    const other = await get(
      `/k8s/dev-01/api/v1/namespaces/default/pods?${selector('cart')}`,
    );
    expect(other.json.items).toEqual([]);
    const list = await get(`/k8s/dev-01/api/v1/namespaces/shop/pods`);
    expect(list.json.items).toHaveLength(4);
    const name = list.json.items[0].metadata.name;
    const one = await get(`/k8s/dev-01/api/v1/namespaces/shop/pods/${name}`);
    expect(one.json).toMatchObject({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name },
    });
    const log = await get(
      `/k8s/dev-01/api/v1/namespaces/shop/pods/${name}/log?tailLines=3`,
    );
    expect(log.type).toMatch(/^text\/plain/);
    expect(log.text.trim().split('\n')).toHaveLength(3);
  });

  it('answers errors as Kubernetes Status objects', async () => {
    const unknownType = await get('/k8s/dev-01/apis/apps/v1/widgets');
    expect(unknownType.status).toBe(404);
    expect(unknownType.json).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
    const missing = await get('/k8s/dev-01/api/v1/namespaces/shop/pods/nope');
    expect(missing.json).toMatchObject({
      reason: 'NotFound',
      message: 'pods "nope" not found',
    });
    expect((await get('/k8s/not_a_cluster/api/v1/pods')).status).toBe(404);
    // A cluster onboarded in the demo is a fresh API server: empty lists.
    const fresh = await get('/k8s/dev-42/api/v1/pods');
    expect(fresh.status).toBe(200);
    expect(fresh.json).toMatchObject({ kind: 'PodList', items: [] });
    const bad = await get('/k8s/dev-01/api/v1/pods?labelSelector=%3D%3Dx');
    expect(bad.status).toBe(400);
    expect(bad.json.reason).toBe('BadRequest');
  });

  it('counts Kubernetes requests', async () => {
    sim.resetRequestCounts();
    await get('/k8s/dev-01/api/v1/pods');
    expect(sim.requestCounts().kubernetes).toBe(1);
  });
});

describe('parseLabelSelector', () => {
  const matches = (text: string, labels: Record<string, string>) =>
    parseLabelSelector(text).every(r => r(labels));

  it('supports equality, set-based and existence requirements', () => {
    const labels = { app: 'cart', tier: 'backend' };
    expect(matches('app=cart', labels)).toBe(true);
    expect(matches('app==cart,tier=backend', labels)).toBe(true);
    expect(matches('app!=cart', labels)).toBe(false);
    expect(matches('app in (cart, checkout)', labels)).toBe(true);
    expect(matches('tier notin (frontend),app', labels)).toBe(true);
    expect(matches('!app', labels)).toBe(false);
    expect(matches('app in (checkout)', labels)).toBe(false);
    expect(matches('', labels)).toBe(true);
  });
});
