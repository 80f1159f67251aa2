import {
  coreServices,
  createBackendPlugin,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntitySignals } from '@fleetobs/plugin-observability-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { fixture } from '../__fixtures__';
import { FIXTURE_URLS, fixtureHandlers } from '../__fixtures__/handlers';
import { KubernetesClusterSource } from '../kubernetes';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { readObservabilityConfig } from '../config';
import { createEntitySignalsRouter } from './router';

// Security properties of the service tab's endpoints (issue 14): annotations that may
// not choose what the portal searches with its own credentials (finding 4), answers
// that depend on the caller (finding 10). Upstreams are msw handlers: a request that
// was not expected fails the test.

const server = setupServer(...fixtureHandlers());
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (req, print) => {
      // The test backend itself (supertest) is on localhost.
      if (new URL(req.url).hostname.endsWith('.test')) print.error();
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PATTERN = 'observability.fleetobs.io/kibana-index-pattern';

const service = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'observability.fleetobs.io/service-name': 'checkout',
      'jaegertracing.io/service': 'checkout',
      ...annotations,
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'shop-team' },
});

const REFUSED: Array<[string, string, RegExp]> = [
  ['star', '*', /is a bare "\*" \(every index\)/],
  ['hidden', '.security-7', /starts with "\." \(hidden and system indices\)/],
  ['list', 'logs-*,.security*', /is a list of several targets/],
  ['exclusion', '-logs-secret', /exclusion/],
  ['datemath', '<logs-{now/d}>', /date math/],
  ['remote', 'other-cluster:logs-*', /remote cluster/],
  ['spaces', 'logs- *', /whitespace/],
  ['wider', 'l*', /is not within the allowed index patterns/],
  ['elsewhere', 'audit-*', /is not within the allowed index patterns/],
];

const ENTITIES: Entity[] = [
  service('narrow', { [PATTERN]: 'logs-checkout-*' }),
  service('plain'),
  ...REFUSED.map(([name, pattern]) => service(name, { [PATTERN]: pattern })),
  service('k8s', { 'backstage.io/kubernetes-id': 'checkout' }),
];

async function startBackend(
  options: {
    elasticsearch?: JsonObject;
    kubernetes?: (deps: {
      discovery: any;
      auth: any;
    }) => KubernetesClusterSource;
    logger?: LoggerService;
  } = {},
) {
  const clients = upstreamClientsFromConfig(
    new ConfigReader({
      observability: {
        thanos: { url: FIXTURE_URLS.thanos },
        elasticsearch: { url: FIXTURE_URLS.elasticsearch },
        jaeger: { url: FIXTURE_URLS.jaeger },
      },
    }),
    { timeoutMs: 2000 },
  );
  const plugin = createBackendPlugin({
    pluginId: 'observability',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          discovery: coreServices.discovery,
          config: coreServices.rootConfig,
          cache: coreServices.cache,
          logger: coreServices.logger,
          catalog: catalogServiceRef,
        },
        async init(deps) {
          const { signals, kubernetes } = readObservabilityConfig(deps.config);
          deps.httpRouter.use(
            await createEntitySignalsRouter({
              ...deps,
              signals,
              kubernetesCall: kubernetes,
              clients,
              logger: options.logger ?? deps.logger,
              kubernetes: options.kubernetes?.(deps),
            }),
          );
        },
      });
    },
  });
  const { server: backend } = await startTestBackend({
    features: [
      plugin,
      mockServices.rootConfig.factory({
        data: {
          observability: {
            ui: { kibanaUrl: 'https://kibana.example.com' },
            ...(options.elasticsearch
              ? { elasticsearch: options.elasticsearch }
              : {}),
          },
        },
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
    ],
  });
  return backend;
}

/** Records the index of every `_search` Elasticsearch gets. */
function watchSearches(): string[] {
  const searched: string[] = [];
  server.use(
    http.post(`${FIXTURE_URLS.elasticsearch}/:index/_search`, ({ params }) => {
      searched.push(String(params.index));
      return HttpResponse.json(
        fixture('elasticsearch/search-log-freshness.json'),
      );
    }),
  );
  return searched;
}

const signalsOf = (backend: any, name: string, as = 'user:default/mock') =>
  request(backend)
    .get(`/api/observability/v1/entity/component/default/${name}/signals`)
    .set('Authorization', mockCredentials.user.header(as));

describe('index patterns from annotations (issue 14, finding 4)', () => {
  it.each(REFUSED)(
    'reports %s (%j) as a configuration error of the logs part and does not search Elasticsearch',
    async (name, pattern, reason) => {
      const backend = await startBackend();
      const searched = watchSearches();
      const res = await signalsOf(backend, name);
      expect(res.status).toBe(200);
      const body = res.body as EntitySignals;
      expect(body.logs).toMatchObject({
        status: 'unknown',
        links: [],
        configError: {
          annotation: PATTERN,
          value: pattern,
          reason: expect.stringMatching(reason),
          allowed: ['logs-*'],
          allowedBy: 'observability.elasticsearch.allowedIndexPatterns',
          fix: expect.stringContaining('logs-checkout-*'),
        },
      });
      expect(body.logs.error).toContain(PATTERN);
      expect(body.logs.error).toContain(
        'allowed: logs-*, from observability.elasticsearch.allowedIndexPatterns',
      );
      expect(body.target.indexPatternError).toEqual(body.logs.configError);
      // The other parts are not affected.
      expect(body.metrics.status).toBe('ok');
      expect(body.traces.status).toBe('ok');
      expect(searched).toEqual([]);
    },
  );

  it('searches a pattern within the allow-list, and the default without the annotation', async () => {
    const backend = await startBackend();
    const searched = watchSearches();
    const narrow = await signalsOf(backend, 'narrow');
    expect(narrow.body.logs.status).toBe('ok');
    expect(narrow.body.logs.configError).toBeUndefined();
    const plain = await signalsOf(backend, 'plain');
    expect(plain.body.logs.status).toBe('ok');
    expect(searched).toEqual(['logs-checkout-*', 'logs-*']);
  });

  it('takes the allow-list from observability.elasticsearch.allowedIndexPatterns', async () => {
    const backend = await startBackend({
      elasticsearch: {
        url: 'http://unused.test',
        allowedIndexPatterns: ['logs-*', 'audit-*'],
      },
    });
    const searched = watchSearches();
    const res = await signalsOf(backend, 'elsewhere');
    expect(res.body.logs.status).toBe('ok');
    const star = await signalsOf(backend, 'star');
    expect(star.body.logs.configError.allowed).toEqual(['logs-*', 'audit-*']);
    expect(searched).toEqual(['audit-*']);
  });

  it('refuses to start with an allow-list entry that is not a single pattern', async () => {
    await expect(
      startBackend({
        elasticsearch: {
          url: 'http://unused.test',
          allowedIndexPatterns: ['logs-*,.security*'],
        },
      }),
    ).rejects.toThrow(
      /observability.elasticsearch.allowedIndexPatterns: "logs-\*,.security\*" is a list/,
    );
  });

  it('does not search the logs of a trace in a refused pattern either', async () => {
    const backend = await startBackend();
    const searched = watchSearches();
    const res = await request(backend)
      .get(
        `/api/observability/v1/entity/component/default/star/traces/${TRACE_ID}`,
      )
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.trace.traceId).toBe(TRACE_ID);
    expect(res.body.logs).toMatchObject({
      status: 'unknown',
      configError: { annotation: PATTERN, value: '*' },
    });
    // No Kibana link into the refused pattern.
    expect(
      res.body.trace.links.some((l: any) => l.url.includes('kibana')),
    ).toBe(false);
    expect(searched).toEqual([]);
  });
});

