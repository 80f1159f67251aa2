import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { actionRunner, snapshot } from '../__testUtils__/fixtures';
import { createObservabilityBackend } from '../lib/observabilityBackend';
import { createRetentionPlanAction } from './retentionPlan';

const PLAN_URL = 'http://localhost:0/api/observability/v1/retention/plan';

const current = {
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter: '90d',
};
const requested = { ...current, deleteAfter: '180d' };
const estimate = {
  currentGb: 900,
  requestedGb: 1800,
  deltaGb: 900,
  currency: 'EUR',
  deltaMonthlyCost: 18,
  inputs: { 'bytes/day': 10e9, 'price/GB-month hot': 0.02 },
  warnings: [],
};

describe('obs:retention:plan', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const mockDir = createMockDirectory();
  const action = createRetentionPlanAction({
    backend: createObservabilityBackend({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    }),
  });

  /** Answers the plan API like the back end; records what it was sent. */
  function backend(answer: (body: any) => object, status = 200) {
    const seen: Array<{ body: any; authorization: string | null }> = [];
    server.use(
      http.post(PLAN_URL, async ({ request }) => {
        const body = await request.json();
        seen.push({
          body,
          authorization: request.headers.get('authorization'),
        });
        return HttpResponse.json(answer(body), { status });
      }),
    );
    return seen;
  }

  const { run } = actionRunner(action, () => mockDir.path);

  it('asks the back end on behalf of the user and outputs current, diff and cost', async () => {
    const seen = backend(body => ({
      ...body,
      environment: 'prod',
      current,
      currentSource: 'gitops:charts/app-of-apps/values.prod-01.yaml',
      bounds: { minDays: 30 },
      problems: [],
      estimate,
    }));
    const { ctx, outputs } = await run({
      cluster: 'prod-01',
      signal: 'logs',
      // left over from a form that showed the metrics fields first: ignored
      requested: { ...requested, raw: '30d' },
    });
    expect(seen).toEqual([
      {
        body: { cluster: 'prod-01', signal: 'logs', requested },
        authorization: `Bearer ${mockCredentials.service.token({
          onBehalfOf: mockCredentials.user(),
          targetPluginId: 'observability',
        })}`,
      },
    ]);
    expect(outputs).toEqual({
      current,
      currentSource: 'gitops:charts/app-of-apps/values.prod-01.yaml',
      problems: [],
      estimate,
      diff: [
        {
          field: 'deleteAfter',
          path: 'observability.logging.ilm.delete.minAge',
          from: '90d',
          to: '180d',
        },
      ],
    });
    expect(ctx.logger.info).toHaveBeenCalledWith(
      'Estimated storage change: +900.0 GB, +18.00 EUR/month',
    );
  });

  it('works the same in a dry run and writes nothing', async () => {
    backend(body => ({ ...body, current, bounds: {}, problems: [], estimate }));
    const before = snapshot(mockDir.path);
    const { outputs } = await run(
      { cluster: 'prod-01', signal: 'logs', requested },
      { isDryRun: true },
    );
    expect(outputs.diff).toHaveLength(1);
    expect(snapshot(mockDir.path)).toEqual(before);
  });

  it('diffs every field against unknown current settings, with a warning', async () => {
    backend(body => ({
      ...body,
      bounds: {},
      problems: [],
      currentSource:
        'values.stag-01.yaml has no observability.thanos.objstore.lifecycle',
    }));
    const metrics = {
      raw: '30d',
      fiveMinutes: '180d',
      oneHour: '2y',
      bucketLifecycle: '800d',
    };
    const { ctx, outputs } = await run({
      cluster: 'stag-01',
      signal: 'metrics',
      requested: metrics,
    });
    expect(outputs.current).toBeUndefined();
    expect(outputs.diff.map((d: any) => [d.path, d.from, d.to])).toEqual([
      ['observability.thanos.compactor.retention.raw', undefined, '30d'],
      ['observability.thanos.compactor.retention.5m', undefined, '180d'],
      ['observability.thanos.compactor.retention.1h', undefined, '2y'],
      ['observability.thanos.objstore.lifecycle', undefined, '800d'],
    ]);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/metrics retention of stag-01 is unknown/),
    );
  });

  it('fails the step naming every field with a problem', async () => {
    backend(body => ({
      ...body,
      current,
      bounds: { minDays: 30 },
      problems: [
        {
          field: 'warmAfter',
          message: 'the warm phase must not start before rollover',
        },
        {
          field: 'deleteAfter',
          message:
            'keeps 20 days, below the minimum of 30 days for this environment',
        },
      ],
    }));
    await expect(
      run({ cluster: 'prod-01', signal: 'logs', requested }),
    ).rejects.toThrow(
      'Invalid retention change for prod-01 logs: requested.warmAfter: the warm phase must not start before rollover; requested.deleteAfter: keeps 20 days, below the minimum of 30 days for this environment',
    );
  });

  it('only reports problems with failOnProblems: false', async () => {
    backend(body => ({
      ...body,
      bounds: {},
      problems: [{ field: 'deleteAfter', message: 'too short' }],
    }));
    const { ctx, outputs } = await run({
      cluster: 'prod-01',
      signal: 'logs',
      requested,
      failOnProblems: false,
    });
    expect(outputs.problems).toEqual([
      { field: 'deleteAfter', message: 'too short' },
    ]);
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/requested\.deleteAfter: too short/),
    );
  });

  it("passes on the back end's 400 (unknown cluster) as an input error", async () => {
    backend(
      () => ({
        error: {
          name: 'InputError',
          message:
            'Invalid retention request: cluster "prod-77" is not in the fleet',
        },
      }),
      400,
    );
    await expect(
      run({ cluster: 'prod-77', signal: 'logs', requested }),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'InputError',
        message:
          'Invalid retention request: cluster "prod-77" is not in the fleet',
      }),
    );
  });

  it('says when the back end refuses or fails', async () => {
    backend(
      () => ({
        error: { name: 'NotAllowedError', message: 'Missing permission' },
      }),
      403,
    );
    await expect(
      run({ cluster: 'prod-01', signal: 'logs', requested }),
    ).rejects.toThrow(expect.objectContaining({ name: 'NotAllowedError' }));
    server.resetHandlers();
    server.use(
      http.post(
        PLAN_URL,
        () => new HttpResponse('upstream timeout', { status: 502 }),
      ),
    );
    await expect(
      run({ cluster: 'prod-01', signal: 'logs', requested }),
    ).rejects.toThrow(
      'The observability back end answered 502 on /v1/retention/plan: upstream timeout',
    );
  });

  it('names bad input before calling the back end', async () => {
    const seen = backend(() => ({}));
    await expect(
      run({
        cluster: 'prod-01',
        signal: 'logs',
        requested: { deleteAfter: '9d' },
      }),
    ).rejects.toThrow(/requested\.rolloverMaxAge: is required for logs/);
    await expect(
      run({ cluster: 'Prod 01', signal: 'logs', requested }),
    ).rejects.toThrow(/cluster: must be a cluster name/);
    await expect(
      run({ cluster: 'prod-01', signal: 'events', requested }),
    ).rejects.toThrow(/signal: Invalid enum value/);
    expect(seen).toEqual([]);
  });
});
