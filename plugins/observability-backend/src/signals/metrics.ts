import {
  ClusterSeries,
  DeepLink,
  grafanaDashboardUrl,
  grafanaExploreUrl,
  MetricsSignal,
  RED_METRIC_NAMES,
  RedMetric,
  RedMetricName,
  SignalsTarget,
} from '@fleetobs/plugin-observability-common';
import { promRegexLiteral, promString, sampleNumber } from '../checks/promql';
import { ThanosClient } from '../upstream/ThanosClient';
import { describeError } from '../upstream/UpstreamError';
import { SignalsConfig } from '../config';
import { SignalsRange } from './range';

const UNITS: Record<RedMetricName, RedMetric['unit']> = {
  rate: 'req/s',
  errorRatio: 'ratio',
  p99: 's',
};

const TITLES: Record<RedMetricName, string> = {
  rate: 'Request rate',
  errorRatio: 'Error ratio',
  p99: 'p99 latency',
};

/**
 * The label matchers of the service (and its clusters), every value escaped as a
 * PromQL string: what `$selector` becomes in the templates.
 */
export function serviceSelector(
  target: SignalsTarget,
  labels: { service: string; cluster: string },
): string {
  const matchers = [`${labels.service}=${promString(target.service)}`];
  if (target.clusters && target.clusters.length > 0) {
    matchers.push(
      `${labels.cluster}=~${promString(
        target.clusters.map(promRegexLiteral).join('|'),
      )}`,
    );
  }
  return matchers.join(', ');
}

/** A RED template with `$selector`, `$cluster` and `$window` filled in. */
export function renderTemplate(
  template: string,
  values: { selector: string; cluster: string; window: string },
): string {
  // One pass, so that a value containing `$window` is never expanded again.
  return template.replace(
    /\$(selector|cluster|window)\b/g,
    (_, name: keyof typeof values) => values[name],
  );
}

/** The rate window for a step: at least 2 minutes, at least two steps. */
export function rateWindow(stepSeconds: number): string {
  return `${Math.max(120, stepSeconds * 2)}s`;
}

export function redQueries(
  target: SignalsTarget,
  config: SignalsConfig,
  stepSeconds: number,
): Record<RedMetricName, string> {
  const values = {
    selector: serviceSelector(target, {
      service: config.metrics.serviceLabel,
      cluster: config.clusterLabel,
    }),
    cluster: config.clusterLabel,
    window: rateWindow(stepSeconds),
  };
  return {
    rate: renderTemplate(config.metrics.templates.rate, values),
    errorRatio: renderTemplate(config.metrics.templates.errorRatio, values),
    p99: renderTemplate(config.metrics.templates.p99, values),
  };
}

function metricsLinks(
  target: SignalsTarget,
  config: SignalsConfig,
  range: SignalsRange,
  queries: Record<RedMetricName, string>,
): { part: DeepLink[]; perMetric: Partial<Record<RedMetricName, DeepLink>> } {
  const { grafanaUrl, grafanaDatasource } = config.ui;
  if (!grafanaUrl) return { part: [], perMetric: {} };
  const linkRange = { from: range.from, to: range.to };
  const perMetric: Partial<Record<RedMetricName, DeepLink>> = {};
  for (const name of RED_METRIC_NAMES) {
    perMetric[name] = {
      title: `${TITLES[name]} in Grafana Explore`,
      url: grafanaExploreUrl({
        baseUrl: grafanaUrl,
        expr: queries[name],
        range: linkRange,
        datasourceUid: grafanaDatasource,
      }),
    };
  }
  const part: DeepLink[] = [];
  if (config.metrics.grafanaDashboardUid) {
    part.push({
      title: 'Service dashboard in Grafana',
      url: grafanaDashboardUrl({
        baseUrl: grafanaUrl,
        uid: config.metrics.grafanaDashboardUid,
        range: linkRange,
        variables: {
          service: target.service,
          ...(target.clusters ? { cluster: target.clusters } : {}),
        },
      }),
    });
  }
  part.push({ title: 'Open in Grafana', url: perMetric.errorRatio!.url });
  return { part, perMetric };
}

function toSeries(
  result: Awaited<ReturnType<ThanosClient['queryRange']>>,
  clusterLabel: string,
): ClusterSeries[] {
  if (result.resultType !== 'matrix') {
    throw new Error(`expected a matrix, got ${result.resultType}`);
  }
  const out: ClusterSeries[] = [];
  for (const series of result.result) {
    const points: Array<[number, number]> = [];
    for (const [t, v] of series.values) {
      const value = sampleNumber(v);
      // NaN (0/0 of an idle service) and infinities do not chart.
      if (Number.isFinite(value)) points.push([Math.round(t * 1000), value]);
    }
    out.push({ cluster: series.metric[clusterLabel] ?? 'unknown', points });
  }
  return out.sort((a, b) => a.cluster.localeCompare(b.cluster));
}

/** RED metrics of the service: one range query per measure, all clusters at once. */
export async function fetchMetrics(
  thanos: ThanosClient | undefined,
  target: SignalsTarget,
  config: SignalsConfig,
  range: SignalsRange,
): Promise<MetricsSignal> {
  const queries = redQueries(target, config, range.stepSeconds);
  const links = metricsLinks(target, config, range, queries);
  const empty = (): Record<RedMetricName, RedMetric> => {
    const out = {} as Record<RedMetricName, RedMetric>;
    for (const name of RED_METRIC_NAMES) {
      out[name] = { query: queries[name], unit: UNITS[name], series: [] };
      if (links.perMetric[name]) out[name].link = links.perMetric[name];
    }
    return out;
  };

  if (!thanos) {
    return {
      status: 'unknown',
      error: 'Thanos is not configured (observability.thanos.url)',
      links: links.part,
      stepSeconds: range.stepSeconds,
      metrics: empty(),
    };
  }
  const settled = await Promise.allSettled(
    RED_METRIC_NAMES.map(name =>
      thanos.queryRange(queries[name], {
        start: range.from,
        end: range.to,
        stepSeconds: range.stepSeconds,
      }),
    ),
  );
  const metrics = empty();
  const errors: string[] = [];
  RED_METRIC_NAMES.forEach((name, i) => {
    const answer = settled[i];
    try {
      if (answer.status === 'rejected') throw answer.reason;
      metrics[name].series = toSeries(answer.value, config.clusterLabel);
    } catch (error) {
      metrics[name].error = describeError(error);
      errors.push(`${TITLES[name]}: ${metrics[name].error}`);
    }
  });
  const allFailed = errors.length === RED_METRIC_NAMES.length;
  return {
    status: allFailed ? 'unknown' : 'ok',
    ...(errors.length > 0
      ? {
          error: allFailed
            ? metrics.rate.error
            : `Some measures could not be read. ${errors.join('; ')}`,
        }
      : {}),
    links: links.part,
    stepSeconds: range.stepSeconds,
    metrics,
  };
}
