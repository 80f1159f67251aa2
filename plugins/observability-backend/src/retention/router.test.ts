import {
  TestDatabases,
  mockCredentials,
  mockErrorHandler,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import request from 'supertest';
import { observabilityPlugin } from '../plugin';
import { fakeScaffolder } from '../__testUtils__/fakeScaffolder';
import { migratedDatabase } from '../lib/migrations';
import { RetentionRequestStore } from './RetentionRequestStore';
import { RetentionApplyLauncher } from './ApplyLauncher';
import { createRetentionRouter } from './router';

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
    // Approval starts the apply template as a scaffolder task and records it. The
    // task gets the request id only: it reads the approved change back from us.
    expect(approved.body.pullRequest).toEqual({ taskId: 'task-1' });
    expect(scaffolder.tasks).toEqual([
      {
        templateRef: 'template:default/apply-retention-change',
        values: { requestId: created.id },
      },
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

describe('what an apply task may apply (GET …/:id/apply, issue 14 finding 3)', () => {
  const asScaffolder = mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('plugin:scaffolder'),
    targetPluginId: 'observability',
  });

  it('answers services with the approved change, the bounds configured now and the recorded task', async () => {
    const server = await startBackend();
    const { body: created } = await createRequest(server);
    const pending = await request(server)
      .get(`${base}/${created.id}/apply`)
      .set('Authorization', asScaffolder);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      requestId: created.id,
      state: 'pending',
      cluster: 'prod-01',
      environment: 'prod',
      signal: 'logs',
      requested: logs,
      bounds: { minDays: 30 },
      problems: [],
      title: expect.stringMatching(/^Retention of prod-01 logs: /),
    });
    await request(server)
      .post(`${base}/${created.id}/approve`)
      .set('Authorization', as(bob))
      .send({});
    const approved = await request(server)
      .get(`${base}/${created.id}/apply`)
      .set('Authorization', asScaffolder);
    expect(approved.body).toMatchObject({
      state: 'approved',
      taskId: 'task-1',
      approvedBy: bob,
      requested: logs,
    });
  });

  it('is not for users, and 404s unknown ids', async () => {
    const server = await startBackend();
    const { body: created } = await createRequest(server);
    const user = await request(server)
      .get(`${base}/${created.id}/apply`)
      .set('Authorization', as(bob));
    expect(user.status).toBe(403);
    const unknown = await request(server)
      .get(`${base}/00000000-0000-0000-0000-000000000000/apply`)
      .set('Authorization', asScaffolder);
    expect(unknown.status).toBe(404);
  });

  describe('the router on its own (SQLite)', () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

    /** The retention router over a fresh store, with the bounds `configured` says. */
    async function directRouter(
      configured: { maxDays?: number },
      launcher?: (store: RetentionRequestStore) => RetentionApplyLauncher,
    ) {
      const knex = await databases.init('SQLITE_3');
      const store = new RetentionRequestStore(
        await migratedDatabase(
          mockServices.database.mock({ getClient: async () => knex }),
        ),
      );
      const app = express();
      app.use(
        createRetentionRouter({
          httpAuth: mockServices.httpAuth({ pluginId: 'observability' }),
          permissions: mockServices.permissions(),
          auditor: mockServices.auditor.mock(),
          store,
          registry: {
            list: async () => [{ name: 'prod-01', environment: 'prod' } as any],
          },
          bounds: (environment, signal) =>
            environment === 'prod' && signal === 'logs'
              ? { minDays: 30, maxDays: configured.maxDays }
              : {},
          planner: {} as any,
          launcher: launcher?.(store),
        }),
      );
      app.use(mockErrorHandler());
      return { app, store };
    }

    it('reports an approved change that the bounds configured now forbid', async () => {
      // The environment's bounds as config says now: tightened after the approval.
      const configured: { maxDays?: number } = {};
      const { app, store } = await directRouter(configured);
      const filed = await store.create({
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...logs, deleteAfter: '3650d' },
        justification: 'keep everything',
        requestedBy: alice,
      });
      await store.transition({ id: filed.id, to: 'approved', actor: bob });
      const before = await request(app)
        .get(`/v1/retention-requests/${filed.id}/apply`)
        .set('Authorization', asScaffolder);
      expect(before.status).toBe(200);
      expect(before.body.problems).toEqual([]);
      configured.maxDays = 365;
      const after = await request(app)
        .get(`/v1/retention-requests/${filed.id}/apply`)
        .set('Authorization', asScaffolder);
      expect(after.body).toMatchObject({
        state: 'approved',
        bounds: { minDays: 30, maxDays: 365 },
        problems: [
          {
            field: 'deleteAfter',
            message:
              'keeps 3650 days, above the maximum of 365 days for this environment',
          },
        ],
      });
    });

    it('an approval whose task id cannot be stored stays approved, never failed (finding 8)', async () => {
      const started: string[] = [];
      const { app, store } = await directRouter({}, s => {
        jest
          .spyOn(s, 'recordApplyTask')
          .mockRejectedValue(new Error('Connection terminated unexpectedly'));
        return new RetentionApplyLauncher({
          store: s,
          applier: {
            start: async r => {
              started.push(r.id);
              return { taskId: 'task-1' };
            },
          },
          logger: mockServices.logger.mock(),
        });
      });
      const filed = await store.create({
        cluster: 'prod-01',
        signal: 'logs',
        requested: logs,
        justification: 'audit',
        requestedBy: alice,
      });
      const approved = await request(app)
        .post(`/v1/retention-requests/${filed.id}/approve`)
        .set('Authorization', as(bob))
        .send({});
      expect(approved.status).toBe(200);
      // The task is running: the request is not `failed`; the poller takes it from here.
      expect(approved.body.state).toBe('approved');
      expect(approved.body.audit.map((a: any) => a.to)).toEqual([
        'pending',
        'approved',
      ]);
      expect(started).toEqual([filed.id]);
    });
  });
});
