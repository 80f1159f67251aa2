import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startFleetSimulator } from '@fleetobs/fleet-simulator';
import request from 'supertest';
import { observabilityPlugin } from './plugin';

const clusterResource = (name: string, environment: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    labels: { 'observability.fleetobs.io/environment': environment },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform-team' },
});

async function startBackend() {
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      mockServices.rootConfig.factory({
        data: {
          observability: {
            clusters: [
              { name: 'dev-01', environment: 'dev' },
              { name: 'prod-01', environment: 'prod' },
            ],
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [
          clusterResource('prod-01', 'prod'),
          clusterResource('ops-01', 'ops'),
        ],
      }),
    ],
  });
  return server;
}

describe('observability backend', () => {
  it('lists the fleet: configured clusters merged with catalog clusters', async () => {
    const server = await startBackend();
    const res = await request(server).get('/api/observability/v1/fleet');
    expect(res.status).toBe(200);
    expect(
      res.body.clusters.map((c: any) => [c.name, c.environment, c.sources]),
    ).toEqual([
      ['dev-01', 'dev', ['config']],
      ['ops-01', 'ops', ['catalog']],
      ['prod-01', 'prod', ['config', 'catalog']],
    ]);
    // Nothing was checked, so nothing may claim to be healthy.
    for (const cluster of res.body.clusters) {
      expect(cluster.status).toBe('unknown');
      expect(cluster.signals.metrics.status).toBe('unknown');
    }
    // The drilldown's UIs (Kibana, Grafana) are platform parts next to the stores.
    expect(Object.keys(res.body.platform).sort()).toEqual([
      'elasticsearch',
      'grafana',
      'jaeger',
      'kibana',
      'thanos',
    ]);
    for (const part of Object.values<any>(res.body.platform)) {
      expect(part.status).toBe('unknown');
    }
  });

  it('answers one cluster, 404 for an unknown one and 400 for a bad name', async () => {
    const server = await startBackend();
    const ok = await request(server).get(
      '/api/observability/v1/clusters/ops-01',
    );
    expect(ok.status).toBe(200);
    expect(ok.body.cluster.name).toBe('ops-01');

    const missing = await request(server).get(
      '/api/observability/v1/clusters/nope-99',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('NotFoundError');

    const bad = await request(server).get(
      '/api/observability/v1/clusters/Bad_Name',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Invalid cluster name/);
  });

  it('records status transitions and answers the history of a cluster', async () => {
    const server = await startBackend();
    const fleet = await request(server).get('/api/observability/v1/fleet');
    expect(fleet.body.clusters[0].since).toBe(fleet.body.generatedAt);

    const res = await request(server).get(
      '/api/observability/v1/clusters/dev-01/history?scope=overall',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      cluster: 'dev-01',
      transitions: [
        {
          scope: 'overall',
          from: null,
          to: 'unknown',
          summary: null,
          at: fleet.body.generatedAt,
        },
      ],
    });
  });

  it('rejects bad history queries with 400 and unknown clusters with 404', async () => {
    const server = await startBackend();
    const base = '/api/observability/v1/clusters';
    for (const query of [
      'limit=0',
      'limit=abc',
      'since=yesterday',
      'scope=x/y',
      'foo=1',
    ]) {
      const res = await request(server).get(`${base}/dev-01/history?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    }
    const missing = await request(server).get(`${base}/nope-01/history`);
    expect(missing.status).toBe(404);
  });

  it('serves the fleet with an ETag and answers 304 when it has not changed', async () => {
    const server = await startBackend();
    const first = await request(server).get('/api/observability/v1/fleet');
    expect(first.headers.etag).toBe(`"${first.body.generatedAt}"`);
    const again = await request(server)
      .get('/api/observability/v1/fleet')
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    // As a browser sends it back after compression middleware made it weak.
    const weak = await request(server)
      .get('/api/observability/v1/fleet')
      .set('If-None-Match', `W/${first.headers.etag}`);
    expect(weak.status).toBe(304);
    const stale = await request(server)
      .get('/api/observability/v1/fleet')
      .set('If-None-Match', '"2020-01-01T00:00:00.000Z"');
    expect(stale.status).toBe(200);
    expect(stale.body.generatedAt).toBe(first.body.generatedAt);
  });

  it('serves the fleet gzipped from the first answer on, plain to clients that do not take gzip', async () => {
    const server = await startBackend();
    const [gzipped, plain] = await Promise.all([
      request(server)
        .get('/api/observability/v1/fleet')
        .set('Accept-Encoding', 'gzip'),
      request(server)
        .get('/api/observability/v1/fleet')
        .set('Accept-Encoding', 'identity'),
    ]);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gzipped.body).toEqual(plain.body);
    expect(plain.body.clusters).toHaveLength(3);
  });

  it('requires authentication', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/observability/v1/fleet')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('serves a summary view: ok checks trimmed, failing checks in full', async () => {
    const sim = await startFleetSimulator({
      port: 0,
      faults: { clusters: { 'prod-01': ['sidecar-down'] } },
    });
    try {
      const { server } = await startTestBackend({
        features: [
          observabilityPlugin,
          mockServices.rootConfig.factory({
            data: {
              observability: {
                thanos: { url: `${sim.url}/thanos` },
                elasticsearch: { url: `${sim.url}/es` },
                jaeger: { url: `${sim.url}/jaeger` },
                alertmanager: { url: `${sim.url}/alertmanager` },
                clusters: sim.clusters,
              },
            },
          }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      });
      const base = '/api/observability/v1/fleet';
      const fullAnswer = await request(server).get(base);
      const summary = await request(server).get(`${base}?view=summary`);
      expect(summary.status).toBe(200);
      expect(summary.body.generatedAt).toBe(fullAnswer.body.generatedAt);
      expect(summary.headers.etag).not.toBe(fullAnswer.headers.etag);
      expect(summary.text.length).toBeLessThan(fullAnswer.text.length / 2);

      const metrics = (body: any) =>
        body.clusters.find((c: any) => c.name === 'prod-01').signals.metrics
          .checks;
      const full = metrics(fullAnswer.body);
      expect(metrics(summary.body)).toEqual(
        full.map((check: any) =>
          check.status === 'ok'
            ? {
                id: check.id,
                status: check.status,
                summary: check.summary,
                observedAt: check.observedAt,
              }
            : check,
        ),
      );
      const fullProd = new Map<string, any>(full.map((c: any) => [c.id, c]));
      expect(fullProd.get('sidecar-shipping').status).toBe('critical');
      expect(summary.body.platform).toEqual(fullAnswer.body.platform);

      const again = await request(server)
        .get(`${base}?view=summary`)
        .set('If-None-Match', summary.headers.etag);
      expect(again.status).toBe(304);
      const bad = await request(server).get(`${base}?view=everything`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/Invalid query: view/);
    } finally {
      await sim.close();
    }
  });
});
