import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createBareRepoFrom, GithubSimulator, startGithubSimulator } from '..';

/** The seed of the test repository (fleetobs/gitops): path -> content. */
export const SEED: Record<string, string> = {
  'README.md': '# GitOps\n',
  'clusters/dev-01/catalog-info.yaml':
    'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: dev-01\nspec:\n  type: kubernetes-cluster\n',
  'clusters/prod-01/catalog-info.yaml':
    'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: prod-01\nspec:\n  type: kubernetes-cluster\n',
  'clusters/prod-01/notes.txt': 'not a catalog file\n',
  'charts/app-of-apps/values.yaml': 'clusters: []\n',
};

export function writeFiles(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export interface TestHost {
  sim: GithubSimulator;
  bareDir: string;
  token: string;
  /** `host:port` of the integration. */
  host: string;
  /** Runs git in the bare repository and returns trimmed stdout. */
  git(...args: string[]): string;
  /** Every ref with its SHA, one per line (to compare before/after). */
  refs(): string;
  /**
   * Commits `files` (null deletes) on top of `parent` (default: the branch, or main)
   * with plain git plumbing and points refs/heads/`branch` at it; returns the SHA.
   */
  commit(
    branch: string,
    files: Record<string, string | null>,
    parent?: string,
  ): string;
  /** An API request with the token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Backstage config with `integrations.github` for this host (token overridable). */
  config(token?: string): ConfigReader;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh bare repository from SEED, served by the simulator on a free port. */
export async function startTestHost(
  mockDir: ReturnType<typeof createMockDirectory>,
  name = 'host',
): Promise<TestHost> {
  const seedDir = join(mockDir.path, `${name}-seed`);
  const bareDir = join(mockDir.path, `${name}.git`);
  writeFiles(seedDir, SEED);
  await createBareRepoFrom(seedDir, bareDir);
  const token = `test-token-${Math.random().toString(36).slice(2)}`;
  const start = () =>
    startGithubSimulator({
      repoDir: bareDir,
      owner: 'fleetobs',
      repo: 'gitops',
      tokens: [token],
      port: 0,
      host: '127.0.0.1',
    });
  let sim = await start();
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', bareDir, ...args], {
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  const testHost: TestHost = {
    get sim() {
      return sim;
    },
    bareDir,
    token,
    get host() {
      return new URL(sim.url).host;
    },
    git,
    refs: () => git('for-each-ref', '--format=%(refname) %(objectname)'),
    commit: (branch, files, parent) => {
      const base =
        parent ??
        (() => {
          try {
            return git('rev-parse', '--verify', `refs/heads/${branch}`);
          } catch {
            return git('rev-parse', 'refs/heads/main');
          }
        })();
      const env = {
        ...process.env,
        GIT_INDEX_FILE: join(mockDir.path, `${name}-index`),
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
      };
      const run = (args: string[], input?: string) =>
        execFileSync('git', ['--git-dir', bareDir, ...args], {
          env,
          input,
          encoding: 'utf8',
        }).trim();
      run(['read-tree', base]);
      for (const [path, content] of Object.entries(files)) {
        if (content === null) {
          run(['update-index', '--force-remove', '--', path]);
        } else {
          const blob = run(['hash-object', '-w', '--stdin'], content);
          run([
            'update-index',
            '--add',
            '--cacheinfo',
            `100644,${blob},${path}`,
          ]);
        }
      }
      const tree = run(['write-tree']);
      const sha = run([
        'commit-tree',
        tree,
        '-p',
        base,
        '-m',
        `change ${branch}`,
      ]);
      run(['update-ref', `refs/heads/${branch}`, sha]);
      return sha;
    },
    api: (path, init) =>
      fetch(`${sim.apiBaseUrl}${path}`, {
        ...init,
        headers: { authorization: `token ${token}`, ...init?.headers },
      }),
    config: (configToken = token) =>
      new ConfigReader({
        integrations: {
          github: [
            {
              host: new URL(sim.url).host,
              apiBaseUrl: sim.apiBaseUrl,
              token: configToken,
            },
          ],
        },
      }),
    restart: async () => {
      await sim.close();
      sim = await start();
    },
    close: () => sim.close(),
  };
  return testHost;
}
