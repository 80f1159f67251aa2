import { DeepLink } from './types';

// Answer of `GET /api/observability/v1/entity/:kind/:namespace/:name/signals`: the
// RED metrics, error logs and recent traces of one service, for each cluster it runs in.

/**
 * State of one part of the entity signals:
 * - `ok`: the upstream answered (the part may still hold no data);
 * - `unknown`: the upstream failed or is not configured; `error` says why.
 *
 * @public
 */
export type SignalPartStatus = 'ok' | 'unknown';

/**
 * An entity annotation whose value the back end refused to use, so the part was not
 * asked for (e.g. an index pattern outside the operator's allow-list). The service
 * owner fixes it in the entity's `catalog-info.yaml`, or the operator in app-config.
 *
 * @public
 */
export interface SignalConfigError {
  /** The annotation, e.g. `observability.fleetobs.io/kibana-index-pattern`. */
  annotation: string;
  /** Its value, as the entity has it. */
  value: string;
  /** Why it was refused, e.g. `is a bare "*" (every index)`. */
  reason: string;
  /** What the operator allows. */
  allowed: string[];
  /** The config key of `allowed`, e.g. `observability.elasticsearch.allowedIndexPatterns`. */
  allowedBy: string;
  /** What to change, in a sentence. */
  fix: string;
}

/** What every part of the entity signals has. @public */
export interface SignalPart {
  status: SignalPartStatus;
  /** Why the part is `unknown` (credential-free). */
  error?: string;
  /**
   * Set when the part is `unknown` because of the entity's configuration (an
   * annotation the back end refused), not because of the upstream: `error` then
   * says the same in a sentence.
   */
  configError?: SignalConfigError;
  /** Deep links into the tool of the part (Grafana, Kibana, Jaeger). */
  links: DeepLink[];
}

/** The RED measures of a service. @public */
export type RedMetricName = 'rate' | 'errorRatio' | 'p99';

/** @public */
export const RED_METRIC_NAMES: readonly RedMetricName[] = [
  'rate',
  'errorRatio',
  'p99',
];

/** One series of a measure in one cluster: `[epoch ms, value]` points. @public */
export interface ClusterSeries {
  cluster: string;
  points: Array<[number, number]>;
}

/** One RED measure over the range, per cluster. @public */
export interface RedMetric {
  /** The PromQL that was sent (label values escaped). */
  query: string;
  /** Unit of the values: requests per second, a ratio in [0, 1], or seconds. */
  unit: 'req/s' | 'ratio' | 's';
  series: ClusterSeries[];
  /** Why this measure could not be read, when the others could. */
  error?: string;
  /** Grafana Explore with this query and range. */
  link?: DeepLink;
}

/** @public */
export interface MetricsSignal extends SignalPart {
  stepSeconds: number;
  metrics: Record<RedMetricName, RedMetric>;
}

/** One error log line. @public */
export interface LogSample {
  id: string;
  index: string;
  timestamp: string;
  level?: string;
  cluster?: string;
  message: string;
  traceId?: string;
}

/** @public */
export interface LogsSignal extends SignalPart {
  indexPattern: string;
  /** Error logs in the range (`relation: 'gte'` when ES stopped counting). */
  total: number;
  totalRelation: 'eq' | 'gte';
  byCluster: Array<{ cluster: string; count: number }>;
  /** The latest error lines, newest first. */
  samples: LogSample[];
  /** The KQL of the Kibana link (service and error levels). */
  kuery?: string;
}

/** One span of a trace, for the in-place trace summary. @public */
export interface SpanSummary {
  spanId: string;
  parentSpanId?: string;
  service: string;
  operation: string;
  /** Milliseconds since the start of the trace. */
  offsetMs: number;
  durationMs: number;
  error: boolean;
  /** Depth in the span tree (0 for the root). */
  depth: number;
}

/** One trace, as the traces list and the drilldown show it. @public */
export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  /** Some span is marked as an error (`error=true`, `otel.status_code=ERROR` or a 5xx). */
  error: boolean;
  errorSpanCount: number;
  cluster?: string;
  services: string[];
  /** Jaeger UI link of the trace, and Kibana Discover with `trace.id`. */
  links: DeepLink[];
  /** Only in the answer of the trace endpoint. */
  spans?: SpanSummary[];
}

/** @public */
export interface TracesSignal extends SignalPart {
  service: string;
  /** Traces of the range, newest first (at most the configured limit). */
  traces: TraceSummary[];
  /** Whether Jaeger had more traces than the limit. */
  truncated: boolean;
}

/** How the entity was mapped to the upstreams' names. @public */
export interface SignalsTarget {
  /** Service label / field value used for metrics and logs. */
  service: string;
  jaegerService: string;
  indexPattern: string;
  /** Clusters the answer is limited to; absent: every cluster that has data. */
  clusters?: string[];
  /**
   * Where the clusters came from: the Kubernetes plugin (pods of the entity's
   * `backstage.io/kubernetes-id`), the `observability.fleetobs.io/clusters`
   * annotation, or all clusters with data.
   */
  clustersSource: 'kubernetes' | 'annotation' | 'all';
  /** Why the Kubernetes plugin was not used, or what it could not read. */
  clustersNotes?: string[];
  /** Annotations of the entity that were used. */
  annotations: Record<string, string>;
  /** Recommended annotations the entity does not have (defaults were used). */
  missingAnnotations: string[];
  /**
   * Set when `indexPattern` (from the annotation) is refused: nothing is searched in
   * Elasticsearch for this entity, and the logs part carries this as its `configError`.
   */
  indexPatternError?: SignalConfigError;
}

/** Answer of the entity signals endpoint. @public */
export interface EntitySignals {
  entityRef: string;
  generatedAt: string;
  range: { from: string; to: string };
  target: SignalsTarget;
  metrics: MetricsSignal;
  logs: LogsSignal;
  traces: TracesSignal;
}

/** Answer of `GET .../entity/:kind/:namespace/:name/traces/:traceId`. @public */
export interface EntityTrace {
  entityRef: string;
  trace: TraceSummary;
  /** The log lines of the trace (every level), oldest first, from the entity's index pattern. */
  logs: TraceLogs;
}

/** Log lines of one trace. @public */
export interface TraceLogs extends SignalPart {
  total: number;
  samples: LogSample[];
}