describe('answers that depend on the caller (issue 14, finding 10)', () => {
  it('asks the Kubernetes plugin per caller and never serves one caller the clusters cached for another', async () => {
    const byUser: Record<string, string[]> = {
      'user:default/alice': ['prod-01'],
      'user:default/bob': ['dev-01'],
    };
    const asked: string[] = [];
    const backend = await startBackend({
      kubernetes: () =>
        ({
          getClusters: async (_entity: unknown, { credentials }: any) => {
            const user = credentials.principal.userEntityRef as string;
            asked.push(user);
            return { clusters: byUser[user] ?? [], clusterErrors: [] };
          },
        } as unknown as KubernetesClusterSource),
    });
    const alice = await signalsOf(backend, 'k8s', 'user:default/alice');
    const bob = await signalsOf(backend, 'k8s', 'user:default/bob');
    const aliceAgain = await signalsOf(backend, 'k8s', 'user:default/alice');
    expect(alice.body.target).toMatchObject({
      clusters: ['prod-01'],
      clustersSource: 'kubernetes',
    });
    expect(bob.body.target).toMatchObject({
      clusters: ['dev-01'],
      clustersSource: 'kubernetes',
    });
    expect(aliceAgain.body.target.clusters).toEqual(['prod-01']);
    // Alice's second request was served from her own cache entry.
    expect(asked).toEqual(['user:default/alice', 'user:default/bob']);
  });

  it('logs the Kubernetes backend error body and answers only a short reason', async () => {
    const SECRET = 'k8s-sa-token-3f9a1c77e2b04d5e';
    const logger = mockServices.logger.mock();
    const backend = await startBackend({
      logger,
      kubernetes: deps =>
        new KubernetesClusterSource({
          discovery: deps.discovery,
          auth: deps.auth,
          fetch: async () =>
            new Response(
              `Internal error: kubeconfig user "admin" token=${SECRET}`,
              { status: 500 },
            ),
        }),
    });
    const res = await signalsOf(backend, 'k8s');
    expect(res.status).toBe(200);
    expect(res.body.target.clustersNotes).toEqual([
      'Kubernetes backend answered HTTP 500 for component:default/k8s',
    ]);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(`token=${SECRET}`),
    );
  });
});
