import {
  clusterCertificates,
  clusterSeries,
  errorRatio,
  isService,
  latencyQuantile,
  requestRate,
  Series,
} from './metrics';
import { FleetModel, SERVICES, ServiceName, SimCluster } from './model';
import { platformFaultSince } from './platformFaults';

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export class PromError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const MATCHER =
  /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

export function parseMatchers(text: string): Matcher[] {
  const out: Matcher[] = [];
  for (const m of text.matchAll(MATCHER)) {
    out.push({
      label: m[1],
      op: m[2] as Matcher['op'],
      value: m[3].replace(/\\(.)/g, '$1'),
    });
  }
  return out;
}

export function matches(
  labels: Record<string, string>,
  matchers: Matcher[],
): boolean {
  return matchers.every(m => {
    const v = labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(v);
      default:
        return !new RegExp(`^(?:${m.value})$`).test(v);
    }
  });
}

/** A measure of one cluster from its series now (and, for increases, 15 minutes ago). */
type Measure = (
  series: Series[],
  tSec: number,
  earlier: () => Series[],
) => number | undefined;

/** `sum(increase(<name>[15m]))` over every component of a cluster. */
const increase15m =
  (name: string): Measure =>
  (s, _t, earlier) => {
    const now = s.filter(x => x.name === name);
    if (now.length === 0) return undefined;
    const before = new Map(
      earlier()
        .filter(x => x.name === name)
        .map(x => [JSON.stringify(x.labels), x.value]),
    );
    return now.reduce(
      (n, x) =>
        n + Math.max(0, x.value - (before.get(JSON.stringify(x.labels)) ?? 0)),
      0,
    );
  };

const job = (series: Series[], name: string, jobName: string) =>
  series.filter(s => s.name === name && s.labels.job === jobName);
const sum = (xs: Series[]) =>
  xs.length ? xs.reduce((a, s) => a + s.value, 0) : undefined;
const count = (xs: Series[]) => (xs.length ? xs.length : undefined);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);

/**
 * The measures the fleet checks ask for (`label_replace(..., "measure", "<name>", "", "")`),
 * computed from the same series the exporters expose.
 */
const MEASURES: Record<string, Measure> = {
  replicas: s => count(s.filter(x => x.name === 'prometheus_build_info')),
  sidecars: s => count(job(s, 'up', 'thanos-sidecar')),
  sidecars_up: s => sum(job(s, 'up', 'thanos-sidecar')),
  upload_age_seconds: (s, t) =>
    max(
      job(
        s,
        'thanos_objstore_bucket_last_successful_upload_time',
        'thanos-sidecar',
      ).map(x => t - x.value),
    ),
  upload_failures_1h: s =>
    job(s, 'thanos_shipper_upload_failures_total', 'thanos-sidecar').length
      ? 0
      : undefined,
  uploads_6h: s => {
    const n = job(s, 'thanos_shipper_uploads_total', 'thanos-sidecar').length;
    return n ? n * 12 : undefined;
  },
  compactors: s => count(job(s, 'up', 'thanos-compact')),
  compactors_up: s => sum(job(s, 'up', 'thanos-compact')),
  halted: s =>
    max(job(s, 'thanos_compact_halted', 'thanos-compact').map(x => x.value)),
  last_upload_age_seconds: (s, t) => {
    const v = max(
      job(
        s,
        'thanos_objstore_bucket_last_successful_upload_time',
        'thanos-compact',
      ).map(x => x.value),
    );
    return v === undefined || t - v > 86400 ? undefined : t - v;
  },
  todo_compactions: s =>
    sum(job(s, 'thanos_compact_todo_compactions', 'thanos-compact')),
  gateways: s => count(job(s, 'up', 'thanos-store')),
  gateways_up: s => sum(job(s, 'up', 'thanos-store')),
  blocks_loaded: s =>
    sum(job(s, 'thanos_bucket_store_blocks_loaded', 'thanos-store')),
  failures_15m: increase15m('thanos_objstore_bucket_operation_failures_total'),
  operations_15m: increase15m('thanos_objstore_bucket_operations_total'),
};

const MEASURE_CALL =
  /label_replace\(([\s\S]*?),\s*"measure",\s*"([a-zA-Z_][a-zA-Z0-9_]*)",\s*"",\s*""\)/g;

