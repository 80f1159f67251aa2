import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { GitopsApplicationsResponse } from '@fleetobs/plugin-observability-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { FIXTURE_CLUSTERS, fixture } from '../__fixtures__';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { createGitopsRouter } from './router';

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => msw.resetHandlers());
afterAll(() => msw.close());

async function startBackend(argocd: object | undefined) {
  const clients = upstreamClientsFromConfig(
    new ConfigReader({ observability: argocd ? { argocd } : {} }),
    { timeoutMs: 1000 },
  );
  const plugin = createBackendPlugin({
    pluginId: 'observability',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(
            createGitopsRouter({
              httpAuth,
              registry: {
                list: async () =>
                  FIXTURE_CLUSTERS.map(c => ({ ...c, sources: ['config'] })),
              },
              argocd: clients.argocd,
              promotionSoakMs: 600_000,
            }),
          );
        },
      });
    },
  });
  const { server } = await startTestBackend({ features: [plugin] });
  return (query: string) =>
    request(server).get(`/api/observability/v1/gitops/applications${query}`);
}

describe('GET /v1/gitops/applications', () => {
  it('answers the applications of one environment, asking Argo CD once', async () => {
    let requests = 0;
    msw.use(
      http.get('http://argocd.test/api/v1/applications', () => {
        requests += 1;
        return HttpResponse.json(fixture('argocd/applications.json'));
      }),
    );
    const get = await startBackend({ url: 'http://argocd.test' });
    const res = await get('?environment=stag');
    expect(res.status).toBe(200);
    const body: GitopsApplicationsResponse = res.body;
    expect(requests).toBe(1);
    expect(body.clusters.map(c => c.cluster)).toEqual(['stag-01']);
    expect(body.promotion).toEqual({ soakSeconds: 600 });
    const monitoring = body.clusters[0].applications.find(
      a => a.name === 'stag-01-monitoring',
    );
    expect(monitoring).toMatchObject({
      cluster: 'stag-01',
      sync: 'Synced',
      health: 'Degraded',
      healthSince: '2026-11-25T11:40:12Z',
      targetRevision: 'v1.4.0',
      operation: { phase: 'Succeeded' },
      url: 'http://argocd.test/applications/argocd/stag-01-monitoring',
    });
  });

  it('names the Argo CD error per cluster', async () => {
    msw.use(
      http.get('http://argocd.test/api/v1/applications', () =>
        HttpResponse.json(fixture('argocd/error-unauthenticated.json'), {
          status: 401,
        }),
      ),
    );
    const get = await startBackend({ url: 'http://argocd.test' });
    const res = await get('?environment=prod');
    expect(res.status).toBe(200);
    expect(res.body.clusters).toEqual([
      {
        cluster: 'prod-01',
        environment: 'prod',
        applications: [],
        error: expect.stringContaining('HTTP 401'),
      },
    ]);
  });

  it('refuses a bad environment, an unknown one, and answers 503 without Argo CD', async () => {
    const get = await startBackend({ url: 'http://argocd.test' });
    expect((await get('?environment=../x')).status).toBe(400);
    expect((await get('?environment=qa')).status).toBe(404);
    expect((await get('?other=1')).status).toBe(400);
    const without = await startBackend(undefined);
    expect((await without('?environment=prod')).status).toBe(503);
  });
});
