import {
  CheckId,
  CheckResult,
  DeepLink,
  HealthStatus,
} from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { valuesByCluster } from './promql';
import { checkResult, unknownResult } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

/** What a per-cluster judge decides from the values of one cluster. */
export interface Verdict {
  status: HealthStatus;
  summary: string;
  values?: Record<string, number | string | boolean | null>;
}

/**
 * Runs `judge` for every cluster over one Thanos answer. `values` is undefined when the
 * cluster is missing from the answer; the judge decides what that means (never `ok`).
 */
export function perClusterFromPromQL(
  id: CheckId,
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  query: string,
  judge: (
    values: Record<string, number> | undefined,
    cluster: FleetClusterRef,
  ) => Verdict,
  links?: (cluster: FleetClusterRef) => DeepLink[],
): Record<string, CheckResult> {
  const out: Record<string, CheckResult> = {};
  if (!answer.ok) {
    for (const cluster of clusters) {
      out[cluster.name] = unknownResult(id, ctx, {
        source: 'thanos',
        query,
        error: answer.error,
        links: links?.(cluster),
      });
    }
    return out;
  }
  let byCluster: Map<string, Record<string, number>>;
  try {
    byCluster = valuesByCluster(answer.value, ctx.labels.cluster);
  } catch (error) {
    return perClusterFromPromQL(
      id,
      { ok: false, error: `unexpected answer: ${(error as Error).message}` },
      clusters,
      ctx,
      query,
      judge,
      links,
    );
  }
  const warnings = answer.value.warnings?.length
    ? answer.value.warnings.join('; ').slice(0, 300)
    : undefined;
  for (const cluster of clusters) {
    const values = byCluster.get(cluster.name);
    const verdict = judge(values, cluster);
    out[cluster.name] = checkResult(id, ctx, {
      status: verdict.status,
      summary: verdict.summary,
      evidence: {
        source: 'thanos',
        query,
        values: {
          ...(verdict.values ?? roundValues(values)),
          ...(warnings ? { warnings } : {}),
        },
      },
      links: links?.(cluster),
    });
  }
  return out;
}

/** Results for every cluster when the check could not run at all. */
export function unknownForAll(
  id: CheckId,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  fields: { source: string; query?: string; error: string },
): Record<string, CheckResult> {
  return Object.fromEntries(
    clusters.map(c => [c.name, unknownResult(id, ctx, fields)]),
  );
}

function roundValues(
  values: Record<string, number> | undefined,
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(values ?? {})) {
    out[k] = Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null;
  }
  return out;
}
