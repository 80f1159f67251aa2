import rison from 'rison';

// Deep links into Grafana, Kibana and Jaeger, built the way those UIs write their own
// URL state, so that a link opens the right query, filters and time range.

const trimBase = (url: string) => url.replace(/\/+$/, '');

/**
 * A time range as the UIs take it: Grafana/Kibana relative times (`now-1h`) or
 * absolute times (a Date or ISO string).
 *
 * @public
 */
export interface LinkTimeRange {
  from: string | Date;
  to: string | Date;
}

const asText = (t: string | Date) => (t instanceof Date ? t.toISOString() : t);
// Grafana takes relative times as they are and absolute ones in epoch milliseconds.
function asEpochMs(t: string | Date): string {
  if (t instanceof Date) {
    return String(t.getTime());
  }
  return /^\d{4}-/.test(t) ? String(Date.parse(t)) : t;
}

/**
 * A KQL string literal, quoting what a user or a label could put in a value.
 *
 * @public
 */
export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Grafana Explore with a PromQL query on a datasource, in the given time range.
 *
 * @public
 */
export function grafanaExploreUrl(options: {
  baseUrl: string;
  expr: string;
  range: LinkTimeRange;
  datasourceUid?: string;
  orgId?: number;
}): string {
  const datasource = options.datasourceUid
    ? { type: 'prometheus', uid: options.datasourceUid }
    : undefined;
  const panes = {
    obs: {
      datasource: options.datasourceUid,
      queries: [{ refId: 'A', expr: options.expr, datasource }],
      range: {
        from: asEpochMs(options.range.from),
        to: asEpochMs(options.range.to),
      },
    },
  };
  return `${trimBase(options.baseUrl)}/explore?schemaVersion=1&orgId=${
    options.orgId ?? 1
  }&panes=${encodeURIComponent(JSON.stringify(panes))}`;
}

/**
 * A Grafana dashboard by uid with its template variables (e.g. `cluster`, `service`).
 *
 * @public
 */
export function grafanaDashboardUrl(options: {
  baseUrl: string;
  uid: string;
  range: LinkTimeRange;
  variables?: Record<string, string | string[]>;
}): string {
  const params = new URLSearchParams({
    from: asEpochMs(options.range.from),
    to: asEpochMs(options.range.to),
  });
  for (const [name, value] of Object.entries(options.variables ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      params.append(`var-${name}`, v);
    }
  }
  return `${trimBase(options.baseUrl)}/d/${encodeURIComponent(
    options.uid,
  )}?${params}`;
}

/**
 * Kibana Discover with an index pattern (data view), a KQL query and a time range,
 * in Kibana's rison-encoded `_g` (global) and `_a` (app) state.
 *
 * @public
 */
export function kibanaDiscoverUrl(options: {
  baseUrl: string;
  /** Data view id; Kibana also accepts the index pattern title for ad-hoc views. */
  indexPattern: string;
  kuery: string;
  range: LinkTimeRange;
  columns?: string[];
}): string {
  const g = rison.encode({
    time: { from: asText(options.range.from), to: asText(options.range.to) },
  });
  const a = rison.encode({
    ...(options.columns ? { columns: options.columns } : {}),
    index: options.indexPattern,
    query: { language: 'kuery', query: options.kuery },
  });
  return `${trimBase(options.baseUrl)}/app/discover#/?_g=${encodeURIComponent(
    g,
  )}&_a=${encodeURIComponent(a)}`;
}

/**
 * Jaeger UI search by service and tags, over a lookback or an absolute range.
 *
 * @public
 */
export function jaegerSearchUrl(options: {
  baseUrl: string;
  service: string;
  operation?: string;
  tags?: Record<string, string>;
  /** e.g. `1h`; ignored when `range` is absolute. */
  lookback?: string;
  range?: { from: Date; to: Date };
  limit?: number;
}): string {
  const params = new URLSearchParams({ service: options.service });
  if (options.operation) params.set('operation', options.operation);
  if (options.tags && Object.keys(options.tags).length > 0) {
    params.set('tags', JSON.stringify(options.tags));
  }
  if (options.range) {
    // Jaeger takes microseconds since the epoch.
    params.set('start', `${options.range.from.getTime() * 1000}`);
    params.set('end', `${options.range.to.getTime() * 1000}`);
    params.set('lookback', 'custom');
  } else {
    params.set('lookback', options.lookback ?? '1h');
  }
  params.set('limit', String(options.limit ?? 20));
  return `${trimBase(options.baseUrl)}/search?${params}`;
}

/**
 * One trace in the Jaeger UI.
 *
 * @public
 */
export function jaegerTraceUrl(options: {
  baseUrl: string;
  traceId: string;
}): string {
  return `${trimBase(options.baseUrl)}/trace/${encodeURIComponent(
    options.traceId,
  )}`;
}
