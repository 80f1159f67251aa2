import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { perClusterFromPromQL } from './perCluster';
import { assertLabelName, measuresQuery, promString } from './promql';
import { formatDuration, round } from './result';
import { DEFAULT_JOBS, jobMatcher } from './selectors';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

/** Compactor has not uploaded a compacted block for this long: lag (Thanos mixin: 24h). */
export const COMPACTION_LAG_SECONDS = 24 * 3600;

export function compactorQuery(
  labels: CheckLabels,
  jobRegex = DEFAULT_JOBS.compactor,
): string {
  const c = assertLabelName(labels.cluster);
  const job = jobMatcher(jobRegex);
  return measuresQuery({
    compactors: `count by (${c}) (up${job})`,
    compactors_up: `sum by (${c}) (up${job})`,
    halted: `max by (${c}) (thanos_compact_halted${job})`,
    last_upload_age_seconds: `time() - max by (${c}) (max_over_time(thanos_objstore_bucket_last_successful_upload_time${job}[1d]))`,
    todo_compactions: `sum by (${c}) (thanos_compact_todo_compactions${job})`,
  });
}

export function evaluateCompactor(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  jobRegex = DEFAULT_JOBS.compactor,
): Record<string, CheckResult> {
  const query = compactorQuery(ctx.labels, jobRegex);
  return perClusterFromPromQL(
    'compactor',
    answer,
    clusters,
    ctx,
    query,
    values => {
      if (!values || values.compactors === undefined) {
        return {
          status: 'critical',
          summary: 'No Thanos compactor metrics from the cluster',
          values: { compactors: 0 },
        };
      }
      const age = values.last_upload_age_seconds;
      const v = {
        compactors: values.compactors,
        compactors_up: values.compactors_up ?? 0,
        halted: values.halted ?? null,
        last_upload_age_seconds: age === undefined ? null : round(age, 0),
        todo_compactions: values.todo_compactions ?? null,
      };
      if ((values.compactors_up ?? 0) < 1) {
        return {
          status: 'critical',
          summary: 'The Thanos compactor is down: no downsampling or retention',
          values: v,
        };
      }
      if ((values.halted ?? 0) >= 1) {
        return {
          status: 'critical',
          summary: 'The Thanos compactor has halted (thanos_compact_halted=1)',
          values: v,
        };
      }
      if (age === undefined || age > COMPACTION_LAG_SECONDS) {
        return {
          status: 'warn',
          summary:
            age === undefined
              ? 'The compactor has not uploaded a compacted block in the last day'
              : `Compaction lag: last compacted block ${formatDuration(
                  age,
                )} ago`,
          values: v,
        };
      }
      return {
        status: 'ok',
        summary: `Compactor running; last compacted block ${formatDuration(
          age,
        )} ago`,
        values: v,
      };
    },
    cluster =>
      ctx.links.grafanaExplore(
        'Compactor in Grafana',
        `thanos_compact_halted{${ctx.labels.cluster}=${promString(
          cluster.name,
        )}}`,
      ),
  );
}

/** Thanos compactor (`compactor`). */
export const compactorCheck = defineCheck({
  id: 'compactor',
  title: 'Thanos compactor',
  seed: '§8 Per-cluster Compactor outage',
  failureMode:
    'Per-cluster Compactor outage: delayed downsampling / higher bucket usage (that cluster only).',
  mitigation:
    'Alert on compaction lag; restart the compactor (a halted compactor needs its cause fixed, e.g. overlapping blocks, before restarting).',
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    compaction: upstreamRequest('thanos', 'compactor', (thanos, env) =>
      thanos.query(compactorQuery(env.ctx.labels, env.jobs.compactor), {
        time: env.ctx.now,
      }),
    ),
  },
  evaluate: ({ compaction }, { clusters, ctx, jobs }) => [
    {
      signal: 'metrics',
      results: evaluateCompactor(compaction, clusters, ctx, jobs.compactor),
    },
  ],
});
