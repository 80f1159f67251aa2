import { Readable } from 'node:stream';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { ScmIntegrations } from '@backstage/integration';
import { readEffectiveRetention } from './effectiveRetention';
import { readObservabilityConfig } from '../config';
import { createGitopsValuesSource } from './GitopsValuesSource';

const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

const gitopsOptions = (data: JsonObject) =>
  readObservabilityConfig(new ConfigReader(data)).gitops;

const PROD_VALUES = `# prod-01
observability:
  thanos:
    compactor:
      retention: { raw: 30d, 5m: 90d, 1h: 1y }
    objstore: { bucket: thanos-prod, lifecycle: 400d }
  logging:
    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 7d }
      delete: { minAge: 30d }
`;

const REPO = 'https://github.com/acme/gitops';

/** A UrlReader over files by URL: the base branch and an open pull request's branch. */
function branchReader() {
  const files: Record<string, string> = {
    [`${REPO}/blob/main/charts/app-of-apps/values.prod-01.yaml`]: PROD_VALUES,
    // An open pull request's branch must not count as effective.
    [`${REPO}/blob/retention-change/charts/app-of-apps/values.prod-01.yaml`]:
      PROD_VALUES.replace('delete: { minAge: 30d }', 'delete: { minAge: 90d }'),
  };
  return mockServices.urlReader.mock({
    readUrl: (async (url: string) => {
      if (!(url in files)) {
        throw Object.assign(new Error(`${url} not found`), {
          name: 'NotFoundError',
        });
      }
      return { buffer: async () => Buffer.from(files[url]) };
    }) as any,
  });
}

