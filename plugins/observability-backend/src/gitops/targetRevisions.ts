import type { Answer } from '../checks/types';
import type { GitopsValuesSource } from '../retention/GitopsValuesSource';
import { describeError } from '../upstream/UpstreamError';

/**
 * Values files change with merges, not per refresh: `revision-drift` reads each at
 * most once per this long (400 clusters would otherwise be 400 Git reads a round).
 */
export const TARGET_REVISION_TTL_MS = 5 * 60_000;
/** Reads in flight at once, so a large fleet does not burst the Git host. */
const CONCURRENCY = 8;

/** `source.targetRevision` of a parsed values file; undefined when it has none. */
export function targetRevisionOf(values: unknown): string | undefined {
  return revisionText(child(child(values, 'source'), 'targetRevision'));
}

function child(value: unknown, key: string): unknown {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function revisionText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Sprig's `kebabcase`, as charts/app-of-apps names its Applications. */
export function kebabCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * The revision each Application rendered from a cluster's values file must target,
 * as charts/app-of-apps renders them: `<cluster>-<component>` for every top-level key
 * with `enable: true` at `source.targetRevision`, and `<cluster>-config` at
 * `clusterConfig.targetRevision` (default `HEAD`: those files are not promoted).
 */
export function expectedRevisions(
  cluster: string,
  values: unknown,
): Record<string, string> {
  const out: Record<string, string> = {};
  const revision = targetRevisionOf(values);
  if (!values || typeof values !== 'object') return out;
  for (const [key, component] of Object.entries(values)) {
    if (child(component, 'enable') !== true) continue;
    if (key === 'clusterConfig') {
      out[`${cluster}-config`] =
        revisionText(child(component, 'targetRevision')) ?? 'HEAD';
    } else if (revision) {
      out[`${cluster}-${kebabCase(key)}`] = revision;
    }
  }
  return out;
}

/** What the values file of a cluster says to run; `revision` undefined: no file / key. */
export type TargetRevision = Answer<{
  file: string;
  revision?: string;
  /** By Application name: the revision it must target. */
  expected: Record<string, string>;
}>;

/** Reads the clusters' target revisions through `source`, remembered for a while. */
export function createTargetRevisionReader(
  source: GitopsValuesSource,
  options: { ttlMs?: number; now?: () => number } = {},
) {
  const ttlMs = options.ttlMs ?? TARGET_REVISION_TTL_MS;
  const now = options.now ?? Date.now;
  const memo = new Map<string, { at: number; value: TargetRevision }>();

  async function readOne(cluster: string): Promise<TargetRevision> {
    const hit = memo.get(cluster);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const file = source.describe(cluster);
    let value: TargetRevision;
    try {
      value = {
        ok: true,
        value: await source.read(cluster).then(values => ({
          file,
          revision: targetRevisionOf(values),
          expected: expectedRevisions(cluster, values),
        })),
      };
      memo.set(cluster, { at: now(), value });
    } catch (error) {
      // A failed read is not remembered: the next round asks again.
      value = { ok: false, error: `${file}: ${describeError(error)}` };
    }
    return value;
  }

  return async (clusters: string[]): Promise<Map<string, TargetRevision>> => {
    const out = new Map<string, TargetRevision>();
    const queue = [...clusters];
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
        for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
          out.set(c, await readOne(c));
        }
      }),
    );
    return out;
  };
}