/** Evaluates the PromQL the fleet checks and the service views send, at `tMs`. */
export function evaluate(
  model: FleetModel,
  query: string,
  tMs: number,
): PromSample[] {
  const q = query.trim();
  if (!q) {
    throw new PromError(
      'bad_data',
      'invalid parameter "query": 1:1: parse error: no expression found in input',
    );
  }
  const t = tMs / 1000;
  const cache = new Map<SimCluster, Series[]>();
  const seriesOf = (cluster: SimCluster) => {
    let series = cache.get(cluster);
    if (!series) {
      series = clusterSeries(model, cluster, tMs);
      cache.set(cluster, series);
    }
    return series;
  };
  const measureCalls = [...q.matchAll(MEASURE_CALL)];
  if (measureCalls.length > 0) {
    const out: PromSample[] = [];
    for (const call of measureCalls) {
      const fn = MEASURES[call[2]];
      if (!fn) continue;
      const label =
        /by \(([a-zA-Z_][a-zA-Z0-9_]*)/.exec(call[1])?.[1] ?? 'cluster';
      for (const cluster of model.clusters) {
        const value = fn(seriesOf(cluster), t, () =>
          clusterSeries(model, cluster, tMs - 900_000),
        );
        if (value !== undefined) {
          out.push({
            metric: { [label]: cluster.name, measure: call[2] },
            value,
          });
        }
      }
    }
    return out;
  }

  const ext =
    /^count by \(([a-zA-Z_]\w*),\s*([a-zA-Z_]\w*)\) \((up|prometheus_build_info)\)$/.exec(
      q,
    );
  if (ext) {
    return model.clusters.map(cluster => ({
      metric: { [ext[1]]: cluster.name, [ext[2]]: cluster.environment },
      value: seriesOf(cluster).filter(s => s.name === ext[3]).length,
    }));
  }

  const certs =
    /^bottomk by \(([a-zA-Z_]\w*)\) \(1, certmanager_certificate_expiration_timestamp_seconds - time\(\)\)$/.exec(
      q,
    );
  if (certs) {
    return model.clusters.map(cluster => {
      const soonest = clusterCertificates(model, cluster, tMs).sort(
        (a, b) => a.expiresAt - b.expiresAt,
      )[0];
      return {
        metric: {
          [certs[1]]: cluster.name,
          environment: cluster.environment,
          job: 'cert-manager',
          name: soonest.name,
          namespace: soonest.namespace,
          issuer_name: 'fleet-ca',
          issuer_kind: 'ClusterIssuer',
          issuer_group: 'cert-manager.io',
        },
        value: soonest.expiresAt - t,
      };
    });
  }

  if (q.includes('http_server_requests_seconds')) {
    return evaluateRed(model, q, tMs);
  }

  // `sum by (<labels>) (<selector>)` and `sum by (<labels>) (rate(<selector>[<range>]))`
  // (or `count by`), over one replica of each HA pair (Thanos Query deduplicates by default).
  const sumBy =
    /^(sum|count) by \(([^)]*)\) \((?:rate\()?([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?(?:\[(\d+)([smh])\]\))?\)$/.exec(
      q,
    );
  if (sumBy) {
    const [, op, by, name, selector, rangeValue, rangeUnit] = sumBy;
    const labels = by
      .split(',')
      .map(l => l.trim())
      .filter(Boolean);
    const matchers = parseMatchers(selector ?? '');
    const rangeS = rangeValue
      ? Number(rangeValue) *
        { s: 1, m: 60, h: 3600 }[rangeUnit as 's' | 'm' | 'h']
      : 0;
    // One replica per cluster, the first running one, as deduplication answers.
    const valuesAt = (at: number) =>
      model.clusters.flatMap(cluster => {
        const named = clusterSeries(model, cluster, at).filter(
          s => s.name === name && matches(s.labels, matchers),
        );
        const replica = named[0]?.labels.replica;
        return named.filter(s => s.labels.replica === replica);
      });
    const seriesKey = (series: Series) => JSON.stringify(series.labels);
    const before = new Map(
      (rangeS ? valuesAt(tMs - rangeS * 1000) : []).map(series => [
        seriesKey(series),
        series.value,
      ]),
    );
    const groups = new Map<string, PromSample>();
    for (const series of valuesAt(tMs)) {
      const earlier = before.get(seriesKey(series)) ?? series.value;
      let value = rangeS
        ? Math.max(0, series.value - earlier) / rangeS
        : series.value;
      if (op === 'count') value = 1;
      const metric = Object.fromEntries(
        labels.map(l => [l, series.labels[l] ?? '']),
      );
      const key = JSON.stringify(metric);
      const group = groups.get(key) ?? { metric, value: 0 };
      group.value += value;
      groups.set(key, group);
    }
    return [...groups.values()];
  }

  // A plain selector, optionally with a range, e.g. `up{cluster="dev-01", job=~".*sidecar.*"}`.
  const selector = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?$/.exec(q);
  if (selector) {
    const matchers = parseMatchers(selector[2] ?? '');
    const wanted = matchers.find(m => m.label === 'cluster' && m.op === '=');
    const clusters = wanted
      ? model.clusters.filter(c => c.name === wanted.value)
      : model.clusters;
    return clusters.flatMap(cluster =>
      clusterSeries(model, cluster, tMs)
        .filter(s => s.name === selector[1] && matches(s.labels, matchers))
        .map(s => ({
          metric: { __name__: s.name, ...s.labels },
          value: s.value,
        })),
    );
  }
  return [];
}

const SERVICE_LABELS = ['service', 'application', 'app', 'service_name', 'job'];

function evaluateRed(model: FleetModel, q: string, tMs: number): PromSample[] {
  const matchers = parseMatchers(q);
  const serviceMatchers = matchers.filter(m =>
    SERVICE_LABELS.includes(m.label),
  );
  const services: ServiceName[] = SERVICES.filter(s =>
    serviceMatchers.every(m => matches({ [m.label]: s }, [m])),
  );
  const clusterMatchers = matchers.filter(
    m => m.label === 'cluster' || m.label === 'environment',
  );
  const clusters = model
    .serviceClusters()
    .filter(c =>
      matches({ cluster: c.name, environment: c.environment }, clusterMatchers),
    );
  const byLabels =
    /\bby \(([^)]*)\)/
      .exec(q)?.[1]
      .split(',')
      .map(s => s.trim())
      .filter(Boolean) ?? [];
  const quantile = /histogram_quantile\(\s*([0-9.]+)/.exec(q);
  const errors = /(status|status_code|code)=~?"5|outcome="SERVER_ERROR"/.test(
    q,
  );
  const ratio = errors && q.includes('/');

  const value = (service: ServiceName, cluster: SimCluster) => {
    if (quantile)
      return latencyQuantile(service, cluster, Number(quantile[1]), tMs);
    const rate = requestRate(service, cluster, tMs);
    if (ratio) return errorRatio(service, cluster, tMs);
    if (errors) return rate * errorRatio(service, cluster, tMs);
    return rate;
  };

  const perCluster = byLabels.includes('cluster');
  const groupService = byLabels.some(l => SERVICE_LABELS.includes(l));
  const out: PromSample[] = [];
  const groups = new Map<
    string,
    { metric: Record<string, string>; values: number[] }
  >();
  for (const cluster of clusters) {
    for (const service of services) {
      const metric: Record<string, string> = {};
      if (perCluster) metric.cluster = cluster.name;
      if (byLabels.includes('environment'))
        metric.environment = cluster.environment;
      if (groupService) {
        for (const l of byLabels.filter(x => SERVICE_LABELS.includes(x)))
          metric[l] = service;
      }
      const key = JSON.stringify(metric);
      const group = groups.get(key) ?? { metric, values: [] };
      group.values.push(value(service, cluster));
      groups.set(key, group);
    }
  }
  for (const { metric, values } of groups.values()) {
    const combined =
      quantile || ratio
        ? Math.max(...values)
        : values.reduce((a, b) => a + b, 0);
    out.push({ metric, value: combined });
  }
  return out;
}

/** Prometheus' sample value formatting. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Parses a Prometheus time parameter: unix seconds (float) or RFC 3339. */
export function parseTime(
  value: string | null,
  fallbackMs: number,
  name: string,
): number {
  if (value === null || value === '') return fallbackMs;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new PromError(
      'bad_data',
      `invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`,
    );
  }
  return ms;
}

