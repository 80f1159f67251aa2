import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { perClusterFromPromQL } from './perCluster';
import { assertLabelName, measuresQuery, promString } from './promql';
import { round } from './result';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

/** Window of the failure share: long enough for the sidecars' and gateways' syncs. */
export const OBJSTORE_WINDOW = '15m';

/** Failed and all bucket operations of every Thanos component, by cluster. */
export function objectStorageQuery(labels: CheckLabels): string {
  const c = assertLabelName(labels.cluster);
  return measuresQuery({
    failures_15m: `sum by (${c}) (increase(thanos_objstore_bucket_operation_failures_total[${OBJSTORE_WINDOW}]))`,
    operations_15m: `sum by (${c}) (increase(thanos_objstore_bucket_operations_total[${OBJSTORE_WINDOW}]))`,
  });
}

/** Per cluster: the share of its bucket operations that failed (seed §8). */
export function evaluateObjectStorage(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
): Record<string, CheckResult> {
  const query = objectStorageQuery(ctx.labels);
  const {
    objstoreFailureWarnPercent: warnAt,
    objstoreFailureCriticalPercent: critAt,
  } = ctx.thresholds;
  return perClusterFromPromQL(
    'object-storage',
    answer,
    clusters,
    ctx,
    query,
    values => {
      if (!values) {
        return {
          status: 'warn',
          summary:
            'No object storage metrics from the cluster: its bucket cannot be judged',
          values: { operations_15m: null, failures_15m: null },
        };
      }
      const failures = Math.max(0, values.failures_15m ?? 0);
      const operations = Math.max(failures, values.operations_15m ?? 0);
      const percent = operations > 0 ? (failures / operations) * 100 : 0;
      const v = {
        failures_15m: round(failures, 0),
        operations_15m: round(operations, 0),
        failed_percent: round(percent, 1),
        warn_at_percent: warnAt,
        critical_at_percent: critAt,
      };
      const what = `${v.failures_15m} of ${v.operations_15m} bucket operations failed in ${OBJSTORE_WINDOW}`;
      if (failures > 0 && percent >= critAt) {
        return {
          status: 'critical',
          summary: `Object storage outage: ${what}`,
          values: v,
        };
      }
      if (failures > 0 && percent >= warnAt) {
        return { status: 'warn', summary: what, values: v };
      }
      return {
        status: 'ok',
        summary:
          failures > 0
            ? `${what} (under ${warnAt}%: retried)`
            : `No failed bucket operations in ${OBJSTORE_WINDOW} (${v.operations_15m} operations)`,
        values: v,
      };
    },
    cluster =>
      ctx.links.grafanaExplore(
        'Failed bucket operations in Grafana',
        `sum by (job, operation) (rate(thanos_objstore_bucket_operation_failures_total{${
          ctx.labels.cluster
        }=${promString(cluster.name)}}[5m]))`,
      ),
  );
}

/** Per-cluster object storage outage (`object-storage`). */
export const objectStorageCheck = defineCheck({
  id: 'object-storage',
  title: 'Object storage',
  seed: '§8 Per-cluster object storage outage; 10.4; 10.10',
  failureMode:
    'Per-cluster object storage outage: no new block uploads + historical data unavailable for that cluster (its sidecars, compactor and store gateway fail their bucket operations).',
  mitigation:
    'Local Prometheus hot data is still queryable; retry after restore. Check the bucket, its credentials (service account) and the cloud provider status.',
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    operations: upstreamRequest('thanos', 'object-storage', (thanos, env) =>
      // Every replica's sidecar does its own bucket operations: count them all.
      thanos.query(objectStorageQuery(env.ctx.labels), {
        time: env.ctx.now,
        dedup: false,
      }),
    ),
  },
  evaluate: ({ operations }, { clusters, ctx }) => [
    {
      signal: 'metrics',
      results: evaluateObjectStorage(operations, clusters, ctx),
    },
  ],
});
