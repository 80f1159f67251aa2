import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { sealingControllerCertificate } from '@fleetobs/fleet-simulator';
import {
  createBareRepoFrom,
  startGithubSimulator,
  GithubSimulator,
} from '@fleetobs/github-simulator';
import observabilityPlugin from '@fleetobs/plugin-observability-backend';
import obsModule from '@fleetobs/plugin-scaffolder-backend-module-obs';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { Server } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import {
  PRODUCTION_ENV,
  ROOT,
  loadConfigFiles,
  makeSecretsDir,
} from './__testUtils__/productionConfig';

// The production profile (app-config.yaml + app-config.production.yaml, loaded by
// Backstage's config loader with the environment of deploy/check-config.sh) and the
// shipped templates, with one change: the API of github.com in `integrations.github` is
// the GitHub stand-in (as for GitHub Enterprise). The GitOps repository stays
// https://github.com/example-org/gitops (GITOPS_REPO_URL); every read goes through
// Backstage's GithubUrlReader, every pull request through publish:github:pull-request.

const OWNER = 'example-org';
const TOKEN = 'ghp_production-profile-test';

// alice runs the templates and files the retention request, carol approves it.
const alice = mockCredentials.user.header('user:default/alice');
const carol = mockCredentials.user.header('user:default/carol');

/** The catalog the portal would hold: the templates and the existing clusters. */
function catalogEntities(): Entity[] {
  const docs = (file: string) =>
    parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map(
      d => d.toJSON() as Entity,
    );
  const templates = readdirSync(join(ROOT, 'templates'), {
    withFileTypes: true,
  })
    .filter(d => d.isDirectory())
    .flatMap(d => docs(`templates/${d.name}/template.yaml`));
  return [...templates, ...docs('examples/catalog/clusters.yaml')].map(e => ({
    ...e,
    metadata: { namespace: 'default', ...e.metadata },
  }));
}

