import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { RetentionApplySpec } from '@fleetobs/plugin-observability-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  VALUES_DIR,
  mockContext,
  seedValues,
  settingsFrom,
  snapshot,
} from '../__testUtils__/fixtures';
import { createObservabilityBackend } from '../lib/observabilityBackend';
import { createRetentionApplyAction } from './retentionApply';

const BASE = 'http://localhost:0/api/observability';
/** The task id of createMockActionContext: the task this step runs in. */
const THIS_TASK = 'mock-task-id';
const REQUEST = '0b7a8c55-1111-4222-8333-944455556666';

const logs = {
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter: '180d',
};
const metrics = {
  raw: '45d',
  fiveMinutes: '200d',
  oneHour: '3y',
  bucketLifecycle: '1100d',
};

/** The back end's answer for an approved request whose recorded task is this one. */
function approved(
  change: Partial<RetentionApplySpec> & Pick<RetentionApplySpec, 'requested'>,
): RetentionApplySpec {
  return {
    requestId: REQUEST,
    state: 'approved',
    taskId: THIS_TASK,
    cluster: 'prod-01',
    environment: 'prod',
    signal: 'logs',
    bounds: {},
    problems: [],
    approvedBy: 'user:default/bob',
    title: 'Retention of prod-01 logs',
    ...change,
  };
}

