import {
  clusterLogIndexPattern,
  clusterOfLogIndex,
  DeepLink,
  kibanaDiscoverUrl,
  kqlString,
  LogSample,
  LogsSignal,
  SignalsTarget,
  TraceLogs,
} from '@fleetobs/plugin-observability-common';
import { ElasticsearchClient } from '../upstream/ElasticsearchClient';
import { describeError } from '../upstream/UpstreamError';
import { SignalsConfig } from '../config';
import { SignalsRange } from './range';
import { configErrorText } from './target';

type LogsConfig = SignalsConfig['logs'];

/** The answer for an index pattern the entity may not choose: reported, never searched. */
function refusedIndexPattern(
  error: NonNullable<SignalsTarget['indexPatternError']>,
) {
  return {
    status: 'unknown' as const,
    error: configErrorText(error),
    configError: error,
  };
}

/** Value of a dotted field in a `_source`: nested objects or literal dotted keys. */
export function fieldValue(
  source: Record<string, unknown> | undefined,
  path: string,
): unknown {
  if (!source) return undefined;
  if (path in source) return source[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  // Try every split point: `a.b.c` may be `a` → `b.c`, or `a.b` → `c`.
  for (let i = dot; i >= 0; i = path.indexOf('.', i + 1)) {
    const head = source[path.slice(0, i)];
    if (head && typeof head === 'object' && !Array.isArray(head)) {
      const found = fieldValue(
        head as Record<string, unknown>,
        path.slice(i + 1),
      );
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const text = (v: unknown): string | undefined => {
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null) return undefined;
  return typeof first === 'string' ? first : JSON.stringify(first);
};

// A log line is a cluster's by its index name (platform design §3.4:
// `logs-<cluster>-*`), the same rule as `log-freshness` and the Kibana links.

/** The index patterns of the target's clusters (`logs-<cluster>-*`), if it names any. */
function clusterIndexPatterns(target: SignalsTarget, logs: LogsConfig) {
  return target.clusters?.map(c =>
    clusterLogIndexPattern(c, logs.indexPattern),
  );
}

/** The cluster of a hit, from its index name. */
function clusterOfHit(
  index: string,
  target: SignalsTarget,
  logs: LogsConfig,
): string | undefined {
  return clusterOfLogIndex(index, {
    logIndexPattern: logs.indexPattern,
    clusters: target.clusters,
  });
}

/** Most indices counted per search: a cluster writes a few a day, a range is ≤ 7 days. */
const MAX_INDEX_BUCKETS = 1000;

/** The one `_search` of the logs part: latest error lines, their count, and per index (→ cluster). */
export function errorLogSearch(
  target: SignalsTarget,
  logs: LogsConfig,
  range: SignalsRange,
): Record<string, unknown> {
  const filter: unknown[] = [
    { term: { [logs.serviceField]: target.service } },
    { terms: { [logs.levelField]: logs.errorLevels } },
    {
      range: {
        [logs.timestampField]: {
          gte: range.from.toISOString(),
          lte: range.to.toISOString(),
          format: 'strict_date_optional_time',
        },
      },
    },
  ];
  const patterns = clusterIndexPatterns(target, logs);
  if (patterns) {
    filter.push({
      bool: {
        should: patterns.map(value => ({ wildcard: { _index: { value } } })),
        minimum_should_match: 1,
      },
    });
  }
  return {
    size: logs.sampleSize,
    track_total_hits: true,
    sort: [{ [logs.timestampField]: { order: 'desc' } }],
    _source: [
      logs.timestampField,
      logs.levelField,
      logs.messageField,
      logs.traceIdField,
    ],
    query: { bool: { filter } },
    aggs: {
      by_index: { terms: { field: '_index', size: MAX_INDEX_BUCKETS } },
    },
  };
}

/** KQL of the service's error logs (what the Kibana link opens). */
export function errorLogKuery(target: SignalsTarget, logs: LogsConfig): string {
  const any = (values: string[]) =>
    values.length === 1
      ? kqlString(values[0])
      : `(${values.map(kqlString).join(' or ')})`;
  const parts = [
    `${logs.serviceField}: ${kqlString(target.service)}`,
    `${logs.levelField}: ${any(logs.errorLevels)}`,
  ];
  const patterns = clusterIndexPatterns(target, logs);
  if (patterns && patterns.length > 0) {
    // Unquoted: a wildcard (cluster names are DNS labels, nothing to escape).
    parts.push(
      `_index: ${
        patterns.length === 1 ? patterns[0] : `(${patterns.join(' or ')})`
      }`,
    );
  }
  return parts.join(' and ');
}

const logColumns = (logs: LogsConfig) => [
  logs.levelField,
  '_index',
  logs.messageField,
  logs.traceIdField,
];

/** Kibana Discover on the logs of one trace. */
export function traceLogsLink(
  traceId: string,
  target: SignalsTarget,
  config: SignalsConfig,
  range: { from: Date; to: Date },
): DeepLink | undefined {
  // No link into a refused index pattern either.
  if (!config.ui.kibanaUrl || target.indexPatternError) return undefined;
  return {
    title: 'Logs of this trace in Kibana',
    url: kibanaDiscoverUrl({
      baseUrl: config.ui.kibanaUrl,
      indexPattern: target.indexPattern,
      kuery: `${config.logs.traceIdField}: ${kqlString(traceId)}`,
      range,
      columns: logColumns(config.logs),
    }),
  };
}

function toSamples(
  hits: Array<{
    _id: string;
    _index: string;
    _source?: Record<string, unknown>;
  }>,
  logs: LogsConfig,
  target: SignalsTarget,
): LogSample[] {
  return hits.map(hit => {
    const source = hit._source;
    const traceId = text(fieldValue(source, logs.traceIdField));
    return {
      id: hit._id,
      index: hit._index,
      timestamp: text(fieldValue(source, logs.timestampField)) ?? '',
      level: text(fieldValue(source, logs.levelField)),
      cluster: clusterOfHit(hit._index, target, logs),
      message: (text(fieldValue(source, logs.messageField)) ?? '').slice(
        0,
        2000,
      ),
      ...(traceId ? { traceId } : {}),
    };
  });
}

const totalOf = (
  total: number | { value: number; relation: string } | undefined,
  fallback: number,
) => (typeof total === 'number' ? total : total?.value ?? fallback);

/** The log lines of one trace (every level), oldest first: one `_search`. */
export async function fetchTraceLogs(
  es: ElasticsearchClient | undefined,
  traceId: string,
  target: SignalsTarget,
  config: SignalsConfig,
  range: { from: Date; to: Date },
): Promise<TraceLogs> {
  const logs = config.logs;
  const link = traceLogsLink(traceId, target, config, range);
  const base = { links: link ? [link] : [], total: 0, samples: [] };
  if (target.indexPatternError) {
    return { ...base, ...refusedIndexPattern(target.indexPatternError) };
  }
  if (!es) {
    return {
      ...base,
      status: 'unknown',
      error:
        'Elasticsearch is not configured (observability.elasticsearch.url)',
    };
  }
  try {
    const answer = await es.search(target.indexPattern, {
      size: 50,
      track_total_hits: true,
      sort: [{ [logs.timestampField]: { order: 'asc' } }],
      _source: [
        logs.timestampField,
        logs.levelField,
        logs.messageField,
        logs.traceIdField,
      ],
      query: {
        bool: {
          filter: [
            { term: { [logs.traceIdField]: traceId } },
            {
              range: {
                [logs.timestampField]: {
                  gte: range.from.toISOString(),
                  lte: range.to.toISOString(),
                  format: 'strict_date_optional_time',
                },
              },
            },
          ],
        },
      },
    });
    const samples = toSamples(answer.hits.hits, logs, target);
    return {
      ...base,
      status: 'ok',
      total: totalOf(answer.hits.total, samples.length),
      samples,
    };
  } catch (error) {
    return { ...base, status: 'unknown', error: describeError(error) };
  }
}

/** Error logs of the service from Elasticsearch. */
export async function fetchLogs(
  es: ElasticsearchClient | undefined,
  target: SignalsTarget,
  config: SignalsConfig,
  range: SignalsRange,
): Promise<LogsSignal> {
  const logs = config.logs;
  const kuery = errorLogKuery(target, logs);
  const links: DeepLink[] =
    config.ui.kibanaUrl && !target.indexPatternError
      ? [
          {
            title: 'Open in Kibana',
            url: kibanaDiscoverUrl({
              baseUrl: config.ui.kibanaUrl,
              indexPattern: target.indexPattern,
              kuery,
              range: { from: range.from, to: range.to },
              columns: logColumns(logs),
            }),
          },
        ]
      : [];
  const base = {
    links,
    kuery,
    indexPattern: target.indexPattern,
    total: 0,
    totalRelation: 'eq' as const,
    byCluster: [],
    samples: [],
  };
  // An index pattern the entity may not choose is reported, never searched.
  if (target.indexPatternError) {
    return { ...base, ...refusedIndexPattern(target.indexPatternError) };
  }
  if (!es) {
    return {
      ...base,
      status: 'unknown',
      error:
        'Elasticsearch is not configured (observability.elasticsearch.url)',
    };
  }
  try {
    const answer = await es.search(
      target.indexPattern,
      errorLogSearch(target, logs, range),
    );
    const total = answer.hits.total;
    const buckets =
      (
        answer.aggregations?.by_index as
          | { buckets?: Array<{ key: unknown; doc_count: number }> }
          | undefined
      )?.buckets ?? [];
    const samples = toSamples(answer.hits.hits, logs, target);
    return {
      ...base,
      status: 'ok',
      total: typeof total === 'number' ? total : total?.value ?? samples.length,
      totalRelation:
        typeof total === 'object' && total?.relation === 'gte' ? 'gte' : 'eq',
      byCluster: countByCluster(buckets, target, logs),
      samples,
    };
  } catch (error) {
    return { ...base, status: 'unknown', error: describeError(error) };
  }
}

/** Error counts per cluster from the counts per index (indices of no cluster left out). */
function countByCluster(
  buckets: Array<{ key: unknown; doc_count: number }>,
  target: SignalsTarget,
  logs: LogsConfig,
): Array<{ cluster: string; count: number }> {
  const counts = new Map<string, number>();
  for (const b of buckets) {
    const cluster = clusterOfHit(String(b.key), target, logs);
    if (cluster) counts.set(cluster, (counts.get(cluster) ?? 0) + b.doc_count);
  }
  return [...counts]
    .map(([cluster, count]) => ({ cluster, count }))
    .sort((a, b) => b.count - a.count || a.cluster.localeCompare(b.cluster));
}
