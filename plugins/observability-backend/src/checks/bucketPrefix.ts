import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { unknownForAll } from './perCluster';
import { assertLabelName, promString, vectorOf } from './promql';
import { checkResult } from './result';
import { DEFAULT_JOBS, jobMatcher } from './selectors';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

/** Thanos' objstore metrics carry the bucket's name as the label `bucket`. */
export const BUCKET_LABEL = 'bucket';

/** The buckets the sidecars of each cluster write to: one series per (cluster, bucket). */
export function bucketQuery(
  labels: CheckLabels,
  jobRegex = DEFAULT_JOBS.sidecar,
): string {
  const c = assertLabelName(labels.cluster);
  return `count by (${c}, ${BUCKET_LABEL}) (thanos_objstore_bucket_operations_total${jobMatcher(
    jobRegex,
  )})`;
}

/** The configured bucket of a cluster: `thanos-{cluster}` → `thanos-dev-01`. */
export function expectedBucket(
  template: string,
  cluster: FleetClusterRef,
): string {
  return template
    .split('{cluster}')
    .join(cluster.name)
    .split('{environment}')
    .join(cluster.environment);
}

/**
 * Per cluster (10.11 "blocks appear in the correct bucket prefix"): the bucket its
 * sidecars write to is the one configured for it, and no other cluster writes there
 * (§0.2: one bucket per cluster; §8: a bucket outage hits "that cluster only").
 */
export function evaluateBucketPrefix(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  template: string,
  jobRegex = DEFAULT_JOBS.sidecar,
): Record<string, CheckResult> {
  const query = bucketQuery(ctx.labels, jobRegex);
  const fail = (error: string) =>
    unknownForAll('bucket-prefix', clusters, ctx, {
      source: 'thanos',
      query,
      error,
    });
  if (!answer.ok) return fail(answer.error);
  let samples;
  try {
    samples = vectorOf(answer.value);
  } catch (error) {
    return fail(`unexpected answer: ${(error as Error).message}`);
  }
  const label = ctx.labels.cluster;
  const bucketsOf = new Map<string, Set<string>>();
  const writersOf = new Map<string, Set<string>>();
  for (const { metric } of samples) {
    const cluster = metric[label];
    const bucket = metric[BUCKET_LABEL];
    if (!cluster || !bucket) continue;
    bucketsOf.set(cluster, (bucketsOf.get(cluster) ?? new Set()).add(bucket));
    writersOf.set(bucket, (writersOf.get(bucket) ?? new Set()).add(cluster));
  }
  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const expected = expectedBucket(template, cluster);
    const seen = [...(bucketsOf.get(cluster.name) ?? [])].sort();
    const wrong = seen.filter(b => b !== expected);
    const sharedWith = [...(writersOf.get(expected) ?? [])]
      .filter(c => c !== cluster.name)
      .sort();
    const values = {
      expected_bucket: expected,
      sidecar_buckets: seen.join(', '),
      shared_with: sharedWith.join(', '),
    };
    const links = ctx.links.grafanaExplore(
      'Buckets of the sidecars in Grafana',
      `count by (${label}, ${BUCKET_LABEL}) (thanos_objstore_bucket_operations_total{${label}=${promString(
        cluster.name,
      )}, job=~${promString(jobRegex)}})`,
    );
    const result = (status: CheckResult['status'], summary: string) =>
      checkResult('bucket-prefix', ctx, {
        status,
        summary,
        evidence: { source: 'thanos', query, values },
        links,
      });
    if (seen.length === 0) {
      out[cluster.name] = result(
        'warn',
        `No objstore metrics of the cluster's sidecars: which bucket its blocks go to is not known (expected ${expected})`,
      );
    } else if (wrong.length > 0) {
      out[cluster.name] = result(
        'critical',
        `The sidecars write to ${wrong.join(
          ', ',
        )}, not to the cluster's bucket ${expected}`,
      );
    } else if (sharedWith.length > 0) {
      out[cluster.name] = result(
        'warn',
        `The cluster's bucket ${expected} is also written by ${sharedWith.join(
          ', ',
        )}: one bucket per cluster`,
      );
    } else {
      out[cluster.name] = result(
        'ok',
        `The sidecars write to the cluster's bucket ${expected}`,
      );
    }
  }
  return out;
}

/** Blocks go to the cluster's own bucket (`bucket-prefix`). */
export const bucketPrefixCheck = defineCheck({
  id: 'bucket-prefix',
  title: "Blocks in the cluster's bucket",
  seed: '§0.2 per-cluster buckets; §4.2 blocks in that cluster’s bucket; 10.4; 10.11 Thanos sidecar',
  failureMode:
    "The sidecars ship blocks to another bucket than the cluster's (a per-environment default, a copied values file): its compactor and store gateway never see them, or another cluster's compactor does.",
  mitigation:
    "Set observability.thanos.objstore.bucket in the cluster's values file to its own bucket (one bucket per cluster) and roll the sidecars; move the blocks already shipped with `thanos tools bucket`.",
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    buckets: upstreamRequest('thanos', 'bucket-prefix', (thanos, env) =>
      thanos.query(bucketQuery(env.ctx.labels, env.jobs.sidecar), {
        time: env.ctx.now,
        dedup: false,
      }),
    ),
  },
  evaluate: ({ buckets }, { clusters, ctx, jobs, clusterBucket }) => [
    {
      signal: 'metrics',
      results: evaluateBucketPrefix(
        buckets,
        clusters,
        ctx,
        clusterBucket,
        jobs.sidecar,
      ),
    },
  ],
});
