import {
  TestDatabases,
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { RetentionRequest } from '@fleetobs/plugin-observability-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { storeTestDatabaseIds } from '../__testUtils__/testDatabaseIds';
import { migratedDatabase } from '../lib/migrations';
import { RetentionApplyLauncher } from './ApplyLauncher';
import { ApplyRefusedError } from './RetentionApplier';
import { RetentionRequestStore } from './RetentionRequestStore';
import { DEFAULT_APPLY_TEMPLATE, readObservabilityConfig } from '../config';
import {
  RetentionTaskPoller,
  ScaffolderApplier,
  retentionChangeTitle,
} from './ScaffolderApplier';

jest.setTimeout(60_000);

const SCAFFOLDER = 'http://localhost:0/api/scaffolder';
const alice = 'user:default/alice';
const bob = 'user:default/bob';

const current = {
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter: '90d',
};
const requested = { ...current, deleteAfter: '180d' };

describe('ScaffolderApplier', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const request: RetentionRequest = {
    id: '0b7a8c55-1111-4222-8333-944455556666',
    cluster: 'prod-01',
    signal: 'logs',
    current,
    requested,
    justification: 'Audit',
    state: 'approved',
    requestedBy: alice,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:05:00.000Z',
    audit: [],
  };

  function scaffolder(status = 201, body: object = { id: 'task-1' }) {
    const seen: Array<{ body: any; authorization: string | null }> = [];
    server.use(
      http.post(`${SCAFFOLDER}/v2/tasks`, async ({ request: req }) => {
        seen.push({
          body: await req.json(),
          authorization: req.headers.get('authorization'),
        });
        return HttpResponse.json(body, { status });
      }),
    );
    return seen;
  }

  it("starts the apply template with the plugin's own credentials and the request id as its only value", async () => {
    const seen = scaffolder();
    const applier = new ScaffolderApplier({
      discovery: mockServices.discovery(),
      auth: mockServices.auth({ pluginId: 'observability' }),
      templateRef: readObservabilityConfig(new ConfigReader({})).retention
        .applyTemplate,
    });
    await expect(applier.start(request)).resolves.toEqual({
      taskId: 'task-1',
    });
    // Not on behalf of the approver (who stays in the request's audit trail): the
    // change is read back from this plugin by the task, never taken from its values.
    expect(seen).toEqual([
      {
        authorization: `Bearer ${mockCredentials.service.token({
          onBehalfOf: mockCredentials.service('plugin:observability'),
          targetPluginId: 'scaffolder',
        })}`,
        body: {
          templateRef: DEFAULT_APPLY_TEMPLATE,
          values: { requestId: request.id },
        },
      },
    ]);
  });

  it('uses the template named in config', async () => {
    const seen = scaffolder();
    const applier = new ScaffolderApplier({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      templateRef: readObservabilityConfig(
        new ConfigReader({
          observability: {
            retention: { applyTemplate: 'template:platform/retention-pr' },
          },
        }),
      ).retention.applyTemplate,
    });
    await applier.start(request);
    expect(seen[0].body.templateRef).toBe('template:platform/retention-pr');
  });

  it("fails with the scaffolder's reason when it refuses the task", async () => {
    scaffolder(400, {
      error: {
        name: 'InputError',
        message: 'Template template:default/apply-retention-change not found',
      },
    });
    const applier = new ScaffolderApplier({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    });
    const refused = applier.start(request);
    await expect(refused).rejects.toThrow(
      'the scaffolder did not start template:default/apply-retention-change (400): Template template:default/apply-retention-change not found',
    );
    // Final: a retry would be refused the same way.
    await expect(refused).rejects.toBeInstanceOf(ApplyRefusedError);
  });

  it('tells a passing failure of the scaffolder (5xx) from a refusal', async () => {
    scaffolder(503, { error: { name: 'Error', message: 'shutting down' } });
    const applier = new ScaffolderApplier({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    });
    const error = await applier.start(request).catch(e => e);
    expect(error.message).toBe(
      'the scaffolder did not start template:default/apply-retention-change (503): shutting down',
    );
    expect(error).not.toBeInstanceOf(ApplyRefusedError);
  });

  it('titles metrics changes by their flag, and unknown current values', () => {
    expect(
      retentionChangeTitle({
        ...request,
        signal: 'metrics',
        current: undefined,
        requested: {
          raw: '30d',
          fiveMinutes: '180d',
          oneHour: '2y',
          bucketLifecycle: '800d',
        },
      }),
    ).toBe(
      'Retention of prod-01 metrics: retention.raw 30d, retention.5m 180d, retention.1h 2y, objstore.lifecycle 800d',
    );
  });
});

