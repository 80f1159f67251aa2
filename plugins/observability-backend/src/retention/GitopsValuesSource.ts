import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ResponseTooLargeError } from '../upstream/readCappedBody';
import type { GitopsOptions } from '../config';

const exec = promisify(execFile);

/** A values file is a few KiB; anything near this is not one. */
const MAX_VALUES_FILE_BYTES = 4 * 1024 * 1024;

/** The bytes of a read, refused past `max` while they arrive (never buffered whole). */
async function readCapped(
  response: Awaited<ReturnType<UrlReaderService['readUrl']>>,
  max: number,
): Promise<string> {
  if (!response.stream) {
    const buffer = await response.buffer();
    if (buffer.length > max) throw new ResponseTooLargeError(max);
    return buffer.toString('utf8');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.stream()) {
    size += chunk.length;
    if (size > max) throw new ResponseTooLargeError(max);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a cluster's app-of-apps values file from the GitOps repository. */
export interface GitopsValuesSource {
  /** Where the values come from, for "which source each figure came from". */
  describe(cluster: string): string;
  /** The parsed values file; undefined when the cluster has none. */
  read(cluster: string): Promise<unknown | undefined>;
}

/**
 * From config (`observability.gitops`): a repository URL read through the UrlReader
 * (production, e.g. `https://github.com/org/gitops/blob/main`), or the demo's local git
 * repository (`demoRepoPath`, read at its base branch so that open "pull request"
 * branches do not count). Undefined when neither is set.
 */
export function createGitopsValuesSource(options: {
  gitops: GitopsOptions;
  urlReader: UrlReaderService;
  logger: LoggerService;
}): GitopsValuesSource | undefined {
  const { repoUrl, valuesPath, readTimeoutMs: timeoutMs } = options.gitops;
  const file = (cluster: string) => `${valuesPath}/values.${cluster}.yaml`;
  const source = sourceFor();
  return source ? remembered(source) : undefined;

  function sourceFor(): GitopsValuesSource | undefined {
    if (repoUrl) {
      const url = (cluster: string) =>
        `${repoUrl.replace(/\/+$/, '')}/${file(cluster)}`;
      return {
        describe: cluster => url(cluster),
        async read(cluster) {
          try {
            const response = await options.urlReader.readUrl(url(cluster), {
              signal: AbortSignal.timeout(timeoutMs),
            });
            return parse(await readCapped(response, MAX_VALUES_FILE_BYTES));
          } catch (error) {
            if ((error as Error).name === 'NotFoundError') return undefined;
            if (error instanceof ResponseTooLargeError) {
              throw new Error(`${url(cluster)}: ${error.message}`);
            }
            throw error;
          }
        },
      };
    }

    const demoRepo = options.gitops.demoRepoPath;
    if (demoRepo) {
      const repo = path.resolve(demoRepo);
      const branch = options.gitops.baseBranch;
      return {
        describe: cluster => `${repo} (${branch}:${file(cluster)})`,
        async read(cluster) {
          try {
            const { stdout } = await exec(
              'git',
              ['-C', repo, 'show', `${branch}:${file(cluster)}`],
              { maxBuffer: MAX_VALUES_FILE_BYTES, timeout: timeoutMs },
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
}

// Values files change with merges, not per request: each file is read at most once
// per REMEMBER_MS (a fleet of 400 clusters would otherwise be 400 reads a page view).
const REMEMBER_MS = 30_000;

function remembered(source: GitopsValuesSource): GitopsValuesSource {
  const reads = new Map<string, { at: number; value: Promise<unknown> }>();
  return {
    describe: source.describe,
    read(cluster) {
      const hit = reads.get(cluster);
      if (hit && Date.now() - hit.at < REMEMBER_MS) {
        return hit.value;
      }
      const value = source.read(cluster);
      reads.set(cluster, { at: Date.now(), value });
      // A failed read is not remembered.
      value.catch(() => reads.delete(cluster));
      return value;
    },
  };
}