describe('the production profile runs the shipped templates against a GitHub API', () => {
  const mockDir = createMockDirectory();
  const repoDir = join(mockDir.path, 'gitops.git');
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', repoDir, ...args], { encoding: 'utf8' });
  let github: GithubSimulator;
  let server: Server;
  let secrets: ReturnType<typeof makeSecretsDir>;
  let prod01Certificate: string;

  /** GET of the GitHub stand-in's API with the portal's token. */
  const gh = async (path: string) => {
    const res = await fetch(
      `${github.apiBaseUrl}/repos/${OWNER}/gitops${path}`,
      {
        headers: { authorization: `token ${TOKEN}` },
      },
    );
    expect(res.status).toBe(200);
    return res.json();
  };
  const pullsFrom = async (branch: string) =>
    (await gh(`/pulls?state=all&head=${OWNER}:${branch}`)) as any[];
  const merge = async (number: number) => {
    const res = await fetch(
      `${github.apiBaseUrl}/repos/${OWNER}/gitops/pulls/${number}/merge`,
      { method: 'PUT', headers: { authorization: `token ${TOKEN}` } },
    );
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    await createBareRepoFrom(join(ROOT, 'examples/gitops-repo'), repoDir);
    github = await startGithubSimulator({
      repoDir,
      owner: OWNER,
      repo: 'gitops',
      tokens: [TOKEN],
    });
    // prod-01's controller certificate, pinned as the profile pins it (a file).
    prod01Certificate = await sealingControllerCertificate('prod-01');
    secrets = makeSecretsDir({ 'prod-01': prod01Certificate });
    const config = (
      await loadConfigFiles(['app-config.yaml', 'app-config.production.yaml'], {
        ...PRODUCTION_ENV,
        FLEETOBS_SECRETS_DIR: secrets.dir,
      })
    ).get<any>();
    // What is replaced is what the profile ships: github.com with GITHUB_TOKEN.
    if (
      JSON.stringify(config.integrations.github) !==
      JSON.stringify([{ host: 'github.com', token: 'dummy' }])
    ) {
      throw new Error(
        `integrations.github changed: ${JSON.stringify(config.integrations)}`,
      );
    }
    // The change under test.
    config.integrations.github = [
      { host: 'github.com', apiBaseUrl: github.apiBaseUrl, token: TOKEN },
    ];
    // And the infrastructure, which this test is not about: an in-memory database
    // and cache instead of the profile's PostgreSQL and Redis.
    config.backend.database = {
      client: 'better-sqlite3',
      connection: ':memory:',
    };
    config.backend.cache = { store: 'memory' };
    // Who may do what is permissionPolicy.test.ts's subject: the test back end's mock
    // auth cannot carry a user's on-behalf-of token to the permission back end.
    config.permission = { enabled: false };
    ({ server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        obsModule,
        observabilityPlugin,
        catalogServiceMock.factory({ entities: catalogEntities() }),
        mockServices.rootConfig.factory({ data: config }),
      ],
    }));
  });

  afterAll(async () => {
    await github?.close();
    secrets?.remove();
  });

  /** Waits through the tasks API for a task to end: its status, output and error. */
  async function ended(taskId: string) {
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
          output: completion?.body?.output,
          error: completion?.body?.error?.message as string | undefined,
        };
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  async function run(
    template: string,
    values: Record<string, unknown>,
    taskSecrets: Record<string, string> = {},
  ) {
    const res = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', alice)
      .send({
        templateRef: `template:default/${template}`,
        values,
        secrets: taskSecrets,
      });
    expect([res.status, res.body.error?.message]).toEqual([201, undefined]);
    return ended(res.body.id);
  }

  it('onboards dev-02 in a pull request that merges into main', async () => {
    const mainBefore = git('rev-parse', 'main');
    const task = await run('onboard-cluster', {
      name: 'dev-02',
      environment: 'dev',
      server: 'https://dev-02-k8s.endpoint.kubernetes',
      owner: 'group:default/platform-team',
      certificateMode: 'cert-manager',
      gatewayHostnames: ['thanos-query.dev-02.example.com'],
    });
    expect(task.status).toBe('completed');
    const [pull] = await pullsFrom('onboard-dev-02');
    expect(pull).toMatchObject({
      state: 'open',
      title: 'Onboard cluster dev-02 (dev)',
      base: expect.objectContaining({ ref: 'main' }),
      body: expect.stringContaining('**Secrets pending.**'),
    });
    expect(task.output.links[0]).toEqual({
      title: `Pull request #${pull.number}`,
      url: pull.html_url,
    });
    // main is untouched until the merge; the branch holds the proposal.
    expect(git('rev-parse', 'main')).toBe(mainBefore);
    const changed = git('diff', '--name-only', 'main', 'onboard-dev-02')
      .trim()
      .split('\n');
    expect(changed).toEqual(
      expect.arrayContaining([
        'charts/app-of-apps/values.dev-02.yaml',
        'clusters/dev-02/catalog-info.yaml',
        'clusters/dev-02/pki/gateway-server.certificate.yaml',
      ]),
    );
    expect(changed.filter(f => /secrets\/|sealedsecret/.test(f))).toEqual([]);

    await merge(pull.number);
    const entity = parse(git('show', 'main:clusters/dev-02/catalog-info.yaml'));
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: { name: 'dev-02' },
      spec: { type: 'kubernetes-cluster' },
    });
  });

  it('refuses to onboard the same cluster again, writing nothing', async () => {
    const refsBefore = git('for-each-ref');
    const task = await run('onboard-cluster', {
      name: 'dev-02',
      environment: 'dev',
      server: 'https://dev-02-k8s.endpoint.kubernetes',
      owner: 'group:default/platform-team',
      gatewayHostnames: ['thanos-query.dev-02.example.com'],
    });
    expect(task).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/branchName: onboard-dev-02 already exists/),
    });
    expect(git('for-each-ref')).toBe(refsBefore);
  });

  it("seals prod-01's object storage credentials with its pinned certificate", async () => {
    // prod-01 keeps its blocks in GCS: the credentials are a service-account key.
    const SERVICE_ACCOUNT = JSON.stringify({
      type: 'service_account',
      client_email: 'thanos-prod-01@example-project.iam.gserviceaccount.com',
      private_key: 'prod-secret-key',
    });
    const task = await run(
      'seal-cluster-secrets',
      {
        cluster: 'resource:default/prod-01',
        objstoreServiceAccount: '*'.repeat(SERVICE_ACCOUNT.length),
      },
      { objstoreServiceAccount: SERVICE_ACCOUNT },
    );
    expect(task.status).toBe('completed');
    const [pull] = await pullsFrom('seal-secrets-prod-01');
    const fingerprint = new X509Certificate(prod01Certificate).fingerprint256;
    expect(pull.body).toContain(`certificate SHA-256 ${fingerprint}`);
    const sealed = parse(
      git(
        'show',
        'seal-secrets-prod-01:clusters/prod-01/secrets/thanos-objstore.sealedsecret.yaml',
      ),
    );
    expect(sealed).toMatchObject({
      kind: 'SealedSecret',
      metadata: { name: 'thanos-objstore', namespace: 'monitoring' },
      spec: { encryptedData: { 'objstore.yml': expect.any(String) } },
    });
    // The plain values are in no file of the branch, nor in the task's output.
    const files = git('ls-tree', '-r', '--name-only', 'seal-secrets-prod-01')
      .trim()
      .split('\n');
    for (const file of files) {
      expect(git('show', `seal-secrets-prod-01:${file}`)).not.toMatch(
        /prod-secret-key|thanos-prod-01@/,
      );
    }
    expect(JSON.stringify(task)).not.toMatch(/prod-secret-key|thanos-prod-01@/);
  });

  it('promotes a revision to the next environment in a pull request', async () => {
    // No fleet runs here, so the promotion gate (Argo CD state and health history of
    // dev) cannot pass: forced, with the reason and what the gate saw in the PR.
    const task = await run('promote-revision', {
      revision: 'v1.5.0',
      targetEnvironment: 'next',
      force: true,
      reason: 'No fleet in this test (CHG-0001)',
    });
    expect([task.status, task.error]).toEqual(['completed', undefined]);
    const [pull] = await pullsFrom('promote-stag-v1.5.0');
    expect(pull.title).toBe('Promote v1.5.0 to stag');
    expect(pull.body).toContain('### Promotion gate: dev at v1.5.0');
    expect(pull.body).toContain('Reason: No fleet in this test (CHG-0001)');
    expect(
      parse(
        git(
          'show',
          'promote-stag-v1.5.0:charts/app-of-apps/values.stag-01.yaml',
        ),
      ).source.targetRevision,
    ).toBe('v1.5.0');
  });

  it('opens the pull request of an approved retention change', async () => {
    const filed = await request(server)
      .post('/api/observability/v1/retention-requests')
      .set('Authorization', alice)
      .send({
        cluster: 'prod-01',
        signal: 'logs',
        requested: {
          rolloverMaxAge: '1d',
          rolloverMaxSize: '50gb',
          warmAfter: '7d',
          deleteAfter: '120d',
        },
        justification: 'Audit CHG-77 needs four months of prod-01 logs',
      });
    expect(filed.status).toBe(201);
    const approved = await request(server)
      .post(`/api/observability/v1/retention-requests/${filed.body.id}/approve`)
      .set('Authorization', carol)
      .send({ comment: 'ok' });
    expect(approved.status).toBe(200);
    // The back end started the apply template with its own credentials.
    const task = await ended(approved.body.pullRequest.taskId);
    expect(task.status).toBe('completed');
    const branch = `retention-${filed.body.id}`;
    const [pull] = await pullsFrom(branch);
    expect(task.output.pullRequestUrl).toBe(pull.html_url);
    expect(
      parse(git('show', `${branch}:charts/app-of-apps/values.prod-01.yaml`))
        .observability.logging.ilm.delete.minAge,
    ).toBe('120d');
  });
});
