import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { gitopsRepository } from '@fleetobs/plugin-observability-common';
import { parse } from 'yaml';
import { ResponseTooLargeError } from '../upstream/readCappedBody';
import type { GitopsOptions } from '../config';

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
  /**
   * Whether `path` exists on the base branch, and its URL (the onboarding checklist
   * asks whether a cluster's secrets were sealed).
   */
  exists(path: string): Promise<{ exists: boolean; url: string }>;
}

/**
 * From config (`observability.gitops`): the repository of `repoUrl`, read at `baseBranch`
 * through the UrlReader (the `integrations` entry of its host), so that open pull requests do
 * not count. Undefined when `repoUrl` is not set.
 */
export function createGitopsValuesSource(options: {
  gitops: GitopsOptions;
  urlReader: UrlReaderService;
  integrations: ScmIntegrationRegistry;
  logger: LoggerService;
}): GitopsValuesSource | undefined {
  const { repoUrl, valuesPath, baseBranch, readTimeoutMs } = options.gitops;
  if (!repoUrl) {
    options.logger.info(
      'No observability.gitops.repoUrl: effective retention is not read from GitOps',
    );
    return undefined;
  }
  const type = options.integrations.byUrl(repoUrl)?.type;
  const repo = gitopsRepository({
    repoUrl,
    baseBranch,
    scm: type === 'gitlab' ? 'gitlab' : 'github',
  });
  const url = (cluster: string) =>
    repo.fileUrl(`${valuesPath}/values.${cluster}.yaml`);
  /** The text of a file on the base branch; undefined when there is none. */
  async function readText(fileUrl: string): Promise<string | undefined> {
    try {
      const response = await options.urlReader.readUrl(fileUrl, {
        signal: AbortSignal.timeout(readTimeoutMs),
      });
      return await readCapped(response, MAX_VALUES_FILE_BYTES);
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') return undefined;
      if (error instanceof ResponseTooLargeError) {
        throw new Error(`${fileUrl}: ${error.message}`);
      }
      throw error;
    }
  }
  return remembered({
    describe: cluster => url(cluster),
    async read(cluster) {
      const text = await readText(url(cluster));
      return text === undefined ? undefined : parse(text);
    },
    async exists(path) {
      const fileUrl = repo.fileUrl(path);
      return { exists: (await readText(fileUrl)) !== undefined, url: fileUrl };
    },
  });
}

// Values files change with merges, not per request: each file is read at most once
// per REMEMBER_MS (a fleet of 400 clusters would otherwise be 400 reads a page view).
const REMEMBER_MS = 30_000;

function remembered(source: GitopsValuesSource): GitopsValuesSource {
  const reads = new Map<string, { at: number; value: Promise<any> }>();
  function once<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = reads.get(key);
    if (hit && Date.now() - hit.at < REMEMBER_MS) {
      return hit.value;
    }
    const value = read();
    reads.set(key, { at: Date.now(), value });
    // A failed read is not remembered.
    value.catch(() => reads.delete(key));
    return value;
  }
  return {
    describe: source.describe,
    read: cluster => once(`values:${cluster}`, () => source.read(cluster)),
    exists: path => once(`exists:${path}`, () => source.exists(path)),
  };
}
