import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { perClusterFromPromQL } from './perCluster';
import { assertLabelName, measuresQuery, promString } from './promql';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

/**
 * Distinct Prometheus replicas per cluster that the Global Query sees. Must be sent
 * with `dedup=false`, or Thanos folds the replicas into one.
 */
export function prometheusHaQuery(labels: CheckLabels): string {
  const c = assertLabelName(labels.cluster);
  const r = assertLabelName(labels.replica);
  return measuresQuery({
    replicas: `count by (${c}) (count by (${c}, ${r}) (prometheus_build_info))`,
  });
}

export function evaluatePrometheusHa(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
): Record<string, CheckResult> {
  const query = prometheusHaQuery(ctx.labels);
  const expected = ctx.thresholds.prometheusReplicas;
  return perClusterFromPromQL(
    'prometheus-ha',
    answer,
    clusters,
    ctx,
    query,
    values => {
      const replicas = values?.replicas ?? 0;
      const v = { replicas, expected };
      if (replicas >= expected) {
        return {
          status: 'ok',
          summary: `${replicas} Prometheus replicas report`,
          values: v,
        };
      }
      if (replicas >= 1) {
        return {
          status: 'warn',
          summary: `${replicas} of ${expected} Prometheus replicas report: HA lost, scrape gaps possible`,
          values: v,
        };
      }
      return {
        status: 'critical',
        summary:
          'No Prometheus replica of the cluster reports to the Global Query',
        values: v,
      };
    },
    cluster =>
      ctx.links.grafanaExplore(
        'Prometheus replicas in Grafana',
        `count by (${ctx.labels.replica}) (prometheus_build_info{${
          ctx.labels.cluster
        }=${promString(cluster.name)}})`,
      ),
  );
}

/** Prometheus HA pair (`prometheus-ha`). */
export const prometheusHaCheck = defineCheck({
  id: 'prometheus-ha',
  title: 'Prometheus HA pair',
  seed: '§6 Prometheus HA; §8 single Prometheus replica',
  failureMode:
    'Single Prometheus replica: pod loss causes a minor scrape gap (success criterion: 2 Ready pods per cluster + sidecars running).',
  mitigation:
    'Run 2 replicas + a sidecar per replica (prometheus.replicaCount=2, thanos.enabled=true); check the pods in the monitoring namespace.',
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    replicas: upstreamRequest('thanos', 'prometheus-ha', (thanos, env) =>
      thanos.query(prometheusHaQuery(env.ctx.labels), {
        time: env.ctx.now,
        dedup: false,
      }),
    ),
  },
  evaluate: ({ replicas }, { clusters, ctx }) => [
    {
      signal: 'metrics',
      results: evaluatePrometheusHa(replicas, clusters, ctx),
    },
  ],
});
