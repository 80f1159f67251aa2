import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createObservabilityBackend } from '../lib/observabilityBackend';

// The three reads of the promotion gate, as sent to the observability back end.

const BASE = 'http://localhost:0/api/observability';

describe('the gate reads of the observability back end', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const backend = createObservabilityBackend({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    timeoutMs: 2000,
  });

  it('asks for the applications of an environment with the scaffolder token', async () => {
    let seen: URL | undefined;
    let authorization: string | null = null;
    server.use(
      http.get(`${BASE}/v1/gitops/applications`, ({ request }) => {
        seen = new URL(request.url);
        authorization = request.headers.get('authorization');
        return HttpResponse.json({
          generatedAt: '2026-11-25T12:00:00Z',
          clusters: [],
          promotion: { soakSeconds: 60 },
        });
      }),
    );
    const answer = await backend.gitopsApplications('stag&x=1');
    expect(seen?.searchParams.get('environment')).toBe('stag&x=1');
    expect(authorization).toMatch(/^Bearer /);
    expect(answer.promotion.soakSeconds).toBe(60);
  });

  it("asks for a cluster's firing alerts with the scaffolder token", async () => {
    let seen: URL | undefined;
    let authorization: string | null = null;
    server.use(
      http.get(`${BASE}/v1/alerts`, ({ request }) => {
        seen = new URL(request.url);
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ alerts: [], unavailable: [] });
      }),
    );
    const answer = await backend.firingAlerts('stag-01&entity=x');
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      cluster: 'stag-01&entity=x',
    });
    expect(authorization).toMatch(/^Bearer /);
    expect(answer).toEqual({ alerts: [], unavailable: [] });
  });

  it('asks for the newest overall transition, the cluster name encoded', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${BASE}/v1/clusters/:name/history`, ({ request, params }) => {
        seen = new URL(request.url);
        return HttpResponse.json({ cluster: params.name, transitions: [] });
      }),
    );
    await backend.clusterHistory('stag-01', { scope: 'overall', limit: 1 });
    expect(seen?.pathname).toBe(
      '/api/observability/v1/clusters/stag-01/history',
    );
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      scope: 'overall',
      limit: '1',
    });
    // A hostile name stays one path segment of the history route.
    const hostile = await backend.clusterHistory('../../x?y', {
      scope: 'overall',
      limit: 1,
    });
    expect(hostile.cluster).toBe('../../x?y');
    expect(seen?.pathname).toBe(
      '/api/observability/v1/clusters/..%2F..%2Fx%3Fy/history',
    );
  });

  it('surfaces the back end refusal (Argo CD not configured)', async () => {
    server.use(
      http.get(`${BASE}/v1/gitops/applications`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message: 'Argo CD is not configured (observability.argocd)',
            },
          },
          { status: 503 },
        ),
      ),
    );
    await expect(backend.gitopsApplications('stag')).rejects.toThrow(
      'The observability back end answered 503 on /v1/gitops/applications?environment=stag: Argo CD is not configured (observability.argocd)',
    );
  });
});
