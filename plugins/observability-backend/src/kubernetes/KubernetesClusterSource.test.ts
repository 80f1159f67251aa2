import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  hasKubernetesAnnotation,
  KubernetesClusterSource,
  KubernetesSourceError,
} from './KubernetesClusterSource';
import { resolveServiceClusters } from './serviceClusters';

const server = setupServer();
registerMswTestHooks(server);

const QUERY_URL = 'http://localhost:0/api/kubernetes/resources/workloads/query';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'shop-team' },
});

const pod = (name: string) => ({
  metadata: { name, namespace: 'shop', labels: {} },
});

// An ObjectsByEntityResponse as @backstage/plugin-kubernetes-backend sends it.
const RESPONSE = {
  items: [
    {
      cluster: { name: 'prod-01' },
      podMetrics: [],
      resources: [
        { type: 'pods', resources: [pod('checkout-a-1'), pod('checkout-a-2')] },
        { type: 'services', resources: [pod('checkout')] },
        { type: 'deployments', resources: [pod('checkout')] },
      ],
      errors: [],
    },
    {
      cluster: { name: 'dev-01' },
      podMetrics: [],
      resources: [
        { type: 'pods', resources: [pod('checkout-b-1')] },
        { type: 'configmaps', resources: [] },
      ],
      errors: [
        // pod metrics missing does not count as a gap
        {
          errorType: 'NOT_FOUND',
          statusCode: 404,
          resourcePath:
            '/k8s/dev-01/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods',
        },
      ],
    },
    {
      // only a config map: the service does not run here
      cluster: { name: 'stag-01' },
      podMetrics: [],
      resources: [
        { type: 'pods', resources: [] },
        { type: 'configmaps', resources: [pod('checkout-config')] },
      ],
      errors: [],
    },
    {
      cluster: { name: 'ops-01' },
      podMetrics: [],
      resources: [],
      errors: [
        {
          errorType: 'UNAUTHORIZED_ERROR',
          statusCode: 401,
          resourcePath: '/api/v1/pods',
        },
      ],
    },
  ],
};

function source(timeoutMs?: number) {
  return new KubernetesClusterSource({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    timeoutMs,
  });
}

