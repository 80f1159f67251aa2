import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { workspaceFile } from '../lib/files';
import {
  checkBranchName,
  defaultBranch,
  git,
  resolveDemoRepo,
} from '../lib/git';
import { ObsSettings } from '../lib/settings';
import { Zod, parseInput, zod } from '../lib/zod';

const EMPTY_OID = '0000000000000000000000000000000000000000';

const inputSchema = (z: Zod) =>
  z.object({
    branchName: z
      .string()
      .min(1)
      .max(200)
      .describe('New branch to create (must not exist)'),
    title: z.string().min(1).max(200).describe('Commit (and PR) title'),
    description: z
      .string()
      .max(20000)
      .optional()
      .describe('Commit (and PR) body'),
    sourcePath: z
      .string()
      .default('.')
      .describe(
        'Workspace folder whose files are committed at the repository root',
      ),
    baseBranch: z
      .string()
      .optional()
      .describe('Branch to start from (default: the branch HEAD points to)'),
  });

const outputSchema = (z: Zod) =>
  z.object({
    branch: z.string(),
    commit: z.string(),
    remoteUrl: z.string(),
    baseBranch: z.string(),
    changedFiles: z.array(z.string()),
  });

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name === '.git') continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory())
      out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/**
 * DEMO ONLY — `obs:gitops:local-pr`: the stand-in for `publish:github:pull-request` in the
 * demo. Commits the workspace files onto a new branch of the local demo GitOps repository
 * (config `observability.gitops.demoRepoPath`) with git plumbing and a private index, so the
 * default branch, its work tree and its index are never touched.
 *
 * @public
 */
export function createGitopsLocalPrAction(options: { settings: ObsSettings }) {
  const { settings } = options;
  return createTemplateAction({
    id: 'obs:gitops:local-pr',
    description:
      'DEMO ONLY: commits the workspace onto a new branch of the local demo GitOps repository (observability.gitops.demoRepoPath), never touching its default branch; in production use publish:github:pull-request.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Propose the onboarding of dev-02',
        example: `steps:
  - id: pr
    action: obs:gitops:local-pr
    input:
      branchName: onboard/dev-02
      title: Onboard cluster dev-02
      description: Values file, mTLS material and catalog entity of dev-02`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      const sourceDir = workspaceFile(
        ctx.workspacePath,
        input.sourcePath,
        'sourcePath',
      );
      const repo = await resolveDemoRepo(settings.demoRepoPath);
      const remoteUrl = `file://${repo}`;
      await checkBranchName(repo, input.branchName, 'branchName');
      const base = input.baseBranch ?? (await defaultBranch(repo));
      await checkBranchName(repo, base, 'baseBranch');
      let baseCommit: string;
      try {
        baseCommit = (
          await git(['rev-parse', '--verify', `refs/heads/${base}^{commit}`], {
            cwd: repo,
            timeoutMs: settings.gitTimeoutMs,
          })
        ).trim();
      } catch {
        throw new InputError(`baseBranch: ${base} does not exist`);
      }
      if (input.branchName === base) {
        throw new InputError(
          `branchName: must differ from the base branch ${base}`,
        );
      }
      const exists = await git(
        ['rev-parse', '--verify', '--quiet', `refs/heads/${input.branchName}`],
        { cwd: repo, timeoutMs: settings.gitTimeoutMs },
      ).then(
        () => true,
        () => false,
      );
      if (exists) {
        throw new InputError(
          `branchName: ${input.branchName} already exists in the demo repository`,
        );
      }

      if (ctx.isDryRun) {
        const files = await listFiles(sourceDir);
        ctx.logger.info(
          `Dry run: would commit ${files.length} file(s) onto ${input.branchName} from ${base}`,
        );
        ctx.output('branch', input.branchName);
        ctx.output('commit', 'dry-run');
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('baseBranch', base);
        ctx.output('changedFiles', files);
        return;
      }

      // A private index outside the workspace (it must not be committed itself).
      const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'obs-local-pr-'));
      try {
        const gitDir = path.join(repo, '.git');
        const user = ctx.user?.entity?.spec?.profile;
        const env = {
          GIT_INDEX_FILE: path.join(tmp, 'index'),
          GIT_AUTHOR_NAME: user?.displayName ?? 'Backstage Scaffolder',
          GIT_AUTHOR_EMAIL: user?.email ?? 'scaffolder@fleetobs.local',
          GIT_COMMITTER_NAME: 'Backstage Scaffolder',
          GIT_COMMITTER_EMAIL: 'scaffolder@fleetobs.local',
        };
        const plumbing = (args: string[], cwd = repo) =>
          git(['--git-dir', gitDir, '--work-tree', sourceDir, ...args], {
            cwd,
            env,
            timeoutMs: settings.gitTimeoutMs,
          });

        await plumbing(['read-tree', baseCommit]);
        await plumbing(['add', '--ignore-removal', '--', '.'], sourceDir);
        const tree = (await plumbing(['write-tree'])).trim();
        const baseTree = (
          await git(['rev-parse', `${baseCommit}^{tree}`], {
            cwd: repo,
            timeoutMs: settings.gitTimeoutMs,
          })
        ).trim();
        if (tree === baseTree) {
          throw new InputError(
            `sourcePath: the workspace holds no change against ${base}; nothing to propose`,
          );
        }
        const message = [
          input.title,
          input.description ?? '',
          `Created by Backstage scaffolder task ${ctx.task.id}`,
        ]
          .filter(Boolean)
          .join('\n\n');
        const commit = (
          await git(['commit-tree', tree, '-p', baseCommit, '-F', '-'], {
            cwd: repo,
            timeoutMs: settings.gitTimeoutMs,
            env,
            input: message,
          })
        ).trim();
        await git(
          ['update-ref', `refs/heads/${input.branchName}`, commit, EMPTY_OID],
          {
            cwd: repo,
            timeoutMs: settings.gitTimeoutMs,
          },
        );
        const changed = (
          await git(
            [
              'diff-tree',
              '-r',
              '--name-only',
              '--no-commit-id',
              baseCommit,
              commit,
            ],
            {
              cwd: repo,
              timeoutMs: settings.gitTimeoutMs,
            },
          )
        )
          .split('\n')
          .filter(Boolean);
        ctx.logger.info(
          `Created branch ${input.branchName} (${commit.slice(
            0,
            12,
          )}) from ${base} in ${remoteUrl}: ${changed.length} file(s) changed`,
        );
        ctx.output('branch', input.branchName);
        ctx.output('commit', commit);
        ctx.output('remoteUrl', remoteUrl);
        ctx.output('baseBranch', base);
        ctx.output('changedFiles', changed);
      } finally {
        await fs.rm(tmp, { recursive: true, force: true });
      }
    },
  });
}
