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

const alice = 'user:default/alice';
const bob = 'user:default/bob';
const carol = 'user:default/carol';

const logs = {
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter: '45d',
};

let scaffolder: ReturnType<typeof fakeScaffolder>;

async function startBackend(options: { approvers?: string[] } = {}) {
  const approvers = options.approvers ?? [bob, carol];
  scaffolder = fakeScaffolder();
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      scaffolder.plugin,
      mockServices.rootConfig.factory({
        data: {
          observability: {
            clusters: [{ name: 'prod-01', environment: 'prod' }],
            retention: { bounds: { prod: { logs: { minDays: 30 } } } },
          },
        },
      }),
      catalogServiceMock.factory({ entities: [] }),
      // Approvers hold the approve permission; everyone may create.
      mockServices.permissions.mock({
        authorize: async (requests: any[], opts: any) =>
          requests.map(r => ({
            result:
              r.permission.name !== 'observability.retention.request.approve' ||
              approvers.includes(opts.credentials.principal.userEntityRef)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      }).factory,
    ],
  });
  return server;
}

const as = (user: string) => mockCredentials.user.header(user);
const base = '/api/observability/v1/retention-requests';

async function createRequest(server: any, body: object = {}) {
  return request(server)
    .post(base)
    .set('Authorization', as(alice))
    .send({
      cluster: 'prod-01',
      signal: 'logs',
      requested: logs,
      justification: 'Audit needs 45 days of logs',
      ...body,
    });
}

describe('retention requests', () => {
  it('creates a pending request with its audit trail', async () => {
    const server = await startBackend();
    const res = await createRequest(server);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      cluster: 'prod-01',
      signal: 'logs',
      state: 'pending',
      requestedBy: alice,
      requested: logs,
    });
    expect(res.body.audit).toEqual([
      expect.objectContaining({ actor: alice, from: null, to: 'pending' }),
    ]);
    const listed = await request(server)
      .get(`${base}?state=pending&cluster=prod-01`)
      .set('Authorization', as(bob));
    expect(listed.body.items.map((r: any) => r.id)).toEqual([res.body.id]);
  });

  it.each([
    [
      { requested: { ...logs, deleteAfter: '14d' } },
      /requested.deleteAfter keeps 14 days, below the minimum of 30/,
    ],
    [
      { requested: { ...logs, deleteAfter: '5d' } },
      /requested.deleteAfter the delete phase must come after the warm phase/,
    ],
    [
      { requested: { ...logs, warmAfter: 'a week' } },
      /requested.warmAfter "a week" is not a duration/,
    ],
    [{ justification: '  ' }, /justification must not be empty/],
    [{ cluster: 'nope-01' }, /cluster "nope-01" is not in the fleet/],
    [{ signal: 'events' }, /signal/],
    [{ signal: 'metrics' }, /requested/],
  ])(
    'rejects bad input %j with 400 naming the field',
    async (body, message) => {
      const server = await startBackend();
      const res = await createRequest(server, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      const listed = await request(server)
        .get(base)
        .set('Authorization', as(bob));
      expect(listed.body.items).toEqual([]);
    },
  );

  it('plans a change without storing it: problems, or the estimate and what it lacked', async () => {
    const server = await startBackend();
    const bad = await request(server)
      .post('/api/observability/v1/retention/plan')
      .set('Authorization', as(alice))
      .send({
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...logs, deleteAfter: '10d' },
      });
    expect(bad.status).toBe(200);
    expect(bad.body.problems).toEqual([
      {
        field: 'deleteAfter',
        message:
          'keeps 10 days, below the minimum of 30 days for this environment',
      },
    ]);
    const good = await request(server)
      .post('/api/observability/v1/retention/plan')
      .set('Authorization', as(alice))
      .send({ cluster: 'prod-01', signal: 'logs', requested: logs });
    expect(good.body.problems).toEqual([]);
    expect(good.body.estimate.warnings).toContain(
      'Elasticsearch is not configured (observability.elasticsearch.url)',
    );
    const listed = await request(server)
      .get(base)
      .set('Authorization', as(bob));
    expect(listed.body.items).toEqual([]);
  });

  it('lets an approver approve, records who and why, and refuses a second decision', async () => {
    const server = await startBackend();
    const { body: created } = await createRequest(server);
    const approved = await request(server)
      .post(`${base}/${created.id}/approve`)
      .set('Authorization', as(bob))
      .send({ comment: 'ok for audit' });
    expect(approved.status).toBe(200);
    expect(approved.body.state).toBe('approved');
    // Approval starts the apply template as a scaffolder task and records it.
    expect(approved.body.pullRequest).toEqual({ taskId: 'task-1' });
    expect(scaffolder.tasks).toEqual([
      expect.objectContaining({
        templateRef: 'template:default/apply-retention-change',
        values: expect.objectContaining({
          requestId: created.id,
          cluster: 'prod-01',
          signal: 'logs',
          requested: logs,
        }),
      }),
    ]);
    expect(approved.body.audit[1]).toMatchObject({
      actor: bob,
      from: 'pending',
      to: 'approved',
      comment: 'ok for audit',
    });
    const again = await request(server)
      .post(`${base}/${created.id}/reject`)
      .set('Authorization', as(carol))
      .send({ comment: 'too late' });
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');
  });

  it('forbids self-approval and approval without the permission (403)', async () => {
    const server = await startBackend({ approvers: [alice, carol] });
    const { body: created } = await createRequest(server);
    const self = await request(server)
      .post(`${base}/${created.id}/approve`)
      .set('Authorization', as(alice))
      .send({});
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/your own/);
    const noPermission = await request(server)
      .post(`${base}/${created.id}/approve`)
      .set('Authorization', as(bob))
      .send({});
    expect(noPermission.status).toBe(403);
    const still = await request(server)
      .get(`${base}/${created.id}`)
      .set('Authorization', as(bob));
    expect(still.body.state).toBe('pending');
  });

  it('lets exactly one of two racing approvers win; the other gets 409', async () => {
    const server = await startBackend();
    const { body: created } = await createRequest(server);
    const results = await Promise.all(
      [bob, carol].map(user =>
        request(server)
          .post(`${base}/${created.id}/approve`)
          .set('Authorization', as(user))
          .send({}),
      ),
    );
    expect(results.map(r => r.status).sort()).toEqual([200, 409]);
    const final = await request(server)
      .get(`${base}/${created.id}`)
      .set('Authorization', as(bob));
    expect(
      final.body.audit.filter((a: any) => a.to === 'approved'),
    ).toHaveLength(1);
  });

  it('needs a reason to reject, lets the requester cancel, and 404s unknown ids', async () => {
    const server = await startBackend();
    const { body: created } = await createRequest(server);
    const noReason = await request(server)
      .post(`${base}/${created.id}/reject`)
      .set('Authorization', as(bob))
      .send({});
    expect(noReason.status).toBe(400);
    const cancelled = await request(server)
      .post(`${base}/${created.id}/cancel`)
      .set('Authorization', as(alice))
      .send({ comment: 'not needed' });
    expect(cancelled.body.state).toBe('cancelled');
    const missing = await request(server)
      .get(`${base}/00000000-0000-0000-0000-000000000000`)
      .set('Authorization', as(bob));
    expect(missing.status).toBe(404);
  });
});
