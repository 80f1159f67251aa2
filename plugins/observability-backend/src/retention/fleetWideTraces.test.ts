import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { observabilityPlugin } from '../plugin';
import { fakeScaffolder } from '../__testUtils__/fakeScaffolder';

// Trace retention is one ILM policy for the shared jaeger-span-* indices, owned by the
// ops cluster's values file (issue 16 point 6): requests name the ops cluster, are
// bounded by every environment at once, and are costed for every cluster's spans.

const alice = mockCredentials.user.header('user:default/alice');
const asScaffolder = mockCredentials.service.header({
  onBehalfOf: mockCredentials.service('plugin:scaffolder'),
  targetPluginId: 'observability',
});
const PLAN = '/api/observability/v1/retention/plan';
const REQUESTS = '/api/observability/v1/retention-requests';

const traces = (deleteAfter: string) => ({
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '3d',
  deleteAfter,
});

async function startBackend(
  clusters: Array<{ name: string; environment: string }>,
) {
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      fakeScaffolder().plugin,
      mockServices.rootConfig.factory({
        data: {
          observability: {
            clusters,
            retention: {
              bounds: {
                prod: { traces: { minDays: 7, maxDays: 90 } },
                dev: { traces: { maxDays: 14 } },
              },
            },
          },
        },
      }),
      catalogServiceMock.factory({ entities: [] }),
      mockServices.permissions.mock({
        authorize: async (requests: any[]) =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      }).factory,
    ],
  });
  return server;
}

const FLEET = [
  { name: 'dev-01', environment: 'dev' },
  { name: 'prod-01', environment: 'prod' },
  { name: 'ops-01', environment: 'ops' },
];

describe('fleet-wide trace retention', () => {
  it('refuses a trace change for a non-ops cluster, naming the ops cluster', async () => {
    const server = await startBackend(FLEET);
    const plan = await request(server)
      .post(PLAN)
      .set('Authorization', alice)
      .send({ cluster: 'prod-01', signal: 'traces', requested: traces('10d') });
    expect(plan.status).toBe(200);
    expect(plan.body.fleetWideOwner).toBe('ops-01');
    expect(plan.body.problems).toEqual([
      {
        field: 'cluster',
        message:
          "traces retention is one ILM policy for the shared jaeger-span-* indices of every cluster, set in ops-01's values file: request the change for ops-01 (it applies to the whole fleet)",
      },
    ]);
    const filed = await request(server)
      .post(REQUESTS)
      .set('Authorization', alice)
      .send({
        cluster: 'prod-01',
        signal: 'traces',
        requested: traces('10d'),
        justification: 'Keep spans longer',
      });
    expect(filed.status).toBe(400);
    expect(filed.body.error.message).toMatch(/request the change for ops-01/);
  });

  it('bounds the ops cluster’s trace policy by every environment at once', async () => {
    const server = await startBackend(FLEET);
    const tooLong = await request(server)
      .post(PLAN)
      .set('Authorization', alice)
      .send({ cluster: 'ops-01', signal: 'traces', requested: traces('30d') });
    // prod's minimum (7) and dev's maximum (14): ops has no bounds of its own.
    expect(tooLong.body.bounds).toEqual({ minDays: 7, maxDays: 14 });
    expect(tooLong.body.problems).toEqual([
      {
        field: 'deleteAfter',
        message:
          'keeps 30 days, above the maximum of 14 days for this environment',
      },
    ]);
    const ok = await request(server)
      .post(PLAN)
      .set('Authorization', alice)
      .send({ cluster: 'ops-01', signal: 'traces', requested: traces('10d') });
    expect(ok.body).toMatchObject({ problems: [], fleetWideOwner: 'ops-01' });
    // Costed as every cluster's spans, not the ops cluster's share.
    expect(ok.body.estimate.inputs).not.toHaveProperty('clusterShareOfSpans');
  });

  it('gives the apply task the fleet bounds and a title that says the whole fleet changes', async () => {
    const server = await startBackend(FLEET);
    const filed = await request(server)
      .post(REQUESTS)
      .set('Authorization', alice)
      .send({
        cluster: 'ops-01',
        signal: 'traces',
        requested: traces('10d'),
        justification: 'Keep spans ten days',
      });
    expect(filed.status).toBe(201);
    const spec = await request(server)
      .get(`${REQUESTS}/${filed.body.id}/apply`)
      .set('Authorization', asScaffolder);
    expect(spec.body).toMatchObject({
      cluster: 'ops-01',
      signal: 'traces',
      bounds: { minDays: 7, maxDays: 14 },
      problems: [],
      title: expect.stringMatching(
        /^Retention of the fleet's traces \(in ops-01\): /,
      ),
    });
  });

  it('refuses trace changes while the fleet has no single ops cluster', async () => {
    const server = await startBackend([
      { name: 'prod-01', environment: 'prod' },
    ]);
    const plan = await request(server)
      .post(PLAN)
      .set('Authorization', alice)
      .send({ cluster: 'prod-01', signal: 'traces', requested: traces('10d') });
    expect(plan.body.problems[0]).toEqual({
      field: 'cluster',
      message: expect.stringMatching(/but the fleet has no ops cluster$/),
    });
    expect(plan.body.fleetWideOwner).toBeUndefined();
  });
});
