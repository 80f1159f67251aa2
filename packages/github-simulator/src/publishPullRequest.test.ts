import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { createPublishGithubPullRequestAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PULLS_FILE } from '.';
import {
  SEED,
  startTestHost,
  TestHost,
  writeFiles,
} from './__testUtils__/fixture';

// The real publish:github:pull-request of @backstage/plugin-scaffolder-backend-module-github
// (octokit + octokit-plugin-create-pull-request) against the simulator, configured as a
// GitHub Enterprise integration.

const NEW_DEV_01 =
  'kind: Resource\nmetadata:\n  name: dev-01\n  changed: true\n';
const DEV_02 = 'kind: Resource\nmetadata:\n  name: dev-02\n';

describe('publish:github:pull-request against the simulator', () => {
  const mockDir = createMockDirectory();
  let gh: TestHost;
  let workspaces = 0;

  beforeAll(async () => {
    gh = await startTestHost(mockDir);
  });
  afterAll(() => gh.close());

  const run = async (
    input: { branchName: string; [key: string]: unknown },
    options: { token?: string; files?: Record<string, string> } = {},
  ) => {
    const config = gh.config(options.token);
    const integrations = ScmIntegrations.fromConfig(config);
    const action = createPublishGithubPullRequestAction({
      integrations,
      githubCredentialsProvider:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      config,
    });
    const workspacePath = join(mockDir.path, `workspace-${++workspaces}`);
    writeFiles(
      workspacePath,
      options.files ?? {
        'clusters/dev-01/catalog-info.yaml': NEW_DEV_01,
        'clusters/dev-02/catalog-info.yaml': DEV_02,
      },
    );
    const ctx = createMockActionContext({
      input: {
        repoUrl: `${gh.host}?owner=fleetobs&repo=gitops`,
        title: 'Onboard dev-02',
        description: 'Adds dev-02 to the fleet.',
        ...input,
      },
      workspacePath,
    });
    await action.handler(ctx);
    return ctx;
  };
  /** What the action passed to ctx.output (a jest.fn in the mock context). */
  const outputs = (ctx: { output: unknown }) =>
    Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  const pullsFile = () => join(gh.bareDir, PULLS_FILE);

  it('pushes a branch with exactly the workspace changes on top of main and opens a pull request', async () => {
    const mainBefore = gh.git('rev-parse', 'main');
    const ctx = await run({
      branchName: 'onboard-dev-02',
      filesToDelete: ['README.md', 'does/not/exist.txt'],
      gitAuthorName: 'Platform Bot',
      gitAuthorEmail: 'bot@example.com',
    });

    expect(gh.git('rev-parse', 'main')).toBe(mainBefore);
    const branch = gh.git('rev-parse', 'refs/heads/onboard-dev-02');
    expect(gh.git('rev-parse', `${branch}^`)).toBe(mainBefore);
    expect(gh.git('rev-list', '--count', `${mainBefore}..${branch}`)).toBe('1');
    expect(
      gh.git('diff', '--name-status', mainBefore, branch).split('\n').sort(),
    ).toEqual([
      'A\tclusters/dev-02/catalog-info.yaml',
      'D\tREADME.md',
      'M\tclusters/dev-01/catalog-info.yaml',
    ]);
    expect(
      `${gh.git('show', `${branch}:clusters/dev-02/catalog-info.yaml`)}\n`,
    ).toBe(DEV_02);
    expect(`${gh.git('show', `${branch}:clusters/prod-01/notes.txt`)}\n`).toBe(
      SEED['clusters/prod-01/notes.txt'],
    );
    expect(gh.git('log', '-1', '--format=%an <%ae>|%s', branch)).toBe(
      'Platform Bot <bot@example.com>|Onboard dev-02',
    );
    // like GitHub, the pull request has its refs/pull/<n>/head
    expect(gh.git('rev-parse', 'refs/pull/1/head')).toBe(branch);

    const out = outputs(ctx);
    expect(out).toEqual({
      targetBranchName: 'main',
      remoteUrl: `${gh.sim.url}/fleetobs/gitops/pull/1`,
      pullRequestNumber: 1,
    });

    const list = await (await gh.api('/repos/fleetobs/gitops/pulls')).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      number: 1,
      state: 'open',
      title: 'Onboard dev-02',
      body: 'Adds dev-02 to the fleet.',
      html_url: out.remoteUrl,
      head: {
        ref: 'onboard-dev-02',
        sha: branch,
        label: 'fleetobs:onboard-dev-02',
      },
      base: { ref: 'main', sha: mainBefore },
      draft: false,
    });
    const files = await (
      await gh.api('/repos/fleetobs/gitops/pulls/1/files')
    ).json();
    expect(files.map((f: any) => `${f.status} ${f.filename}`).sort()).toEqual([
      'added clusters/dev-02/catalog-info.yaml',
      'modified clusters/dev-01/catalog-info.yaml',
      'removed README.md',
    ]);
    // the records persist inside the bare repository
    expect(JSON.parse(readFileSync(pullsFile(), 'utf8')).pulls).toHaveLength(1);
  });

  it('refuses a second run for the same branch while its pull request is open, leaving the branch as it was', async () => {
    const refsBefore = gh.refs();
    await expect(
      run(
        { branchName: 'onboard-dev-02' },
        { files: { 'clusters/dev-02/catalog-info.yaml': 'other\n' } },
      ),
    ).rejects.toThrow(
      `Pull request already exists: ${gh.sim.url}/fleetobs/gitops/pull/1`,
    );
    expect(gh.refs()).toBe(refsBefore);
  });

  it('with update: true, moves the branch to a new commit on main and edits the open pull request', async () => {
    const mainBefore = gh.git('rev-parse', 'main');
    const ctx = await run(
      {
        branchName: 'onboard-dev-02',
        update: true,
        title: 'Onboard dev-02 (v2)',
      },
      { files: { 'clusters/dev-02/catalog-info.yaml': 'v2\n' } },
    );
    expect(outputs(ctx).pullRequestNumber).toBe(1);
    const branch = gh.git('rev-parse', 'refs/heads/onboard-dev-02');
    expect(gh.git('rev-parse', `${branch}^`)).toBe(mainBefore);
    expect(gh.git('diff', '--name-status', mainBefore, branch)).toBe(
      'A\tclusters/dev-02/catalog-info.yaml',
    );
    expect(gh.git('rev-parse', 'refs/pull/1/head')).toBe(branch);
    const pr = await (await gh.api('/repos/fleetobs/gitops/pulls/1')).json();
    expect(pr).toMatchObject({
      title: 'Onboard dev-02 (v2)',
      state: 'open',
      head: { sha: branch },
      commits: 1,
      changed_files: 1,
      mergeable: true,
    });
  });

  it('on a branch that exists without a pull request, force-moves it to a new commit on main and opens one', async () => {
    const stale = gh.commit('onboard-stale', { 'stale.txt': 'old work\n' });
    const mainBefore = gh.git('rev-parse', 'main');
    const ctx = await run(
      { branchName: 'onboard-stale', title: 'Stale' },
      { files: { 'clusters/x/catalog-info.yaml': 'x\n' } },
    );
    const branch = gh.git('rev-parse', 'refs/heads/onboard-stale');
    expect(branch).not.toBe(stale);
    expect(gh.git('rev-parse', `${branch}^`)).toBe(mainBefore);
    // the commit that was on the branch is no longer on it
    expect(gh.git('branch', '--contains', stale)).toBe('');
    expect(outputs(ctx).remoteUrl).toBe(`${gh.sim.url}/fleetobs/gitops/pull/2`);
  });

  it('fails with "Bad credentials" on a wrong token and writes nothing', async () => {
    const refsBefore = gh.refs();
    const pullsBefore = readFileSync(pullsFile(), 'utf8');
    await expect(
      run({ branchName: 'onboard-dev-03' }, { token: 'expired-token' }),
    ).rejects.toThrow(
      'Pull request creation failed; caused by HttpError: Bad credentials - https://docs.github.com/rest',
    );
    expect(gh.refs()).toBe(refsBefore);
    expect(readFileSync(pullsFile(), 'utf8')).toBe(pullsBefore);
  });

  it('fails with Not Found for another repository', async () => {
    const refsBefore = gh.refs();
    await expect(
      run({
        branchName: 'onboard-dev-03',
        repoUrl: `${gh.host}?owner=fleetobs&repo=not-gitops`,
      }),
    ).rejects.toThrow(/Not Found/);
    expect(gh.refs()).toBe(refsBefore);
  });
});