describe('readEffectiveRetention', () => {
  const bounds = () => ({ minDays: 30 });

  it('reads each signal from the main branch of the GitOps repo, naming the source', async () => {
    const source = createGitopsValuesSource({
      gitops: gitopsOptions({
        observability: { gitops: { repoUrl: REPO } },
      }),
      urlReader: branchReader(),
      integrations,
      logger: mockServices.logger.mock(),
    });
    const [prod, dev] = await readEffectiveRetention({
      clusters: [
        { name: 'prod-01', environment: 'prod', sources: ['config'] },
        { name: 'dev-01', environment: 'dev', sources: ['config'] },
      ],
      source,
      bounds,
    });
    expect(prod.signals.logs).toMatchObject({
      settings: { deleteAfter: '30d', warmAfter: '7d' },
      longestDays: 30,
      bounds: { minDays: 30 },
      missing: [],
    });
    expect(prod.signals.logs.source).toBe(
      `${REPO}/blob/main/charts/app-of-apps/values.prod-01.yaml`,
    );
    expect(prod.signals.metrics.longestDays).toBe(365);
    // Traces are fleet-wide, kept in the ops cluster's file: this fleet has none.
    expect(prod.signals.traces.error).toMatch(/the fleet has no ops cluster/);
    expect(prod.signals.traces.longestDays).toBeUndefined();
    expect(dev.signals.metrics.error).toMatch(/No values file for dev-01/);
  });

  it("reads every cluster's trace retention from the ops cluster's file, with the fleet's bounds", async () => {
    const files: Record<string, string> = {
      [`${REPO}/blob/main/charts/app-of-apps/values.prod-01.yaml`]: `${PROD_VALUES}  tracing:
    # a per-cluster leftover: ignored, the ops file owns the policy
    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 3d }
      delete: { minAge: 7d }
`,
      [`${REPO}/blob/main/charts/app-of-apps/values.ops-01.yaml`]: `observability:
  tracing:
    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 3d }
      delete: { minAge: 14d }
`,
    };
    const readUrl = jest.fn(async (url: string) => {
      if (!(url in files)) {
        throw Object.assign(new Error(`${url} not found`), {
          name: 'NotFoundError',
        });
      }
      return { buffer: async () => Buffer.from(files[url]) };
    });
    const source = createGitopsValuesSource({
      gitops: gitopsOptions({ observability: { gitops: { repoUrl: REPO } } }),
      urlReader: mockServices.urlReader.mock({ readUrl: readUrl as any }),
      integrations,
      logger: mockServices.logger.mock(),
    });
    const byEnv: Record<string, object> = {
      prod: { minDays: 7 },
      dev: { maxDays: 30 },
    };
    const [prod, ops] = await readEffectiveRetention({
      clusters: [
        { name: 'prod-01', environment: 'prod', sources: ['config'] },
        { name: 'ops-01', environment: 'ops', sources: ['config'] },
      ],
      fleet: [
        { name: 'prod-01', environment: 'prod', sources: ['config'] },
        { name: 'ops-01', environment: 'ops', sources: ['config'] },
        { name: 'dev-01', environment: 'dev', sources: ['config'] },
      ],
      source,
      bounds: env => byEnv[env] ?? {},
    });
    for (const cluster of [prod, ops]) {
      expect(cluster.signals.traces).toEqual({
        settings: {
          rolloverMaxAge: '1d',
          rolloverMaxSize: '50gb',
          warmAfter: '3d',
          deleteAfter: '14d',
        },
        longestDays: 14,
        bounds: { minDays: 7, maxDays: 30 },
        missing: [],
        source: `${REPO}/blob/main/charts/app-of-apps/values.ops-01.yaml`,
        fleetWideOwner: 'ops-01',
      });
    }
    // Logs stay per cluster, with the cluster's own bounds.
    expect(prod.signals.logs.source).toBe(
      `${REPO}/blob/main/charts/app-of-apps/values.prod-01.yaml`,
    );
    expect(prod.signals.logs.fleetWideOwner).toBeUndefined();
    // The ops file was read once for both clusters.
    expect(
      readUrl.mock.calls.filter(([url]) => url.includes('ops-01')),
    ).toHaveLength(1);
  });

  it('says so when no GitOps repository is configured', async () => {
    const [prod] = await readEffectiveRetention({
      clusters: [{ name: 'prod-01', environment: 'prod', sources: ['config'] }],
      source: createGitopsValuesSource({
        gitops: gitopsOptions({}),
        urlReader: mockServices.urlReader.mock(),
        integrations,
        logger: mockServices.logger.mock(),
      }),
      bounds,
    });
    expect(prod.signals.logs.error).toMatch(
      /No GitOps repository is configured/,
    );
  });

  it('refuses a values file over the cap while it streams in, and says so', async () => {
    let sent = 0;
    const readUrl = jest.fn(async () => ({
      buffer: async () => {
        throw new Error('the whole body must not be buffered');
      },
      // An endless file: 64 KiB chunks until the reader stops asking.
      stream: () =>
        Readable.from(
          (function* chunks() {
            for (;;) {
              sent += 1;
              yield Buffer.alloc(64 * 1024, 'a');
            }
          })(),
        ),
    }));
    const source = createGitopsValuesSource({
      gitops: gitopsOptions({
        observability: {
          gitops: { repoUrl: 'https://github.com/acme/gitops/' },
        },
      }),
      urlReader: mockServices.urlReader.mock({ readUrl: readUrl as any }),
      integrations,
      logger: mockServices.logger.mock(),
    });
    const [prod] = await readEffectiveRetention({
      clusters: [{ name: 'prod-01', environment: 'prod', sources: ['config'] }],
      source,
      bounds,
    });
    expect(prod.signals.logs.error).toBe(
      'https://github.com/acme/gitops/blob/main/charts/app-of-apps/values.prod-01.yaml: answer is over the cap of 4194304 bytes',
    );
    // Stopped just past 4 MiB, not read to an end.
    expect(sent).toBeLessThanOrEqual(4 * 16 + 2);
  });

  it('reads through the UrlReader when a repository URL is configured', async () => {
    const readUrl = jest.fn(async () => ({
      buffer: async () => Buffer.from(PROD_VALUES),
    }));
    const source = createGitopsValuesSource({
      gitops: gitopsOptions({
        observability: {
          gitops: { repoUrl: 'https://github.com/acme/gitops/' },
        },
      }),
      urlReader: mockServices.urlReader.mock({ readUrl: readUrl as any }),
      integrations,
      logger: mockServices.logger.mock(),
    });
    const [prod] = await readEffectiveRetention({
      clusters: [{ name: 'prod-01', environment: 'prod', sources: ['config'] }],
      source,
      bounds,
    });
    expect(readUrl).toHaveBeenCalledWith(
      'https://github.com/acme/gitops/blob/main/charts/app-of-apps/values.prod-01.yaml',
      // Every read is bounded in time (observability.gitops.readTimeout).
      { signal: expect.any(AbortSignal) },
    );
    // Read again within the memory window: no second fetch.
    await readEffectiveRetention({
      clusters: [{ name: 'prod-01', environment: 'prod', sources: ['config'] }],
      source,
      bounds,
    });
    expect(readUrl).toHaveBeenCalledTimes(1);
    expect(prod.signals.metrics.settings).toMatchObject({ raw: '30d' });
  });
});