describe('KubernetesClusterSource', () => {
  it('asks the Kubernetes backend on behalf of the caller and returns the clusters with workloads', async () => {
    let seen: { auth: string | null; body: unknown } | undefined;
    server.use(
      http.post(QUERY_URL, async ({ request }) => {
        seen = {
          auth: request.headers.get('authorization'),
          body: await request.json(),
        };
        return HttpResponse.json(RESPONSE);
      }),
    );
    const result = await source().getClusters(entity({}), {
      credentials: mockCredentials.user('user:default/alice'),
    });
    expect(result).toEqual({
      clusters: ['dev-01', 'prod-01'],
      clusterErrors: [
        { cluster: 'ops-01', message: 'UNAUTHORIZED_ERROR 401 /api/v1/pods' },
      ],
    });
    expect(seen?.body).toEqual({
      entityRef: 'component:default/checkout',
      auth: {},
    });
    expect(seen?.auth).toBe(
      `Bearer ${mockCredentials.service.token({
        onBehalfOf: mockCredentials.user('user:default/alice'),
        targetPluginId: 'kubernetes',
      })}`,
    );
  });

  it('accepts an entity ref string or compound ref', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(QUERY_URL, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ items: [] });
      }),
    );
    const credentials = mockCredentials.service();
    await expect(
      source().getClusters('component:default/cart', { credentials }),
    ).resolves.toEqual({ clusters: [], clusterErrors: [] });
    await source().getClusters(
      { kind: 'Component', namespace: 'default', name: 'web-frontend' },
      { credentials },
    );
    expect(bodies).toEqual([
      { entityRef: 'component:default/cart', auth: {} },
      { entityRef: 'component:default/web-frontend', auth: {} },
    ]);
  });

  it('fails with KubernetesSourceError when the Kubernetes backend is missing, failing, slow or garbled', async () => {
    const credentials = mockCredentials.user();
    server.use(
      http.post(QUERY_URL, () => new HttpResponse(null, { status: 404 })),
    );
    await expect(
      source().getClusters(entity({}), { credentials }),
    ).rejects.toThrow(/Kubernetes backend not found \(HTTP 404\)/);

    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json(
          { error: { name: 'InputError', message: 'Entity ref missing' } },
          { status: 400 },
        ),
      ),
    );
    await expect(
      source().getClusters(entity({}), { credentials }),
    ).rejects.toMatchObject({
      name: 'KubernetesSourceError',
      status: 400,
      // The short reason for users; the body is kept for the log.
      message:
        'Kubernetes backend answered HTTP 400 (InputError) for component:default/checkout',
      detail: expect.stringContaining('Entity ref missing'),
    });

    server.use(
      http.post(QUERY_URL, async () => {
        await new Promise(resolve => setTimeout(resolve, 500));
        return HttpResponse.json(RESPONSE);
      }),
    );
    await expect(
      source(50).getClusters(entity({}), { credentials }),
    ).rejects.toThrow('no answer within 50 ms');

    server.use(
      http.post(
        QUERY_URL,
        () =>
          new HttpResponse('{"items": [', {
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    await expect(
      source().getClusters(entity({}), { credentials }),
    ).rejects.toBeInstanceOf(KubernetesSourceError);
  });

  it('times out per call (observability.kubernetes.timeout)', async () => {
    server.use(
      http.post(QUERY_URL, async () => {
        await new Promise(resolve => setTimeout(resolve, 500));
        return HttpResponse.json(RESPONSE);
      }),
    );
    await expect(
      source().getClusters(entity({}), {
        credentials: mockCredentials.user(),
        timeoutMs: 40,
      }),
    ).rejects.toThrow('no answer within 40 ms');
  });

  it('drops an answer over the cap instead of reading it', async () => {
    const body = JSON.stringify(RESPONSE);
    server.use(
      http.post(
        QUERY_URL,
        () =>
          new HttpResponse(body, {
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    await expect(
      source().getClusters(entity({}), {
        credentials: mockCredentials.user(),
        maxResponseBytes: 100,
      }),
    ).rejects.toThrow(
      'Kubernetes backend answered more than 100 bytes for component:default/checkout; the answer was dropped unread (observability.kubernetes.maxResponseBytes)',
    );
  });
});

describe('resolveServiceClusters', () => {
  it('logs what the Kubernetes backend said and gives users only a short reason', async () => {
    const SECRET = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.sig';
    server.use(
      http.post(
        QUERY_URL,
        () =>
          new HttpResponse(
            `upstream proxy error: Authorization: Bearer ${SECRET} rejected by https://10.0.0.1:6443`,
            { status: 502 },
          ),
      ),
    );
    const logger = mockServices.logger.mock();
    const withId = entity({ 'backstage.io/kubernetes-id': 'checkout' });
    const result = await resolveServiceClusters(withId, {
      kubernetes: source(),
      credentials: mockCredentials.user(),
      logger,
    });
    expect(result.notes).toEqual([
      'Kubernetes backend answered HTTP 502 for component:default/checkout',
    ]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(SECRET));

    // The same for a cluster's error in an answer that is otherwise fine.
    server.use(
      http.post(QUERY_URL, () =>
        HttpResponse.json({
          items: [
            {
              cluster: { name: 'prod-01' },
              resources: [{ type: 'pods', resources: [pod('checkout-1')] }],
              errors: [
                {
                  errorType: 'SYSTEM_ERROR',
                  statusCode: 500,
                  resourcePath: '/apis/apps/v1/deployments',
                  message: `token ${SECRET} expired`,
                },
              ],
            },
          ],
        }),
      ),
    );
    const partial = await resolveServiceClusters(withId, {
      kubernetes: source(),
      credentials: mockCredentials.user(),
      logger,
    });
    expect(partial).toEqual({
      source: 'kubernetes',
      clusters: ['prod-01'],
      notes: [
        'Kubernetes plugin could not fully read prod-01: SYSTEM_ERROR 500 /apis/apps/v1/deployments',
      ],
    });
    expect(logger.warn).toHaveBeenLastCalledWith(
      expect.stringContaining(`token ${SECRET} expired`),
    );
  });

  const credentials = mockCredentials.user();
  const withK8s = entity({
    'backstage.io/kubernetes-id': 'checkout',
    'observability.fleetobs.io/clusters': 'dev-01,stag-01,prod-01',
  });

  it('takes the clusters from the Kubernetes plugin when the entity has backstage.io/kubernetes-id', async () => {
    server.use(http.post(QUERY_URL, () => HttpResponse.json(RESPONSE)));
    await expect(
      resolveServiceClusters(withK8s, { kubernetes: source(), credentials }),
    ).resolves.toEqual({
      source: 'kubernetes',
      clusters: ['dev-01', 'prod-01'],
      notes: [
        'Kubernetes plugin could not fully read ops-01: UNAUTHORIZED_ERROR 401 /api/v1/pods',
      ],
    });
  });

  it('falls back to the annotation when the Kubernetes plugin finds nothing or fails', async () => {
    server.use(http.post(QUERY_URL, () => HttpResponse.json({ items: [] })));
    await expect(
      resolveServiceClusters(withK8s, { kubernetes: source(), credentials }),
    ).resolves.toEqual({
      source: 'annotation',
      clusters: ['dev-01', 'stag-01', 'prod-01'],
      notes: ['Kubernetes plugin found no workloads of this service'],
    });

    server.use(
      http.post(QUERY_URL, () => new HttpResponse('boom', { status: 500 })),
    );
    const logger = mockServices.logger.mock();
    const result = await resolveServiceClusters(withK8s, {
      kubernetes: source(),
      credentials,
      logger,
    });
    expect(result.source).toBe('annotation');
    expect(result.notes[0]).toMatch(/answered HTTP 500/);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('component:default/checkout'),
    );
  });

  it('does not ask the Kubernetes backend without backstage.io/kubernetes-id', async () => {
    const handler = jest.fn(() => HttpResponse.json(RESPONSE));
    server.use(http.post(QUERY_URL, handler));
    await expect(
      resolveServiceClusters(
        entity({ 'observability.fleetobs.io/clusters': 'prod-01' }),
        { kubernetes: source(), credentials },
      ),
    ).resolves.toEqual({
      source: 'annotation',
      clusters: ['prod-01'],
      notes: ['Entity has no backstage.io/kubernetes-id annotation'],
    });
    await expect(
      resolveServiceClusters(entity({}), { kubernetes: source(), credentials }),
    ).resolves.toMatchObject({ source: 'all' });
    await expect(
      resolveServiceClusters(withK8s, { credentials }),
    ).resolves.toEqual({
      source: 'annotation',
      clusters: ['dev-01', 'stag-01', 'prod-01'],
      notes: [],
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('recognises the label-selector annotation too', () => {
    expect(
      hasKubernetesAnnotation(
        entity({ 'backstage.io/kubernetes-label-selector': 'app=checkout' }),
      ),
    ).toBe(true);
    expect(
      hasKubernetesAnnotation(entity({ 'backstage.io/kubernetes-id': ' ' })),
    ).toBe(false);
  });
});
