import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const exec = promisify(execFile);

/** Reads a cluster's app-of-apps values file from the GitOps repository. */
export interface GitopsValuesSource {
  /** Where the values come from, for "which source each figure came from". */
  describe(cluster: string): string;
  /** The parsed values file; undefined when the cluster has none. */
  read(cluster: string): Promise<unknown | undefined>;
}

/**
 * From config: a repository URL read through the UrlReader (production, e.g.
 * `https://github.com/org/gitops/blob/main`), or the demo's local git repository
 * (`observability.gitops.demoRepoPath`, read at its base branch so that open
 * "pull request" branches do not count). Undefined when neither is set.
 */
export function createGitopsValuesSource(options: {
  config: Config;
  urlReader: UrlReaderService;
  logger: LoggerService;
}): GitopsValuesSource | undefined {
  const gitops = options.config.getOptionalConfig('observability.gitops');
  const valuesPath =
    gitops?.getOptionalString('valuesPath') ?? 'charts/app-of-apps';
  const file = (cluster: string) => `${valuesPath}/values.${cluster}.yaml`;

  const repoUrl = gitops?.getOptionalString('repoUrl');
  if (repoUrl) {
    const url = (cluster: string) =>
      `${repoUrl.replace(/\/+$/, '')}/${file(cluster)}`;
    return {
      describe: cluster => url(cluster),
      async read(cluster) {
        try {
          const response = await options.urlReader.readUrl(url(cluster));
          return parse((await response.buffer()).toString('utf8'));
        } catch (error) {
          if ((error as Error).name === 'NotFoundError') return undefined;
          throw error;
        }
      },
    };
  }

  const demoRepo = gitops?.getOptionalString('demoRepoPath');
  if (demoRepo) {
    const repo = path.resolve(demoRepo);
    const branch = gitops?.getOptionalString('baseBranch') ?? 'main';
    return {
      describe: cluster => `${repo} (${branch}:${file(cluster)})`,
      async read(cluster) {
        try {
          const { stdout } = await exec(
            'git',
            ['-C', repo, 'show', `${branch}:${file(cluster)}`],
            {
              maxBuffer: 4 * 1024 * 1024,
            },
          );
          return parse(stdout);
        } catch (error) {
          if (
            /does not exist|exists on disk, but not in/.test(
              String((error as any).stderr),
            )
          ) {
            return undefined;
          }
          throw new Error(
            `Could not read ${file(cluster)} from ${repo}: ${
              (error as any).stderr || error
            }`,
          );
        }
      },
    };
  }
  options.logger.info(
    'No observability.gitops.repoUrl or demoRepoPath: effective retention is not read from GitOps',
  );
  return undefined;
}
