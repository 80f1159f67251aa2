import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { singleIndexPatternProblem } from '@fleetobs/plugin-observability-common';
import { assertLabelName } from '../checks/promql';

/** The `observability.signals` block, with its defaults filled in. */
export interface SignalsConfig {
  cacheTtlMs: number;
  maxRangeMs: number;
  maxPoints: number;
  clusterLabel: string;
  metrics: {
    serviceLabel: string;
    templates: { rate: string; errorRatio: string; p99: string };
    grafanaDashboardUid?: string;
  };
  logs: {
    indexPattern: string;
    /**
     * What `observability.fleetobs.io/kibana-index-pattern` may choose: one of these or
     * a narrower pattern (`observability.elasticsearch.allowedIndexPatterns`, default
     * the parts of `indexPattern`).
     */
    allowedIndexPatterns: string[];
    clusterField: string;
    serviceField: string;
    levelField: string;
    traceIdField: string;
    messageField: string;
    timestampField: string;
    errorLevels: string[];
    sampleSize: number;
  };
  traces: { limit: number; clusterTag: string };
  ui: {
    grafanaUrl?: string;
    grafanaDatasource?: string;
    kibanaUrl?: string;
    jaegerUrl?: string;
  };
}

/** Default PromQL of the RED measures (Micrometer / OpenTelemetry HTTP server metrics). */
export const DEFAULT_RED_TEMPLATES = {
  rate: 'sum by ($cluster) (rate(http_server_requests_seconds_count{$selector}[$window]))',
  errorRatio:
    'sum by ($cluster) (rate(http_server_requests_seconds_count{$selector, status=~"5.."}[$window]))' +
    ' / sum by ($cluster) (rate(http_server_requests_seconds_count{$selector}[$window]))',
  p99: 'histogram_quantile(0.99, sum by ($cluster, le) (rate(http_server_requests_seconds_bucket{$selector}[$window])))',
};

export const DEFAULT_ERROR_LEVELS = [
  'error',
  'ERROR',
  'fatal',
  'FATAL',
  'critical',
  'CRITICAL',
];

function duration(config: Config, key: string, fallback: HumanDuration) {
  return durationToMilliseconds(
    config.has(key) ? readDurationFromConfig(config, { key }) : fallback,
  );
}

function positiveInt(
  config: Config,
  key: string,
  fallback: number,
  max: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${key} must be an integer from 1 to ${max}`);
  }
  return value;
}

function template(config: Config, name: keyof typeof DEFAULT_RED_TEMPLATES) {
  const key = `observability.signals.metrics.${name}`;
  const value = config.getOptionalString(key) ?? DEFAULT_RED_TEMPLATES[name];
  if (!value.includes('$selector')) {
    // Without it the query would not be scoped to the service.
    throw new Error(`${key} must contain $selector`);
  }
  return value;
}

export const ALLOWED_INDEX_PATTERNS_KEY =
  'observability.elasticsearch.allowedIndexPatterns';

function allowedIndexPatterns(config: Config, indexPattern: string): string[] {
  const configured = config.getOptionalStringArray(ALLOWED_INDEX_PATTERNS_KEY);
  const patterns = configured ?? indexPattern.split(',').map(p => p.trim());
  if (patterns.length === 0) {
    throw new Error(
      `${ALLOWED_INDEX_PATTERNS_KEY} must name at least one index pattern`,
    );
  }
  for (const pattern of patterns) {
    const problem = singleIndexPatternProblem(pattern);
    if (problem) {
      throw new Error(
        `${
          configured
            ? ALLOWED_INDEX_PATTERNS_KEY
            : 'observability.elasticsearch.logIndexPattern'
        }: "${pattern}" ${problem}`,
      );
    }
  }
  return patterns;
}

/** Reads `observability.signals` (and the shared keys it builds on). Throws on bad values. */
export function readSignalsConfig(config: Config): SignalsConfig {
  const s = 'observability.signals';
  const indexPattern =
    config.getOptionalString('observability.elasticsearch.logIndexPattern') ??
    'logs-*';
  return {
    cacheTtlMs: duration(config, `${s}.cacheTtl`, { seconds: 15 }),
    maxRangeMs: duration(config, `${s}.maxRange`, { days: 7 }),
    maxPoints: positiveInt(config, `${s}.maxPoints`, 120, 11000),
    clusterLabel: assertLabelName(
      config.getOptionalString('observability.labels.cluster') ?? 'cluster',
      'cluster label',
    ),
    metrics: {
      serviceLabel: assertLabelName(
        config.getOptionalString(`${s}.metrics.serviceLabel`) ?? 'service',
        'service label',
      ),
      templates: {
        rate: template(config, 'rate'),
        errorRatio: template(config, 'errorRatio'),
        p99: template(config, 'p99'),
      },
      grafanaDashboardUid: config.getOptionalString(
        `${s}.metrics.grafanaDashboardUid`,
      ),
    },
    logs: {
      indexPattern,
      allowedIndexPatterns: allowedIndexPatterns(config, indexPattern),
      clusterField:
        config.getOptionalString('observability.elasticsearch.clusterField') ??
        'kubernetes.cluster.name',
      serviceField:
        config.getOptionalString(`${s}.logs.serviceField`) ?? 'service.name',
      levelField:
        config.getOptionalString(`${s}.logs.levelField`) ?? 'log.level',
      traceIdField:
        config.getOptionalString(`${s}.logs.traceIdField`) ?? 'trace.id',
      messageField:
        config.getOptionalString(`${s}.logs.messageField`) ?? 'message',
      timestampField:
        config.getOptionalString(`${s}.logs.timestampField`) ?? '@timestamp',
      errorLevels:
        config.getOptionalStringArray(`${s}.logs.errorLevels`) ??
        DEFAULT_ERROR_LEVELS,
      sampleSize: positiveInt(config, `${s}.logs.sampleSize`, 20, 200),
    },
    traces: {
      limit: positiveInt(config, `${s}.traces.limit`, 40, 500),
      clusterTag:
        config.getOptionalString(`${s}.traces.clusterTag`) ?? 'cluster',
    },
    ui: {
      grafanaUrl: config.getOptionalString('observability.ui.grafanaUrl'),
      grafanaDatasource: config.getOptionalString(
        'observability.ui.grafanaDatasource',
      ),
      kibanaUrl: config.getOptionalString('observability.ui.kibanaUrl'),
      jaegerUrl: config.getOptionalString('observability.ui.jaegerUrl'),
    },
  };
}
