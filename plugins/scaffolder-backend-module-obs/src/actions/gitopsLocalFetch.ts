import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import path from 'node:path';
import { PlannedFile, workspaceFile, writeFilesAtomically } from '../lib/files';
import { REVISION_PATTERN } from '../lib/naming';
import { defaultBranch, git, gitBuffer, resolveDemoRepo } from '../lib/git';
import { ObsSettings } from '../lib/settings';
import { Zod, parseInput, zod } from '../lib/zod';

const inputSchema = (z: Zod) =>
  z.object({
    paths: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Repository paths to copy (default: the values folder, observability.gitops.valuesPath)',
      ),
    ref: z
      .string()
      .regex(REVISION_PATTERN)
      .optional()
      .describe(
        'Branch, tag or commit to read (default: the branch HEAD points to)',
      ),
    targetPath: z
      .string()
      .default('.')
      .describe(
        'Workspace folder to copy into (repository layout is kept below it)',
      ),
  });

const outputSchema = (z: Zod) =>
  z.object({
    commit: z.string(),
    ref: z.string(),
    files: z.array(z.string()),
  });

/** A repository path: relative, normalized, not escaping the repository. */
function repoPath(p: string, field: string): string {
  const normalized = path.posix
    .normalize(p.replace(/\\/g, '/'))
    .replace(/\/$/, '');
  if (path.posix.isAbsolute(normalized) || normalized.startsWith('..')) {
    throw new InputError(`${field}: must be a path inside the repository`);
  }
  return normalized;
}

/**
 * DEMO ONLY — `obs:gitops:local-fetch`: copies files of the local demo GitOps repository
 * (config `observability.gitops.demoRepoPath`) at a ref into the workspace. In production use
 * `fetch:plain` with the URL of the GitOps repository instead.
 *
 * @public
 */
export function createGitopsLocalFetchAction(options: {
  settings: ObsSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: 'obs:gitops:local-fetch',
    description:
      'DEMO ONLY: copies files of the local demo GitOps repository (observability.gitops.demoRepoPath) at a ref into the workspace; in production use fetch:plain.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Start from the current values files of the main branch',
        example: `steps:
  - id: fetch
    action: obs:gitops:local-fetch
    input:
      paths: [charts/app-of-apps]`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      const paths = (input.paths ?? [settings.valuesPath]).map((p, i) =>
        repoPath(p, `paths.${i}`),
      );
      workspaceFile(ctx.workspacePath, input.targetPath, 'targetPath');
      const repo = await resolveDemoRepo(settings.demoRepoPath);
      const ref = input.ref ?? (await defaultBranch(repo));
      let commit: string;
      try {
        commit = (
          await git(['rev-parse', '--verify', `${ref}^{commit}`], {
            cwd: repo,
            timeoutMs: settings.gitTimeoutMs,
          })
        ).trim();
      } catch {
        throw new InputError(
          `ref: ${ref} does not exist in the demo repository`,
        );
      }
      const listing = await git(
        ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...paths],
        { cwd: repo, timeoutMs: settings.gitTimeoutMs },
      );
      const files: PlannedFile[] = [];
      for (const entry of listing.split('\0').filter(Boolean)) {
        const [meta, filePath] = entry.split('\t');
        const [, type, sha] = meta.split(' ');
        if (type !== 'blob') continue;
        const content = await gitBuffer(['cat-file', 'blob', sha], repo, {
          timeoutMs: settings.gitTimeoutMs,
        });
        files.push({
          path: path.posix.join(input.targetPath, filePath),
          content: content.toString('utf8'),
        });
      }
      if (!files.length) {
        throw new InputError(
          `paths: nothing found at ${paths.join(
            ', ',
          )} in ${ref} of the demo repository`,
        );
      }
      await writeFilesAtomically(ctx.workspacePath, files);
      ctx.logger.info(
        `Copied ${files.length} file(s) of ${ref} (${commit.slice(
          0,
          12,
        )}) from the demo GitOps repository`,
      );
      ctx.output('commit', commit);
      ctx.output('ref', ref);
      ctx.output(
        'files',
        files.map(f => f.path),
      );
    },
  });
}
