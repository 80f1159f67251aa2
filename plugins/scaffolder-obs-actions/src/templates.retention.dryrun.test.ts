import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// Test only: the real back end behind obs:retention:plan / :request.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import observabilityPlugin from '@fleetobs/plugin-observability-backend';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  decode,
  dryRunBody,
  failures,
  seedGitopsRepo,
} from './__testUtils__/dryRun';
import scaffolderModule from './index';

jest.setTimeout(120_000);

/**
 * The retention templates through the scaffolder's dry-run API, with the real
 * observability back end next to it: obs:retention:plan / :request call its plan API over
 * HTTP with a token on behalf of the (mock) user, and it reads today's retention from the
 * same demo GitOps repository that obs:gitops:local-fetch copies from.
 */
describe('retention templates through the scaffolder dry-run API', () => {
  const mockDir = createMockDirectory();
  const repo = path.join(mockDir.path, 'gitops');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: 'pipe' });
  let server: any;

  beforeAll(async () => {
    seedGitopsRepo(repo);
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModule,
        observabilityPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            observability: {
              gitops: { valuesPath: 'charts/app-of-apps', demoRepoPath: repo },
              clusters: [
                { name: 'prod-01', environment: 'prod' },
                { name: 'stag-01', environment: 'stag' },
              ],
              retention: {
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

  it('apply-retention-change edits the values file and proposes the branch, creating none', async () => {
    const requestId = '2b1e8f7a-1d2c-4e5f-9a8b-7c6d5e4f3a2b';
    const res = await dryRun('apply-retention-change', {
      requestId,
      cluster: 'prod-01',
      signal: 'metrics',
      requested: {
        raw: '30d',
        fiveMinutes: '180d',
        oneHour: '1095d',
        bucketLifecycle: '1100d',
      },
      title: 'Keep prod-01 metrics for three years',
    });
    expect(res.status).toBe(200);
    expect(failures(res.body)).toEqual([]);
    expect(res.body.steps.map((s: any) => s.id)).toEqual([
      'fetch',
      'apply',
      'pr',
    ]);
    const files = decode(res.body.directoryContents);
    const values = YAML.parse(files['charts/app-of-apps/values.prod-01.yaml']);
    expect(values.observability.thanos.compactor.retention).toEqual({
      raw: '30d',
      '5m': '180d',
      '1h': '1095d',
    });
    expect(values.observability.thanos.objstore.lifecycle).toBe('1100d');
    expect(files['charts/app-of-apps/values.prod-01.yaml']).toContain(
      '# Compactor --retention.resolution-raw / -5m / -1h',
    );
    expect(res.body.output).toMatchObject({
      branch: `retention/${requestId}`,
      pullRequestUrl: `file://${repo}`,
      links: [
        { title: `Pull request (branch retention/${requestId})` },
        { url: `/observability/retention?request=${requestId}` },
      ],
    });
    expect(git('branch', '--list').trim()).toBe('* main');
  });

  it('apply-retention-change writes nothing for an invalid change', async () => {
    const res = await dryRun('apply-retention-change', {
      requestId: 'abc-1',
      cluster: 'prod-01',
      signal: 'logs',
      requested: { ...logs, warmAfter: '200d' },
    });
    expect(failures(res.body).join('\n')).toMatch(
      /requested\.deleteAfter: the delete phase must come after the warm phase/,
    );
    expect(git('branch', '--list').trim()).toBe('* main');
  });
});
