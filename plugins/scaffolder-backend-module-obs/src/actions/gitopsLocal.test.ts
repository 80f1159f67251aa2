import { createMockDirectory } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  GITOPS_SEED,
  listFiles,
  mockContext,
  settingsFrom,
} from '../__testUtils__/fixtures';
import { createClusterValuesAction } from './clusterValues';
import { createGitopsLocalFetchAction } from './gitopsLocalFetch';
import { createGitopsLocalPrAction } from './gitopsLocalPr';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

describe('obs:gitops:local-fetch and obs:gitops:local-pr (demo)', () => {
  const mockDir = createMockDirectory();
  let repo: string;
  let workspace: string;
  let mainBefore: string;

  beforeEach(() => {
    mockDir.clear();
    repo = path.join(mockDir.path, 'gitops');
    workspace = path.join(mockDir.path, 'workspace');
    fs.mkdirSync(workspace);
    // What the start script does: copy the seed and commit it on main.
    fs.cpSync(GITOPS_SEED, repo, { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(
      repo,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '-m',
      'seed',
    );
    mainBefore = git(repo, 'rev-parse', 'main');
  });

  const settings = () => settingsFrom({ gitops: { demoRepoPath: repo } });

  async function run(
    action: any,
    input: Record<string, unknown>,
    isDryRun = false,
  ) {
    const ctx = mockContext(workspace, input, { isDryRun });
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('fetches the values files, then commits the change onto a new branch without touching main', async () => {
    const fetched = await run(
      createGitopsLocalFetchAction({ settings: settings() }),
      {},
    );
    expect(fetched.ref).toBe('main');
    expect(fetched.commit).toBe(mainBefore);
    expect(listFiles(workspace)).toEqual(
      listFiles(path.join(GITOPS_SEED, 'charts/app-of-apps')).map(
        f => `charts/app-of-apps/${f}`,
      ),
    );

    await run(createClusterValuesAction({ settings: settings() }), {
      cluster: 'dev-02',
      environment: 'dev',
      server: 'https://dev-02-k8s.endpoint.kubernetes',
    });
    fs.mkdirSync(path.join(workspace, 'clusters/dev-02'), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, 'clusters/dev-02/catalog-info.yaml'),
      'kind: Resource\n',
    );

    const pr = await run(createGitopsLocalPrAction({ settings: settings() }), {
      branchName: 'onboard/dev-02',
      title: 'Onboard cluster dev-02',
      description: 'Values file and catalog entity',
    });
    expect(pr.branch).toBe('onboard/dev-02');
    expect(pr.baseBranch).toBe('main');
    expect(pr.remoteUrl).toBe(`file://${repo}`);
    expect(pr.changedFiles).toEqual([
      'charts/app-of-apps/values.dev-02.yaml',
      'clusters/dev-02/catalog-info.yaml',
    ]);
    expect(git(repo, 'rev-parse', 'onboard/dev-02')).toBe(pr.commit);
    expect(git(repo, 'rev-parse', `${pr.commit}^`)).toBe(mainBefore);
    expect(git(repo, 'log', '-1', '--format=%s', pr.commit)).toBe(
      'Onboard cluster dev-02',
    );
    expect(
      git(repo, 'show', `${pr.commit}:charts/app-of-apps/values.dev-02.yaml`),
    ).toBe(
      fs
        .readFileSync(
          path.join(workspace, 'charts/app-of-apps/values.dev-02.yaml'),
          'utf8',
        )
        .trim(),
    );
    // Files that were not in the workspace are still in the branch.
    expect(
      git(repo, 'show', `${pr.commit}:charts/app-of-apps/Chart.yaml`),
    ).toContain('name: app-of-apps');
    expect(git(repo, 'show', `${pr.commit}:README.md`)).toContain(
      'Demo GitOps repository',
    );
    // main, its work tree and its index are untouched.
    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
    expect(git(repo, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(
      fs.existsSync(path.join(repo, 'charts/app-of-apps/values.dev-02.yaml')),
    ).toBe(false);
  });

  it('dry run: reports the files, creates no branch', async () => {
    fs.mkdirSync(path.join(workspace, 'x'));
    fs.writeFileSync(path.join(workspace, 'x/a.yaml'), 'a: 1\n');
    const pr = await run(
      createGitopsLocalPrAction({ settings: settings() }),
      { branchName: 'onboard/dry', title: 't' },
      true,
    );
    expect(pr).toMatchObject({
      branch: 'onboard/dry',
      commit: 'dry-run',
      changedFiles: ['x/a.yaml'],
    });
    expect(git(repo, 'branch', '--list', 'onboard/dry')).toBe('');
  });

  it.each([
    [
      'existing branch',
      { branchName: 'main2', title: 't' },
      /branchName: main2 already exists/,
      true,
    ],
    [
      'invalid branch name',
      { branchName: 'bad..name', title: 't' },
      /branchName: "bad\.\.name" is not a valid branch name/,
      false,
    ],
    [
      'base branch as target',
      { branchName: 'main', title: 't' },
      /branchName: main already exists|branchName: must differ/,
      false,
    ],
    [
      'unknown base branch',
      { branchName: 'x', title: 't', baseBranch: 'nope' },
      /baseBranch: nope does not exist/,
      false,
    ],
    [
      'no change',
      { branchName: 'empty', title: 't' },
      /sourcePath: the workspace holds no change/,
      false,
    ],
  ])('refuses: %s', async (_t, input, message, createMain2) => {
    if (createMain2) git(repo, 'branch', 'main2');
    const branchesBefore = git(repo, 'branch', '--list');
    const ctx = mockContext(workspace, input);
    await expect(
      createGitopsLocalPrAction({ settings: settings() }).handler(ctx as any),
    ).rejects.toThrow(message);
    expect(git(repo, 'branch', '--list')).toBe(branchesBefore);
    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
  });

  it('needs the demo repository to be configured', async () => {
    const ctx = mockContext(workspace, { branchName: 'x', title: 't' });
    await expect(
      createGitopsLocalPrAction({ settings: settingsFrom({}) }).handler(
        ctx as any,
      ),
    ).rejects.toThrow(/observability\.gitops\.demoRepoPath: not configured/);
    const fetchCtx = mockContext(workspace, {});
    await expect(
      createGitopsLocalFetchAction({
        settings: settingsFrom({
          gitops: { demoRepoPath: path.join(mockDir.path, 'missing') },
        }),
      }).handler(fetchCtx as any),
    ).rejects.toThrow(
      /observability\.gitops\.demoRepoPath: .* is not a git repository/,
    );
  });

  it('local-fetch refuses paths outside the repository and unknown refs', async () => {
    const action = createGitopsLocalFetchAction({ settings: settings() });
    await expect(
      action.handler(mockContext(workspace, { paths: ['../x'] }) as any),
    ).rejects.toThrow(/paths\.0/);
    await expect(
      action.handler(mockContext(workspace, { ref: 'nope' }) as any),
    ).rejects.toThrow(/ref: nope does not exist/);
    expect(listFiles(workspace)).toEqual([]);
  });
});
