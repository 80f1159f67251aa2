import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { JsonObject } from '@backstage/types';
import path from 'node:path';
import { GitHost, startGitHost } from '../__testUtils__/dryRun';
import { actionRunner, settingsFrom } from '../__testUtils__/fixtures';
import { createGitopsRepositoryAction } from './gitopsRepository';

/**
 * obs:gitops:repository against the GitHub stand-in through Backstage's own UrlReader,
 * as the scaffolder runs it.
 */
describe('obs:gitops:repository', () => {
  const mockDir = createMockDirectory();
  let gitHost: GitHost;

  beforeAll(async () => {
    gitHost = await startGitHost(path.join(mockDir.path, 'gitops.git'));
    gitHost.git('branch', 'onboard-dev-03', 'main');
  });
  afterAll(() => gitHost?.close());

  function runner(
    options: {
      gitops?: JsonObject;
      token?: string;
      integrationHost?: string;
    } = {},
  ) {
    const integration = {
      ...gitHost.integration,
      ...(options.token ? { token: options.token } : {}),
      ...(options.integrationHost
        ? {
            host: options.integrationHost,
            apiBaseUrl: `http://${options.integrationHost}/api/v3`,
          }
        : {}),
    };
    const config = new ConfigReader({
      integrations: { github: [integration] },
    });
    const action = createGitopsRepositoryAction({
      settings: settingsFrom({
        gitops: { repoUrl: gitHost.repoUrl, ...options.gitops },
      }),
      urlReader: UrlReaders.default({
        config,
        logger: mockServices.logger.mock(),
      }),
      integrations: ScmIntegrations.fromConfig(config),
    });
    return actionRunner(action, () => mockDir.path);
  }

  it('names the repository for fetch:plain and publish:github:pull-request, and checks the branch is free', async () => {
    const { outputs } = await runner().run({ branchName: 'onboard-dev-02' });
    const { host } = new URL(gitHost.repoUrl);
    expect(outputs).toEqual({
      url: gitHost.repoUrl,
      publishRepoUrl: `${host}?owner=fleetobs&repo=gitops`,
      baseBranch: 'main',
      valuesPath: 'charts/app-of-apps',
      valuesUrl: `${gitHost.repoUrl}/tree/main/charts/app-of-apps`,
      branchName: 'onboard-dev-02',
    });
  });

  it('refuses a branch that already exists, before anything is written', async () => {
    await runner().expectRefused(
      { branchName: 'onboard-dev-03' },
      /branchName: onboard-dev-03 already exists in http:\/\/.+\/fleetobs\/gitops; merge or close its pull request and delete the branch first/,
    );
  });

  it.each([
    ['onboard/dev-02', /branchName: must be letters, digits/],
    ['main', /branchName: must differ from the base branch main/],
    ['x.lock', /branchName: is not a valid branch name/],
    ['a..b', /branchName: is not a valid branch name/],
  ])('refuses the branch name %s', async (branchName, message) => {
    await runner().expectRefused({ branchName }, message);
  });

  it('says which token was refused, naming the integration host', async () => {
    await runner({ token: 'expired-token' }).expectRefused(
      {},
      /observability\.gitops\.repoUrl: reading http:\/\/.+values\.yaml with the credentials of integrations \(host 127\.0\.0\.1:\d+\) failed: .*401/,
    );
  });

  it('says a wrong repository was not found', async () => {
    await runner({
      gitops: { repoUrl: gitHost.repoUrl.replace('/gitops', '/no-such-repo') },
    }).expectRefused(
      {},
      /observability\.gitops\.repoUrl: http:\/\/.+\/no-such-repo\/blob\/main\/charts\/app-of-apps\/values\.yaml was not found: the repository or its base branch does not exist/,
    );
  });

  it('says an unreachable host could not be read', async () => {
    await runner({
      gitops: { repoUrl: 'http://127.0.0.1:9/fleetobs/gitops' },
      integrationHost: '127.0.0.1:9',
    }).expectRefused(
      {},
      /observability\.gitops\.repoUrl: reading http:\/\/127\.0\.0\.1:9\/.+ failed: .*ECONNREFUSED/,
    );
  });

  it('names the config key when the repository or its integration is missing', async () => {
    await runner({ gitops: { repoUrl: null } as any }).expectRefused(
      {},
      /observability\.gitops\.repoUrl: not configured/,
    );
    await runner({
      gitops: { repoUrl: 'https://git.example.com/platform/gitops' },
    }).expectRefused(
      {},
      /observability\.gitops\.repoUrl: no integrations entry serves https:\/\/git\.example\.com\/platform\/gitops/,
    );
  });
});