describe('RetentionTaskPoller', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const databases = TestDatabases.create({ ids: storeTestDatabaseIds() });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = new RetentionRequestStore(
      await migratedDatabase(
        mockServices.database.mock({ getClient: async () => knex }),
      ),
    );
    const logger = mockServices.logger.mock();
    const discovery = mockServices.discovery();
    const auth = mockServices.auth({ pluginId: 'observability' });
    const poller = () =>
      new RetentionTaskPoller({
        store,
        discovery,
        auth,
        logger,
        launcher: new RetentionApplyLauncher({
          store,
          applier: new ScaffolderApplier({ discovery, auth }),
          logger,
        }),
      });
    return { store, poller, logger };
  }

  /** An approved request whose apply task is `taskId` (or none yet). */
  async function approved(store: RetentionRequestStore, taskId?: string) {
    const created = await store.create({
      cluster: 'prod-01',
      signal: 'logs',
      current,
      requested,
      justification: 'Audit needs 180 days',
      requestedBy: alice,
    });
    await store.transition({ id: created.id, to: 'approved', actor: bob });
    if (taskId) {
      const token = `claim-of-${taskId}`;
      expect(
        await store.claimApply({
          id: created.id,
          token,
          staleBefore: new Date(0),
        }),
      ).toBe(1);
      expect(
        await store.recordApplyTask({ id: created.id, token, taskId }),
      ).toBe(true);
    }
    return created.id;
  }

  /** The scaffolder's POST /v2/tasks: `task-new-<n>`, recording what was started. */
  function scaffolderStarts() {
    const started: any[] = [];
    server.use(
      http.post(`${SCAFFOLDER}/v2/tasks`, async ({ request }) => {
        started.push(await request.json());
        return HttpResponse.json(
          { id: `task-new-${started.length}` },
          { status: 201 },
        );
      }),
    );
    return started;
  }

  /** The scaffolder's task API: status and completion event per task id. */
  function scaffolderTasks(
    tasks: Record<
      string,
      { status: string; completion?: object } | { httpStatus: number }
    >,
  ) {
    const authorizations = new Set<string | null>();
    server.use(
      http.get(`${SCAFFOLDER}/v2/tasks/:id`, ({ params, request }) => {
        authorizations.add(request.headers.get('authorization'));
        const task = tasks[params.id as string];
        if (!task) {
          return HttpResponse.json(
            { error: { name: 'NotFoundError', message: 'no such task' } },
            { status: 404 },
          );
        }
        if ('httpStatus' in task) {
          return HttpResponse.json(
            { error: { name: 'Error', message: 'database is locked' } },
            { status: task.httpStatus },
          );
        }
        return HttpResponse.json({ id: params.id, status: task.status });
      }),
      http.get(`${SCAFFOLDER}/v2/tasks/:id/events`, ({ params }) => {
        const task = tasks[params.id as string] as { completion?: object };
        return HttpResponse.json([
          { id: 1, type: 'log', body: { message: 'Beginning step fetch' } },
          ...(task.completion
            ? [{ id: 2, type: 'completion', body: task.completion }]
            : []),
        ]);
      }),
    );
    return authorizations;
  }

  const done = {
    status: 'completed',
    completion: {
      message: 'Run completed with status: completed',
      output: {
        branch: 'retention/r1',
        pullRequestUrl: 'https://github.com/org/gitops/pull/42',
        links: [{ url: 'https://github.com/org/gitops/pull/42' }],
      },
    },
  };
  const broken = {
    status: 'failed',
    completion: {
      message: 'Run completed with status: failed',
      error: {
        name: 'InputError',
        message:
          'sourcePath: the workspace holds no change against main; nothing to propose',
      },
    },
  };

  it.each(databases.eachSupportedId())(
    'moves ended tasks to applied or failed, exactly once, on %p',
    async databaseId => {
      const { store, poller } = await setup(databaseId);
      const ok = await approved(store, 'task-ok');
      const bad = await approved(store, 'task-bad');
      const running = await approved(store, 'task-running');
      const noTask = await approved(store);
      const pending = (
        await store.create({
          cluster: 'prod-01',
          signal: 'traces',
          requested,
          justification: 'x',
          requestedBy: alice,
        })
      ).id;
      const authorizations = scaffolderTasks({
        'task-ok': done,
        'task-bad': broken,
        'task-running': { status: 'processing' },
        'task-new-1': { status: 'processing' },
      });
      const starts = scaffolderStarts();

      const first = await poller().pollOnce();
      expect(first).toEqual({
        // Approved without a task (its replica died before starting it): started.
        started: [noTask],
        applied: [ok],
        failed: [bad],
        running: [running],
      });
      expect(starts).toEqual([
        {
          templateRef: DEFAULT_APPLY_TEMPLATE,
          values: { requestId: noTask },
        },
      ]);
      // The plugin's own service token, not a user's.
      expect([...authorizations]).toEqual([
        `Bearer ${mockCredentials.service.token({
          onBehalfOf: mockCredentials.service('plugin:observability'),
          targetPluginId: 'scaffolder',
        })}`,
      ]);

      const applied = (await store.get(ok))!;
      expect(applied.state).toBe('applied');
      expect(applied.pullRequest).toEqual({
        taskId: 'task-ok',
        url: 'https://github.com/org/gitops/pull/42',
        branch: 'retention/r1',
      });
      expect(applied.audit.at(-1)).toMatchObject({
        actor: 'plugin:observability',
        from: 'approved',
        to: 'applied',
        comment:
          'Pull request https://github.com/org/gitops/pull/42 (branch retention/r1)',
      });
      const failed = (await store.get(bad))!;
      expect(failed.state).toBe('failed');
      expect(failed.audit.at(-1)).toMatchObject({
        to: 'failed',
        comment:
          'The apply task task-bad failed: sourcePath: the workspace holds no change against main; nothing to propose',
      });
      expect((await store.get(running))!.state).toBe('approved');
      expect((await store.get(noTask))!).toMatchObject({
        state: 'approved',
        pullRequest: { taskId: 'task-new-1' },
      });
      expect((await store.get(pending))!.state).toBe('pending');

      // A second round (or a restarted back end) changes nothing more, and starts
      // nothing again.
      const second = await poller().pollOnce();
      expect({ ...second, running: [...second.running].sort() }).toEqual({
        started: [],
        applied: [],
        failed: [],
        running: [running, noTask].sort(),
      });
      expect(starts).toHaveLength(1);
      expect((await store.get(ok))!.audit).toHaveLength(3);
      expect((await store.get(bad))!.audit).toHaveLength(3);
    },
  );

  it.each(databases.eachSupportedId())(
    'two pollers racing record each end once, on %p',
    async databaseId => {
      const { store, poller } = await setup(databaseId);
      const ids = [
        await approved(store, 'task-ok'),
        await approved(store, 'task-bad'),
      ];
      scaffolderTasks({ 'task-ok': done, 'task-bad': broken });
      const results = await Promise.all([
        poller().pollOnce(),
        poller().pollOnce(),
        poller().pollOnce(),
      ]);
      expect(results.flatMap(r => r.applied)).toEqual([ids[0]]);
      expect(results.flatMap(r => r.failed)).toEqual([ids[1]]);
      for (const id of ids) {
        const request = (await store.get(id))!;
        expect(request.audit.map(a => a.to)).toEqual([
          'pending',
          'approved',
          request.state,
        ]);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'fails a request whose task vanished and retries when the scaffolder errs, on %p',
    async databaseId => {
      const { store, poller, logger } = await setup(databaseId);
      const vanished = await approved(store, 'task-gone');
      const flaky = await approved(store, 'task-flaky');
      scaffolderTasks({ 'task-flaky': { httpStatus: 503 } });
      const result = await poller().pollOnce();
      expect(result).toEqual({
        started: [],
        applied: [],
        failed: [vanished],
        running: [flaky],
      });
      expect((await store.get(vanished))!.audit.at(-1)?.comment).toBe(
        'The apply task task-gone no longer exists in the scaffolder',
      );
      expect((await store.get(flaky))!.state).toBe('approved');
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /task-flaky .* retrying next round: could not read task task-flaky \(503\): database is locked/,
        ),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'records a completed task without a link as applied, on %p',
    async databaseId => {
      const { store, poller } = await setup(databaseId);
      const id = await approved(store, 'task-quiet');
      scaffolderTasks({
        'task-quiet': {
          status: 'completed',
          completion: { message: 'Run completed', output: {} },
        },
      });
      await poller().pollOnce();
      const request = (await store.get(id))!;
      expect(request.state).toBe('applied');
      expect(request.pullRequest).toEqual({ taskId: 'task-quiet' });
      expect(request.audit.at(-1)?.comment).toBe(
        'The apply task task-quiet completed',
      );
    },
  );
});