/** Parses a step: float seconds or a Prometheus duration (`30s`, `5m`). */
export function parseStep(value: string | null): number {
  if (!value)
    throw new PromError(
      'bad_data',
      'invalid parameter "step": cannot parse "" to a valid duration',
    );
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!m)
    throw new PromError(
      'bad_data',
      `invalid parameter "step": cannot parse "${value}" to a valid duration`,
    );
  const unitSeconds = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unitSeconds;
}

export function instantQuery(model: FleetModel, params: URLSearchParams) {
  const tMs = parseTime(params.get('time'), model.now(), 'time');
  const result = evaluate(model, params.get('query') ?? '', tMs).map(s => ({
    metric: s.metric,
    value: [tMs / 1000, formatValue(s.value)] as [number, string],
  }));
  return { status: 'success', data: { resultType: 'vector', result } };
}

export function rangeQuery(model: FleetModel, params: URLSearchParams) {
  const start = parseTime(params.get('start'), NaN, 'start');
  const end = parseTime(params.get('end'), NaN, 'end');
  if (Number.isNaN(start))
    throw new PromError(
      'bad_data',
      'invalid parameter "start": cannot parse "" to a valid timestamp',
    );
  if (Number.isNaN(end))
    throw new PromError(
      'bad_data',
      'invalid parameter "end": cannot parse "" to a valid timestamp',
    );
  const step = parseStep(params.get('step'));
  if (step <= 0) {
    throw new PromError(
      'bad_data',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  }
  if (end < start)
    throw new PromError(
      'bad_data',
      'invalid parameter "end": end timestamp must not be before start time',
    );
  if ((end - start) / 1000 / step > 11000) {
    throw new PromError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const query = params.get('query') ?? '';
  const series = new Map<
    string,
    { metric: Record<string, string>; values: Array<[number, string]> }
  >();
  for (let t = start; t <= end; t += step * 1000) {
    for (const sample of evaluate(model, query, t)) {
      const key = JSON.stringify(sample.metric);
      const entry = series.get(key) ?? { metric: sample.metric, values: [] };
      entry.values.push([t / 1000, formatValue(sample.value)]);
      series.set(key, entry);
    }
  }
  return {
    status: 'success',
    data: { resultType: 'matrix', result: [...series.values()] },
  };
}

export function labelNames(model: FleetModel) {
  const names = new Set<string>(['__name__']);
  for (const cluster of model.clusters.slice(0, 4)) {
    for (const s of clusterSeries(model, cluster, model.now())) {
      Object.keys(s.labels).forEach(l => names.add(l));
    }
  }
  ['service', 'method', 'uri', 'status', 'le'].forEach(l => names.add(l));
  return { status: 'success', data: [...names].sort() };
}

export function labelValues(model: FleetModel, name: string) {
  const values = new Set<string>();
  if (name === '__name__') {
    for (const s of clusterSeries(model, model.clusters[0], model.now()))
      values.add(s.name);
  } else if (name === 'service') {
    SERVICES.forEach(s => values.add(s));
  } else {
    for (const cluster of model.clusters) {
      for (const s of clusterSeries(model, cluster, model.now())) {
        if (s.labels[name]) values.add(s.labels[name]);
      }
    }
  }
  return { status: 'success', data: [...values].sort() };
}

/**
 * A cluster wired to the Global Query directly: its sidecars and its store gateway
 * listed instead of its local Query (what `global-query-direct` injects).
 */
function directStores(model: FleetModel, cluster: SimCluster, now: number) {
  const ext = { cluster: cluster.name, environment: cluster.environment };
  const endpoint = (
    name: string,
    labelSets: Array<Record<string, string>>,
  ) => ({
    name,
    lastCheck: new Date(now - 2000).toISOString(),
    lastError: null,
    labelSets,
    minTime: Math.floor(now - 2 * 3600_000),
    maxTime: 9223372036854775807,
    guaranteedMinTime: Math.floor(now - 2 * 3600_000),
  });
  const replicas = model.has(cluster.name, 'replica-down') ? ['0'] : ['0', '1'];
  return {
    sidecar: replicas.map(replica =>
      endpoint(
        `prometheus-k8s-${replica}.prometheus-operated.monitoring.${cluster.name}.fleet.internal:10901`,
        [{ ...ext, replica }],
      ),
    ),
    store: model.has(cluster.name, 'store-gateway-down')
      ? []
      : [endpoint(`thanos-store.${cluster.name}.fleet.internal:10901`, [ext])],
  };
}

/** The Global Query's store endpoints: one local Query per cluster. */
export function stores(model: FleetModel) {
  const now = model.now();
  const direct = model.clusters.filter(
    c => platformFaultSince(model, c.name, 'global-query-direct') !== undefined,
  );
  const sidecar = direct.flatMap(c => directStores(model, c, now).sidecar);
  const store = direct.flatMap(c => directStores(model, c, now).store);
  const query = model.clusters
    .filter(c => !direct.includes(c))
    .map(cluster => {
      const unreachable = model.has(cluster.name, 'query-unreachable');
      const ext = { cluster: cluster.name, environment: cluster.environment };
      return {
        name: `thanos-query.${cluster.name}.fleet.internal:10901`,
        lastCheck: new Date(
          now - 1000 - (cluster.index % 5) * 1000,
        ).toISOString(),
        lastError: unreachable
          ? 'rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"'
          : null,
        labelSets: unreachable
          ? []
          : [
              { ...ext, replica: '0' },
              ...(model.has(cluster.name, 'replica-down')
                ? []
                : [{ ...ext, replica: '1' }]),
              ...(model.has(cluster.name, 'store-gateway-down') ? [] : [ext]),
            ],
        minTime: Math.floor(now - 400 * 86400_000),
        maxTime: 9223372036854775807,
        guaranteedMinTime: Math.floor(now - 400 * 86400_000),
      };
    });
  return {
    status: 'success',
    data: {
      query,
      ...(sidecar.length ? { sidecar } : {}),
      ...(store.length ? { store } : {}),
    },
  };
}

export function isKnownService(name: string): boolean {
  return isService(name);
}
