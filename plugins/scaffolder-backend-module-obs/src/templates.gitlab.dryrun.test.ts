import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import gitlabModule, {
  createPublishGitlabMergeRequestAction,
} from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { validate } from 'jsonschema';
import { createBareRepoFrom } from '@fleetobs/github-simulator';
import { setupServer } from 'msw/node';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  decode,
  dryRunBody,
  failures,
  loggedInputs,
} from './__testUtils__/dryRun';
import { GITOPS_SEED } from './__testUtils__/fixtures';
import { gitlabApiHandlers } from './__testUtils__/gitlabApi';
import scaffolderModule from './index';

/*
 * The GitLab variant of a template, as the README describes it: the pull request step
 * becomes publish:gitlab:merge-request (same inputs), its link mergeRequestUrl.
 */
function gitlabVariant(templateYaml: string): string {
  return templateYaml
    .replace(
      /action: publish:github:pull-request/g,
      'action: publish:gitlab:merge-request',
    )
    .replace(/steps\.pr\.output\.remoteUrl/g, 'steps.pr.output.mergeRequestUrl')
    .replace(/ #\$\{\{ steps\.pr\.output\.pullRequestNumber \}\}/g, '');
}

describe('the onboarding template on GitLab (dry run)', () => {
  const mockDir = createMockDirectory();
  const repoDir = path.join(mockDir.path, 'gitops.git');
  const token = 'glpat-test';
  const server = setupServer();
  let backend: any;

  beforeAll(async () => {
    await createBareRepoFrom(GITOPS_SEED, repoDir);
    server.listen({ onUnhandledRequest: 'bypass' });
    server.use(
      ...gitlabApiHandlers({
        baseUrl: 'https://gitlab.example.com',
        projectPath: 'platform/infra/gitops',
        repoDir,
        token,
      }),
    );
    ({ server: backend } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModule,
        gitlabModule,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            integrations: {
              gitlab: [
                {
                  host: 'gitlab.example.com',
                  apiBaseUrl: 'https://gitlab.example.com/api/v4',
                  token,
                },
              ],
            },
            observability: {
              gitops: {
                repoUrl: 'https://gitlab.example.com/platform/infra/gitops',
              },
            },
          },
        }),
      ],
    }));
  });
  afterAll(() => server.close());

  it('reads the project through GitLab and proposes a merge request', async () => {
    const body = dryRunBody('onboard-cluster', {
      name: 'dev-04',
      environment: 'dev',
      server: 'https://dev-04-k8s.endpoint.kubernetes',
      owner: 'group:default/platform-team',
      certificateMode: 'cert-manager',
      gatewayHostnames: ['thanos-query.dev-04.example.com'],
    });
    body.template = YAML.parse(gitlabVariant(YAML.stringify(body.template)));
    const res = await request(backend)
      .post('/api/scaffolder/v2/dry-run')
      .send(body);
    expect(res.status).toBe(200);
    expect(failures(res.body)).toEqual([]);
    const files = decode(res.body.directoryContents);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'charts/app-of-apps/values.dev-04.yaml',
        'clusters/dev-04/catalog-info.yaml',
      ]),
    );
    const log = JSON.stringify(res.body.log);
    // The repository and its free branch were read through the GitLab API...
    expect(log).toContain(
      'GitOps repository https://gitlab.example.com/platform/infra/gitops (base main) is readable; branch onboard-dev-04 is free',
    );
    // ...and the merge request step's inputs are valid for the GitLab action, which
    // the scaffolder then skips (it has no dry run).
    const inputs = loggedInputs(res.body, 'pr');
    expect(inputs).toMatchObject({
      repoUrl: 'gitlab.example.com?owner=platform%2Finfra&repo=gitops',
      branchName: 'onboard-dev-04',
      targetBranchName: 'main',
      title: 'Onboard cluster dev-04 (dev)',
    });
    const action = createPublishGitlabMergeRequestAction({
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
    });
    const schema = action.schema!.input as any;
    expect(schema.required).toEqual(
      expect.arrayContaining(['repoUrl', 'title', 'branchName']),
    );
    expect(validate(inputs, schema).errors).toEqual([]);
    expect(log).toContain(
      'Skipping because publish:gitlab:merge-request does not support dry-run',
    );
  });

  it('names a refused token', async () => {
    server.use(
      ...gitlabApiHandlers({
        baseUrl: 'https://gitlab.example.com',
        projectPath: 'platform/infra/gitops',
        repoDir,
        token: 'another-token',
      }),
    );
    const body = dryRunBody('promote-revision', {
      revision: 'v1.5.0',
      targetEnvironment: 'next',
      force: false,
    });
    body.template = YAML.parse(gitlabVariant(YAML.stringify(body.template)));
    const res = await request(backend)
      .post('/api/scaffolder/v2/dry-run')
      .send(body);
    expect(failures(res.body).join('\n')).toMatch(
      /observability\.gitops\.repoUrl: reading https:\/\/gitlab\.example\.com\/platform\/infra\/gitops\/-\/blob\/main\/charts\/app-of-apps\/values\.yaml with the credentials of integrations \(host gitlab\.example\.com\) failed: .*401/,
    );
  });
});