describe('obs:retention:apply', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const mockDir = createMockDirectory();
  /** What GET /v1/retention-requests/:id/apply answers, in turn (the last one repeats). */
  let answers: Array<RetentionApplySpec | undefined>;
  let asked: Array<{ id: string; authorization: string | null }>;
  beforeEach(() => {
    mockDir.clear();
    seedValues(mockDir.path);
    answers = [];
    asked = [];
    server.use(
      http.get(
        `${BASE}/v1/retention-requests/:id/apply`,
        ({ params, request }) => {
          asked.push({
            id: params.id as string,
            authorization: request.headers.get('authorization'),
          });
          const answer =
            answers.length > 1 ? answers.shift() : answers[answers.length - 1];
          if (!answer || answer.requestId !== params.id) {
            return HttpResponse.json(
              {
                error: {
                  name: 'NotFoundError',
                  message: `No retention request ${params.id}`,
                },
              },
              { status: 404 },
            );
          }
          return HttpResponse.json(answer);
        },
      ),
    );
  });
  const action = createRetentionApplyAction({
    settings: settingsFrom({}),
    backend: createObservabilityBackend({
      discovery: mockServices.discovery(),
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
    }),
    taskWaitMs: 300,
    taskPollMs: 20,
  });
  const file = (c: string) =>
    path.join(mockDir.path, VALUES_DIR, `values.${c}.yaml`);
  const read = (c: string) => fs.readFileSync(file(c), 'utf8');

  async function run(
    ...spec: RetentionApplySpec[]
  ): Promise<Record<string, any>> {
    answers = spec;
    const ctx = mockContext(mockDir.path, { requestId: REQUEST });
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }
  async function expectRefused(
    spec: RetentionApplySpec | undefined,
    message: RegExp,
    input: Record<string, unknown> = { requestId: REQUEST },
    options: { isDryRun?: boolean } = {},
  ) {
    answers = [spec];
    const before = snapshot(mockDir.path);
    await expect(
      action.handler(mockContext(mockDir.path, input, options) as any),
    ).rejects.toThrow(message);
    expect(snapshot(mockDir.path)).toEqual(before);
  }

  it('changes the ILM delete phase of logs and nothing else in the file', async () => {
    const before = read('prod-01');
    const outputs = await run(approved({ requested: logs }));
    expect(outputs).toEqual({
      requestId: REQUEST,
      cluster: 'prod-01',
      signal: 'logs',
      title: 'Retention of prod-01 logs',
      approvedBy: 'user:default/bob',
      path: 'charts/app-of-apps/values.prod-01.yaml',
      changed: [
        {
          field: 'deleteAfter',
          path: 'observability.logging.ilm.delete.minAge',
          from: '90d',
          to: '180d',
        },
      ],
    });
    // Byte for byte the same file but the one value: comments, key order and the
    // flow-style maps of the seed stay as they were.
    expect(read('prod-01')).toBe(
      before.replace(
        /(logging:[\s\S]*?delete: \{ minAge: )90d( \})/,
        '$1180d$2',
      ),
    );
    expect(read('prod-01')).not.toBe(before);
    // No trace policy appears: it is the fleet's, in the ops file.
    expect(
      YAML.parse(read('prod-01')).observability.tracing.ilm,
    ).toBeUndefined();
  });

  it('changes the Thanos compactor retention and bucket lifecycle, keeping comments', async () => {
    const before = read('stag-01');
    const outputs = await run(
      approved({ cluster: 'stag-01', signal: 'metrics', requested: metrics }),
    );
    expect(outputs.changed.map((c: any) => [c.path, c.to])).toEqual([
      ['observability.thanos.compactor.retention.raw', '45d'],
      ['observability.thanos.compactor.retention.5m', '200d'],
      ['observability.thanos.compactor.retention.1h', '3y'],
      ['observability.thanos.objstore.lifecycle', '1100d'],
    ]);
    const after = read('stag-01');
    const parsed = YAML.parse(after);
    expect(parsed.observability.thanos.compactor.retention).toEqual({
      raw: '45d',
      '5m': '200d',
      '1h': '3y',
    });
    expect(parsed.observability.thanos.objstore.lifecycle).toBe('1100d');
    // Every comment line of the original is still there, in the same order.
    const comments = (text: string) =>
      text.split('\n').filter(l => l.trim().startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    // Other values unchanged.
    const original = YAML.parse(before);
    original.observability.thanos.compactor.retention =
      parsed.observability.thanos.compactor.retention;
    original.observability.thanos.objstore.lifecycle = '1100d';
    expect(parsed).toEqual(original);
  });

  it("touches only the fleet's traces policy, in the ops file, for signal traces", async () => {
    const before = YAML.parse(read('ops-01'));
    await run(
      approved({
        cluster: 'ops-01',
        environment: 'ops',
        signal: 'traces',
        requested: {
          rolloverMaxAge: '12h',
          rolloverMaxSize: '20gb',
          warmAfter: '2d',
          deleteAfter: '10d',
        },
      }),
    );
    const after = YAML.parse(read('ops-01'));
    expect(after.observability.logging).toEqual(before.observability.logging);
    expect(after.observability.tracing.ilm).toEqual({
      rollover: { maxAge: '12h', maxSize: '20gb' },
      warm: { minAge: '2d' },
      delete: { minAge: '10d' },
    });
  });

  it('refuses to write the trace policy into a non-ops file, writing nothing', async () => {
    const before = read('dev-01');
    await expect(
      run(
        approved({
          cluster: 'dev-01',
          environment: 'dev',
          signal: 'traces',
          requested: {
            rolloverMaxAge: '1d',
            rolloverMaxSize: '50gb',
            warmAfter: '2d',
            deleteAfter: '10d',
          },
        }),
      ),
    ).rejects.toThrow(
      /traces retention is one policy for the shared jaeger-span-\* indices, kept in the ops cluster's values file; .*values\.dev-01\.yaml is of environment dev, so nothing is applied/,
    );
    expect(read('dev-01')).toBe(before);
  });

  it('adds the keys when the values file has none yet', async () => {
    const rel = path.join(mockDir.path, VALUES_DIR, 'values.dev-09.yaml');
    fs.writeFileSync(
      rel,
      '# a young cluster\ncluster:\n  name: dev-09 # inline\nobservability:\n  logging:\n    indexPrefix: logs-dev-09\n',
    );
    const outputs = await run(approved({ cluster: 'dev-09', requested: logs }));
    expect(outputs.changed.every((c: any) => c.from === undefined)).toBe(true);
    const text = fs.readFileSync(rel, 'utf8');
    expect(text).toContain('# a young cluster');
    expect(text).toContain('name: dev-09 # inline');
    expect(YAML.parse(text).observability.logging).toEqual({
      indexPrefix: 'logs-dev-09',
      ilm: {
        rollover: { maxAge: '1d', maxSize: '50gb' },
        warm: { minAge: '7d' },
        delete: { minAge: '180d' },
      },
    });
  });

  it('writes nothing and reports no change when the file already has the settings', async () => {
    const before = snapshot(mockDir.path);
    const outputs = await run(
      approved({ requested: { ...logs, deleteAfter: '90d' } }),
    );
    expect(outputs.changed).toEqual([]);
    expect(snapshot(mockDir.path)).toEqual(before);
  });

  it('refuses unordered metrics retention, naming the field, and writes nothing', async () => {
    // The back end reports problems too; the action checks what it writes itself.
    await expectRefused(
      approved({ signal: 'metrics', requested: { ...metrics, raw: '400d' } }),
      /requested\.raw: raw retention must not exceed the 5m retention/,
    );
    await expectRefused(
      approved({
        signal: 'metrics',
        requested: { ...metrics, bucketLifecycle: '30d' },
      }),
      /requested\.bucketLifecycle: the bucket lifecycle rule must outlive/,
    );
  });

  it('refuses ILM phases out of order and durations that do not parse', async () => {
    await expectRefused(
      approved({ requested: { ...logs, deleteAfter: '5d' } }),
      /requested\.deleteAfter: the delete phase must come after the warm phase/,
    );
    await expectRefused(
      approved({ requested: { ...logs, warmAfter: 'seven days' } }),
      /requested\.warmAfter: "seven days" is not a duration/,
    );
    await expectRefused(
      approved({ requested: { ...logs, rolloverMaxSize: 'big' } }),
      /requested\.rolloverMaxSize: "big" is not a size/,
    );
  });

  it("applies the environment's bounds of the back end's answer", async () => {
    await expectRefused(
      approved({
        requested: { ...logs, deleteAfter: '20d' },
        bounds: { minDays: 30 },
      }),
      /requested\.deleteAfter: keeps 20 days, below the minimum of 30 days/,
    );
    // Bounds tightened in config since the approval: the back end says so.
    await expectRefused(
      approved({
        requested: { ...logs, deleteAfter: '3650d' },
        bounds: { maxDays: 365 },
        problems: [
          {
            field: 'deleteAfter',
            message:
              'keeps 3650 days, above the maximum of 365 days for this environment',
          },
        ],
      }),
      /request 0b7a8c55-1111-4222-8333-944455556666\): requested\.deleteAfter: keeps 3650 days, above the maximum of 365/,
    );
  });

  it('names missing settings, an unknown signal and an unknown cluster', async () => {
    await expectRefused(
      approved({ requested: { rolloverMaxAge: '1d' } as any }),
      /requested\.rolloverMaxSize: is required for logs; requested\.warmAfter/,
    );
    await expectRefused(
      approved({ signal: 'profiles' as any, requested: logs }),
      /signal: "profiles" is not one of metrics, logs, traces/,
    );
    await expectRefused(
      approved({ cluster: 'prod-77', requested: logs }),
      /cluster: no values file values\.prod-77\.yaml/,
    );
    await expectRefused(
      approved({ cluster: 'resource:default/prod-01', requested: logs }),
      /cluster "resource:default\/prod-01" must be a cluster name/,
    );
  });

  it('refuses a values file that is not valid YAML', async () => {
    fs.writeFileSync(file('prod-01'), 'cluster: [unclosed\n');
    await expectRefused(
      approved({ requested: logs }),
      /values\.prod-01\.yaml: not valid YAML/,
    );
  });

  describe('run by hand (issue 14, finding 3)', () => {
    it('takes only the request id: the change itself cannot be passed in', async () => {
      for (const input of [
        {
          requestId: REQUEST,
          cluster: 'prod-01',
          signal: 'logs',
          requested: { ...logs, deleteAfter: '3650d' },
        },
        { requestId: REQUEST, bounds: { maxDays: 10000 } },
        { requestId: REQUEST, valuesPath: '../outside' },
        { cluster: 'prod-01', signal: 'logs', requested: logs },
      ]) {
        await expectRefused(
          approved({ requested: logs }),
          /Invalid input: (input: Unrecognized key|requestId: Required)/,
          input,
        );
      }
      expect(asked).toEqual([]);
    });

    it('asks the back end with the scaffolder service credentials, not the user', async () => {
      await run(approved({ requested: logs }));
      expect(asked).toEqual([
        {
          id: REQUEST,
          authorization: `Bearer ${mockCredentials.service.token({
            onBehalfOf: mockCredentials.service('plugin:scaffolder'),
            targetPluginId: 'observability',
          })}`,
        },
      ]);
    });

    it('refuses an unknown request id', async () => {
      await expectRefused(
        undefined,
        /requestId: there is no retention request 0b7a8c55-1111-4222-8333-944455556666; nothing is applied\. The apply template runs only when the observability back end starts it/,
      );
    });

    it.each(['pending', 'rejected', 'cancelled', 'applied', 'failed'] as const)(
      'refuses a request that is %s',
      async state => {
        await expectRefused(
          approved({ state, requested: logs }),
          new RegExp(
            `Retention request ${REQUEST} is ${state}, not approved; nothing is applied`,
          ),
        );
      },
    );

    it('refuses an approved request whose recorded task is another one', async () => {
      await expectRefused(
        approved({ taskId: 'task-of-the-back-end', requested: logs }),
        /is applied by task task-of-the-back-end, not by this task \(mock-task-id\); nothing is applied/,
      );
    });

    it('refuses an approved request with no task recorded, after waiting for one', async () => {
      const started = Date.now();
      await expectRefused(
        approved({ taskId: undefined, requested: logs }),
        /No apply task is recorded for retention request .* \(waited 0\.3 s\): this task \(mock-task-id\) was not started for it by the observability back end; nothing is applied/,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(asked.length).toBeGreaterThan(2);
    });

    it('applies once the back end records this task (it records right after starting it)', async () => {
      const outputs = await run(
        approved({ taskId: undefined, requested: logs }),
        approved({ taskId: undefined, requested: logs }),
        approved({ requested: logs }),
      );
      expect(outputs.changed).toHaveLength(1);
      expect(asked).toHaveLength(3);
    });

    it('refuses in a dry run, which is never the recorded task, without waiting', async () => {
      await expectRefused(
        approved({ requested: logs, taskId: 'task-of-the-back-end' }),
        /not by this task/,
        { requestId: REQUEST },
        { isDryRun: true },
      );
      await expectRefused(
        approved({ taskId: undefined, requested: logs }),
        /No apply task is recorded for retention request [^(]*: this task/,
        { requestId: REQUEST },
        { isDryRun: true },
      );
      expect(asked).toHaveLength(2);
    });
  });
});
