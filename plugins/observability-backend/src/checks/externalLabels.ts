import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { PromQueryResult } from '../upstream/ThanosClient';
import { unknownForAll } from './perCluster';
import { assertLabelName, promString, sampleNumber, vectorOf } from './promql';
import { checkResult } from './result';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

/** Series per (cluster, environment) label pair as the Global Query sees them. */
export function externalLabelsQuery(labels: CheckLabels): string {
  const c = assertLabelName(labels.cluster);
  const e = assertLabelName(labels.environment);
  return `count by (${c}, ${e}) (up)`;
}

export function evaluateExternalLabels(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
): Record<string, CheckResult> {
  const query = externalLabelsQuery(ctx.labels);
  const { cluster: cl, environment: el } = ctx.labels;
  if (!answer.ok) {
    return unknownForAll('external-labels', clusters, ctx, {
      source: 'thanos',
      query,
      error: answer.error,
    });
  }
  const seen = new Map<string, Map<string, number>>();
  try {
    for (const sample of vectorOf(answer.value)) {
      const cluster = sample.metric[cl];
      if (!cluster) continue;
      const envs = seen.get(cluster) ?? new Map<string, number>();
      const env = sample.metric[el] ?? '';
      envs.set(env, (envs.get(env) ?? 0) + sampleNumber(sample.value[1]));
      seen.set(cluster, envs);
    }
  } catch (error) {
    return unknownForAll('external-labels', clusters, ctx, {
      source: 'thanos',
      query,
      error: `unexpected answer: ${(error as Error).message}`,
    });
  }

  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const envs = seen.get(cluster.name);
    const links = ctx.links.grafanaExplore(
      'External labels in Grafana',
      `count by (${el}) (up{${cl}=${promString(cluster.name)}})`,
    );
    const result = (
      status: CheckResult['status'],
      summary: string,
      values: Record<string, number | string>,
    ) =>
      checkResult('external-labels', ctx, {
        status,
        summary,
        evidence: { source: 'thanos', query, values },
        links,
      });
    if (!envs) {
      out[cluster.name] = result(
        'critical',
        `No series carry ${cl}="${cluster.name}": the external label is missing or the cluster does not reach the Global Query`,
        { series: 0, expected_environment: cluster.environment },
      );
      continue;
    }
    const labelled = [...envs.entries()].filter(([env]) => env !== '');
    const unlabelled = envs.get('') ?? 0;
    const total = [...envs.values()].reduce((a, b) => a + b, 0);
    const values = {
      series: total,
      series_without_environment: unlabelled,
      environments: labelled.map(([env]) => env).join(',') || '',
      expected_environment: cluster.environment,
    };
    const knownEnv = cluster.environment && cluster.environment !== 'unknown';
    if (labelled.length === 0) {
      out[cluster.name] = result(
        'critical',
        `Series of ${cluster.name} carry no ${el} label`,
        values,
      );
    } else if (
      knownEnv &&
      labelled.some(([env]) => env !== cluster.environment)
    ) {
      out[cluster.name] = result(
        'warn',
        `${el} is "${values.environments}" but the cluster is registered as "${cluster.environment}"`,
        values,
      );
    } else if (labelled.length > 1) {
      out[cluster.name] = result(
        'warn',
        `Inconsistent ${el} labels: ${values.environments}`,
        values,
      );
    } else if (unlabelled > 0) {
      out[cluster.name] = result(
        'warn',
        `${unlabelled} of ${total} series of ${cluster.name} lack the ${el} label`,
        values,
      );
    } else {
      out[cluster.name] = result(
        'ok',
        `${cl}="${cluster.name}" and ${el}="${labelled[0][0]}" present on ${total} series`,
        values,
      );
    }
  }
  return out;
}

/** External labels (`external-labels`). */
export const externalLabelsCheck = defineCheck({
  id: 'external-labels',
  title: 'External labels',
  seed: '10.11 External labels; 10.1 Consistent cluster & environment labeling',
  failureMode:
    'cluster & environment external labels missing or inconsistent: series cannot be attributed to the cluster and routing by environment breaks.',
  mitigation:
    "Set prometheus.externalLabels cluster and environment in the cluster's values file, aligned with the sibling values files (10.1).",
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    external: upstreamRequest('thanos', 'external-labels', (thanos, env) =>
      thanos.query(externalLabelsQuery(env.ctx.labels), { time: env.ctx.now }),
    ),
  },
  evaluate: ({ external }, { clusters, ctx }) => [
    {
      signal: 'metrics',
      results: evaluateExternalLabels(external, clusters, ctx),
    },
  ],
});
