import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
// Test only: the real back end behind obs:retention:plan / :request.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import observabilityPlugin from '@fleetobs/plugin-observability-backend';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  TEMPLATES,
  dryRunBody,
  GitHost,
  failures,
  startGitHost,
} from './__testUtils__/dryRun';
import scaffolderModule from './index';

jest.setTimeout(120_000);

/**
 * The retention templates through the scaffolder's dry-run API, with the real
 * observability back end next to it: obs:retention:plan / :request call its plan API over
 * HTTP with a token on behalf of the (mock) user, and it reads today's retention from the
 * same GitOps repository (on the GitHub stand-in) that fetch:plain copies from and
 * publish:github:pull-request opens the approved change against.
 */
describe('retention templates through the scaffolder dry-run API', () => {
  const mockDir = createMockDirectory();
  let gitHost: GitHost;
  const git = (...args: string[]) => gitHost.git(...args);
  let server: any;

  beforeAll(async () => {
    gitHost = await startGitHost(path.join(mockDir.path, 'gitops.git'));
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModule,
        githubModule,
        observabilityPlugin,
        // The internal template, where the scaffolder finds it for a task.
        catalogServiceMock.factory({
          entities: [
            (() => {
              const entity = YAML.parse(
                fs.readFileSync(
                  path.join(
                    TEMPLATES,
                    'apply-retention-change',
                    'template.yaml',
                  ),
                  'utf8',
                ),
              );
              entity.metadata.namespace = 'default';
              return entity;
            })(),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            integrations: { github: [gitHost.integration] },
            observability: {
              gitops: {
                valuesPath: 'charts/app-of-apps',
                repoUrl: gitHost.repoUrl,
              },
              clusters: [
                { name: 'prod-01', environment: 'prod' },
                { name: 'stag-01', environment: 'stag' },
              ],
              retention: {
                // No poller round during the tests: an approved request keeps its
                // recorded task and its state while the tests look at it.
                applyPollInterval: { hours: 1 },
                bounds: {
                  prod: {
                    logs: { minDays: 30, maxDays: 365 },
                    metrics: { minDays: 180, maxDays: 1095 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
  });

  afterAll(() => gitHost?.close());

  const dryRun = (name: string, values: Record<string, unknown>) =>
    request(server)
      .post('/api/scaffolder/v2/dry-run')
      .send(dryRunBody(name, values));

  const logs = {
    rolloverMaxAge: '1d',
    rolloverMaxSize: '50gb',
    warmAfter: '7d',
    deleteAfter: '180d',
  };

  it("change-retention plans against today's values and files nothing", async () => {
    const res = await dryRun('change-retention', {
      cluster: 'resource:default/prod-01',
      signal: 'logs',
      ilm: logs,
      // a metrics section left over from switching the signal in the form
      metrics: {
        raw: '1d',
        fiveMinutes: '1d',
        oneHour: '1d',
        bucketLifecycle: '1d',
      },
      justification: 'Audit CHG-1234 needs half a year of logs',
    });
    expect(res.body.error ?? res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
    expect(failures(res.body)).toEqual([]);
    const steps = res.body.steps.map((s: any) => s.id);
    expect(steps).toEqual(['plan', 'request']);
    expect(res.body.output.links[0]).toEqual(
      expect.objectContaining({ url: '/observability/retention' }),
    );
    const text = res.body.output.text[0].content;
    expect(text).toContain(
      '| `observability.logging.ilm.delete.minAge` | 90d | 180d |',
    );
    expect(text).toMatch(/dry-run/);
    // No Elasticsearch in this test: the estimate says what it could not measure.
    expect(text).toMatch(
      /Estimated storage: 0 GB → 0 GB[\s\S]*- Elasticsearch is not configured/,
    );
    // Nothing was filed.
    const list = await request(server).get(
      '/api/observability/v1/retention-requests',
    );
    expect(list.body.items).toEqual([]);
  });

  it('change-retention fails at the plan step below the prod minimum, naming the field', async () => {
    const res = await dryRun('change-retention', {
      cluster: 'resource:default/prod-01',
      signal: 'logs',
      ilm: { ...logs, deleteAfter: '14d' },
      justification: 'Saving storage on the prod cluster',
    });
    expect(failures(res.body).join('\n')).toMatch(
      /requested\.deleteAfter: keeps 14 days, below the minimum of 30 days/,
    );
  });

  it('change-retention fails on unordered metrics and on an unknown cluster', async () => {
    const metrics = await dryRun('change-retention', {
      cluster: 'resource:default/stag-01',
      signal: 'metrics',
      metrics: {
        raw: '90d',
        fiveMinutes: '30d',
        oneHour: '1y',
        bucketLifecycle: '400d',
      },
      justification: 'Longer raw data for the load tests',
    });
    expect(failures(metrics.body).join('\n')).toMatch(
      /requested\.raw: raw retention must not exceed the 5m retention/,
    );
    const unknown = await dryRun('change-retention', {
      cluster: 'resource:default/prod-77',
      signal: 'logs',
      ilm: logs,
      justification: 'A cluster that does not exist',
    });
    expect(failures(unknown.body).join('\n')).toMatch(
      /cluster "prod-77" is not in the fleet/,
    );
  });

  describe('apply-retention-change cannot be run by hand (issue 14, finding 3)', () => {
    const template = YAML.parse(
      fs.readFileSync(
        path.join(TEMPLATES, 'apply-retention-change', 'template.yaml'),
        'utf8',
      ),
    );
    const alice = mockCredentials.user.header('user:default/alice');
    const bob = mockCredentials.user.header('user:default/bob');
    const branches = () =>
      git('branch', '--list', '--format=%(refname:short)').trim().split('\n');

    async function file(requested: object) {
      const res = await request(server)
        .post('/api/observability/v1/retention-requests')
        .set('Authorization', alice)
        .send({
          cluster: 'prod-01',
          signal: 'logs',
          requested,
          justification: 'Audit CHG-1234 needs half a year of logs',
        });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    /** Starts the template through the tasks API, as a person would by hand. */
    async function startByHand(values: object) {
      return request(server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', alice)
        .send({
          templateRef: 'template:default/apply-retention-change',
          values,
        });
    }

    /** Waits (through the tasks API) for a task to end; its status and error. */
    async function ended(taskId: string) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const task = await request(server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('Authorization', alice);
        if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
          const events = await request(server)
            .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
            .set('Authorization', alice);
          const completion = events.body.find(
            (e: any) => e.type === 'completion',
          );
          return {
            status: task.body.status as string,
            error: completion?.body?.error?.message as string | undefined,
          };
        }
        if (Date.now() > deadline) {
          throw new Error(`task ${taskId} did not end: ${task.body.status}`);
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }

    it('has the request id as its only parameter and apply input', () => {
      const [parameters] = template.spec.parameters;
      expect(Object.keys(parameters.properties)).toEqual(['requestId']);
      expect(parameters.required).toEqual(['requestId']);
      expect(parameters.additionalProperties).toBe(false);
      const apply = template.spec.steps.find((s: any) => s.id === 'apply');
      expect(apply).toMatchObject({ action: 'obs:retention:apply' });
      expect(apply.input).toEqual({ requestId: '${{ parameters.requestId }}' });
      // No step takes anything else from the parameters.
      const text = JSON.stringify(template.spec.steps);
      expect(text.match(/parameters\.\w+/g)).toEqual(
        expect.arrayContaining(['parameters.requestId']),
      );
      expect(
        (text.match(/parameters\.\w+/g) ?? []).filter(
          p => p !== 'parameters.requestId',
        ),
      ).toEqual([]);
    });

    it('refuses the values of the finding (prod logs for 3650 days) before any step runs', async () => {
      const res = await startByHand({
        requestId: '2b1e8f7a-1d2c-4e5f-9a8b-7c6d5e4f3a2b',
        cluster: 'prod-01',
        signal: 'logs',
        requested: { ...logs, deleteAfter: '3650d' },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => e.stack)).toEqual([
        'instance is not allowed to have the additional property "cluster"',
        'instance is not allowed to have the additional property "signal"',
        'instance is not allowed to have the additional property "requested"',
      ]);
      expect(branches()).toEqual(['main']);
    });

    it('a dry run with an unknown or a pending request fails at the apply step, proposing nothing', async () => {
      const unknown = await dryRun('apply-retention-change', {
        requestId: '2b1e8f7a-1d2c-4e5f-9a8b-7c6d5e4f3a2b',
      });
      expect(failures(unknown.body).join('\n')).toMatch(
        /requestId: there is no retention request 2b1e8f7a-1d2c-4e5f-9a8b-7c6d5e4f3a2b; nothing is applied/,
      );
      const pendingId = await file(logs);
      const pending = await dryRun('apply-retention-change', {
        requestId: pendingId,
      });
      expect(failures(pending.body).join('\n')).toMatch(
        new RegExp(
          `Retention request ${pendingId} is pending, not approved; nothing is applied`,
        ),
      );
      expect(branches()).toEqual(['main']);
    });

    it('started by hand for a pending request, the task fails and makes no branch', async () => {
      const pendingId = await file(logs);
      const res = await startByHand({ requestId: pendingId });
      expect(res.status).toBe(201);
      const task = await ended(res.body.id);
      expect(task).toEqual({
        status: 'failed',
        error: expect.stringMatching(
          new RegExp(
            `Retention request ${pendingId} is pending, not approved; nothing is applied\\. The apply template runs only when the observability back end starts it`,
          ),
        ),
      });
      expect(branches()).toEqual(['main']);
    });

    it("the back end's task applies the approved change; a hand-started task and a dry run for it are refused", async () => {
      const id = await file(logs);
      const approved = await request(server)
        .post(`/api/observability/v1/retention-requests/${id}/approve`)
        .set('Authorization', bob)
        .send({ comment: 'ok' });
      expect(approved.status).toBe(200);
      expect(approved.body.state).toBe('approved');
      const taskId = approved.body.pullRequest.taskId;
      expect(taskId).toEqual(expect.any(String));

      // The task the back end started (with its own credentials) writes the change.
      await expect(ended(taskId)).resolves.toEqual({
        status: 'completed',
        error: undefined,
      });
      expect(branches()).toEqual(['main', `retention-${id}`]);
      const values = YAML.parse(
        git('show', `retention-${id}:charts/app-of-apps/values.prod-01.yaml`),
      );
      expect(values.observability.logging.ilm.delete.minAge).toBe('180d');
      // The pull request the Git host lists.
      const pulls = await fetch(
        `${gitHost.integration.apiBaseUrl}/repos/fleetobs/gitops/pulls?head=fleetobs:retention-${id}`,
        { headers: { Authorization: `token ${gitHost.integration.token}` } },
      ).then(r => r.json());
      expect(pulls).toEqual([
        expect.objectContaining({
          state: 'open',
          head: expect.objectContaining({ ref: `retention-${id}` }),
          base: expect.objectContaining({ ref: 'main' }),
          body: expect.stringMatching(/approved by user:default\/bob/),
        }),
      ]);

      // Anyone else running the template for that request gets nothing applied: while
      // the pull request's branch exists, the first step refuses to reuse it...
      const again = await dryRun('apply-retention-change', { requestId: id });
      expect(failures(again.body).join('\n')).toMatch(
        `branchName: retention-${id} already exists`,
      );
      // ...and once it is gone (say the pull request was closed), the apply step refuses.
      const head = git('rev-parse', `retention-${id}`).trim();
      git('update-ref', '-d', `refs/heads/retention-${id}`);
      const dry = await dryRun('apply-retention-change', { requestId: id });
      expect(failures(dry.body).join('\n')).toMatch(
        new RegExp(
          `Retention request ${id} is applied by task ${taskId}, not by this task \\(dry-run-[0-9a-f-]+\\); nothing is applied`,
        ),
      );
      const byHand = await startByHand({ requestId: id });
      expect(byHand.status).toBe(201);
      await expect(ended(byHand.body.id)).resolves.toEqual({
        status: 'failed',
        error: expect.stringContaining(
          `Retention request ${id} is applied by task ${taskId}, not by this task (${byHand.body.id}); nothing is applied`,
        ),
      });
      expect(branches()).toEqual(['main']);
      git('update-ref', `refs/heads/retention-${id}`, head);
    });
  });
});
