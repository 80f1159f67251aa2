import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { perClusterFromPromQL } from './perCluster';
import { assertLabelName, measuresQuery, promString } from './promql';
import { formatDuration, round } from './result';
import { DEFAULT_JOBS, jobMatcher } from './selectors';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

/** Sidecars, sidecars up, oldest last upload, failures and uploads, by cluster. */
export function sidecarShippingQuery(
  labels: CheckLabels,
  jobRegex = DEFAULT_JOBS.sidecar,
): string {
  const c = assertLabelName(labels.cluster);
  const job = jobMatcher(jobRegex);
  return measuresQuery({
    sidecars: `count by (${c}) (up${job})`,
    sidecars_up: `sum by (${c}) (up${job})`,
    upload_age_seconds: `max by (${c}) (time() - thanos_objstore_bucket_last_successful_upload_time${job})`,
    upload_failures_1h: `sum by (${c}) (increase(thanos_shipper_upload_failures_total${job}[1h]))`,
    uploads_6h: `sum by (${c}) (increase(thanos_shipper_uploads_total${job}[6h]))`,
  });
}

export function evaluateSidecarShipping(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  jobRegex = DEFAULT_JOBS.sidecar,
): Record<string, CheckResult> {
  const query = sidecarShippingQuery(ctx.labels, jobRegex);
  const { shippingWarnSeconds: warnAt, shippingCriticalSeconds: critAt } =
    ctx.thresholds;
  return perClusterFromPromQL(
    'sidecar-shipping',
    answer,
    clusters,
    ctx,
    query,
    values => {
      if (!values) {
        return {
          status: 'critical',
          summary:
            'No Thanos sidecar metrics from the cluster: nothing is shipped',
          values: { sidecars: 0 },
        };
      }
      const sidecars = values.sidecars ?? 0;
      const up = values.sidecars_up ?? 0;
      const age = values.upload_age_seconds;
      const failures = values.upload_failures_1h ?? 0;
      const v = {
        sidecars,
        sidecars_up: up,
        upload_age_seconds: age === undefined ? null : round(age, 0),
        upload_failures_1h: round(failures, 0),
        uploads_6h:
          values.uploads_6h === undefined ? null : round(values.uploads_6h, 0),
        warn_after_seconds: warnAt,
        critical_after_seconds: critAt,
      };
      if (up < 1) {
        return {
          status: 'critical',
          summary: `All ${sidecars} Thanos sidecars are down: no blocks are shipped`,
          values: v,
        };
      }
      if (age !== undefined && age >= critAt) {
        return {
          status: 'critical',
          summary: `Last block upload ${formatDuration(
            age,
          )} ago (critical after ${formatDuration(critAt)})`,
          values: v,
        };
      }
      if (up < sidecars) {
        return {
          status: 'warn',
          summary: `${
            sidecars - up
          } of ${sidecars} Thanos sidecars are down: partial global view`,
          values: v,
        };
      }
      if (age === undefined) {
        return {
          status: 'warn',
          summary: 'Sidecars are up but none has recorded a successful upload',
          values: v,
        };
      }
      if (age >= warnAt) {
        return {
          status: 'warn',
          summary: `Last block upload ${formatDuration(
            age,
          )} ago (warn after ${formatDuration(warnAt)})`,
          values: v,
        };
      }
      if (failures > 0) {
        return {
          status: 'warn',
          summary: `${round(
            failures,
            0,
          )} failed block uploads in the last hour`,
          values: v,
        };
      }
      return {
        status: 'ok',
        summary: `${up} sidecars shipping; last upload ${formatDuration(
          age,
        )} ago`,
        values: v,
      };
    },
    cluster =>
      ctx.links.grafanaExplore(
        'Sidecar uploads in Grafana',
        `time() - thanos_objstore_bucket_last_successful_upload_time{${
          ctx.labels.cluster
        }=${promString(cluster.name)}, job=~${promString(jobRegex)}}`,
      ),
  );
}

/** Thanos sidecar shipping (`sidecar-shipping`). */
export const sidecarShippingCheck = defineCheck({
  id: 'sidecar-shipping',
  title: 'Thanos sidecar shipping',
  seed: '§6 Thanos shipping; §8 Thanos Sidecar outage; 10.11 Thanos sidecar',
  failureMode:
    "Thanos Sidecar outage: fresh data from that replica missing + partial global view; blocks stop appearing in the cluster's bucket prefix.",
  mitigation:
    'Alerts on ship lag; restart the sidecar. thanos_shipper_uploads_total should increase steadily with no persistent failures.',
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    shipping: upstreamRequest('thanos', 'sidecar-shipping', (thanos, env) =>
      thanos.query(sidecarShippingQuery(env.ctx.labels, env.jobs.sidecar), {
        time: env.ctx.now,
        dedup: false,
      }),
    ),
  },
  evaluate: ({ shipping }, { clusters, ctx, jobs }) => [
    {
      signal: 'metrics',
      results: evaluateSidecarShipping(shipping, clusters, ctx, jobs.sidecar),
    },
  ],
});
