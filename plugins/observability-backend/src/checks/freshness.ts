import {
  CheckDescriptor,
  CheckEnv,
  CheckPlacement,
  upstreamRequest,
} from './defineCheck';
import {
  CheckResult,
  clusterLogIndexPattern,
  logIndexClusterResolver,
  DeepLink,
  logIndexPrefix,
} from '@fleetobs/plugin-observability-common';
import { z } from 'zod';
import { EsSearchResponse } from '../upstream/ElasticsearchClient';
import { unknownForAll } from './perCluster';
import { checkResult, formatDuration, round } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

/** ES field names reach a query body as JSON keys; keep them plain anyway. */
export const ES_FIELD = /^[A-Za-z_@][A-Za-z0-9_@.\-]*$/;

export function assertEsField(field: string): string {
  if (!ES_FIELD.test(field)) {
    throw new Error(`invalid Elasticsearch field name "${field}"`);
  }
  return field;
}

/** How far back the freshness search looks; older means "no data" (critical). */
export const FRESHNESS_WINDOW_MS = 24 * 3600 * 1000;

/**
 * How documents name their cluster: a field (spans: Jaeger's `process.tag.cluster`),
 * or the index name (logs, as the platform design names them: `logs-<cluster>-*`).
 */
export type Attribution = { field: string } | { logIndexPattern: string };

/** Upper bound of the `_index` buckets: a cluster writes a few indices a day. */
const INDICES_PER_CLUSTER = 10;

/**
 * ONE search for the whole fleet: the newest timestamp per cluster field value (limited
 * to the known clusters), or per index (each index then attributed to its cluster).
 */
export function freshnessSearchBody(options: {
  clusters: FleetClusterRef[];
  attribution: Attribution;
  timeField: string;
  now: Date;
}): Record<string, unknown> {
  const timeField = assertEsField(options.timeField);
  const names = options.clusters.map(c => c.name);
  const range = {
    range: {
      [timeField]: {
        gte: options.now.getTime() - FRESHNESS_WINDOW_MS,
        lte: options.now.getTime() + 60_000,
        format: 'epoch_millis',
      },
    },
  };
  const latest = { latest: { max: { field: timeField } } };
  if ('logIndexPattern' in options.attribution) {
    logIndexPrefix(options.attribution.logIndexPattern); // refuses a bad pattern
    return {
      size: 0,
      track_total_hits: false,
      query: { bool: { filter: [range] } },
      aggs: {
        indices: {
          terms: {
            field: '_index',
            size: Math.max(names.length * INDICES_PER_CLUSTER, 100),
          },
          aggs: latest,
        },
      },
    };
  }
  const clusterField = assertEsField(options.attribution.field);
  return {
    size: 0,
    track_total_hits: false,
    query: {
      bool: { filter: [range, { terms: { [clusterField]: names } }] },
    },
    aggs: {
      clusters: {
        terms: { field: clusterField, size: Math.max(names.length, 1) },
        aggs: latest,
      },
    },
  };
}

const bucketsSchema = z.object({
  buckets: z.array(
    z
      .object({
        key: z.union([z.string(), z.number()]),
        doc_count: z.number(),
        latest: z.object({ value: z.number().nullable() }).passthrough(),
      })
      .passthrough(),
  ),
});
const aggSchema = z.union([
  z.object({ clusters: bucketsSchema }),
  z.object({ indices: bucketsSchema }),
]);

export interface FreshnessOptions {
  id: 'log-freshness' | 'span-freshness';
  index: string;
  attribution: Attribution;
  timeField: string;
  /** `logs` or `spans`, for summaries. */
  noun: string;
  /** Ages (seconds) that warn / are critical. */
  warnSeconds: number;
  criticalSeconds: number;
  links?: (cluster: FleetClusterRef) => DeepLink[];
}

/** Newest document and count per cluster, from either kind of aggregation. */
function newestByCluster(
  aggregations: z.infer<typeof aggSchema>,
  clusters: FleetClusterRef[],
  attribution: Attribution,
) {
  const latest = new Map<string, { ms: number | null; docs: number }>();
  const add = (cluster: string, ms: number | null, docs: number) => {
    const seen = latest.get(cluster);
    const newest =
      seen?.ms === undefined || seen.ms === null
        ? ms
        : Math.max(seen.ms, ms ?? -Infinity);
    latest.set(cluster, { ms: newest, docs: (seen?.docs ?? 0) + docs });
  };
  if ('clusters' in aggregations) {
    for (const b of aggregations.clusters.buckets) {
      add(String(b.key), b.latest.value, b.doc_count);
    }
  } else if ('logIndexPattern' in attribution) {
    // The cluster names indexed once for all the buckets.
    const clusterOf = logIndexClusterResolver({
      logIndexPattern: attribution.logIndexPattern,
      clusters: clusters.map(c => c.name),
    });
    for (const b of aggregations.indices.buckets) {
      const cluster = clusterOf(String(b.key));
      if (cluster) add(cluster, b.latest.value, b.doc_count);
    }
  }
  return latest;
}

/** Age of the newest document per cluster against the check's thresholds. */
export function evaluateFreshness(
  answer: Answer<EsSearchResponse>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  options: FreshnessOptions,
): Record<string, CheckResult> {
  const body = freshnessSearchBody({
    clusters,
    attribution: options.attribution,
    timeField: options.timeField,
    now: ctx.now,
  });
  const names = JSON.stringify(clusters.map(c => c.name));
  const query = `POST /${options.index}/_search ${JSON.stringify(body)
    .split(names)
    .join(
      clusters.length > 5 ? `["<${clusters.length} cluster names>"]` : names,
    )}`;
  const fail = (error: string) =>
    unknownForAll(options.id, clusters, ctx, {
      source: 'elasticsearch',
      query,
      error,
    });
  if (!answer.ok) return fail(answer.error);
  const parsed = aggSchema.safeParse(answer.value.aggregations);
  if (!parsed.success) {
    return fail(
      `unexpected aggregation in the answer of ${options.index}/_search`,
    );
  }
  const latest = newestByCluster(parsed.data, clusters, options.attribution);
  const { warnSeconds: warnAt, criticalSeconds: critAt } = options;
  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const found = latest.get(cluster.name);
    const links = options.links?.(cluster);
    const where: { index: string } & Record<string, string> =
      'field' in options.attribution
        ? { field: options.attribution.field, index: options.index }
        : {
            attributed_by: '_index',
            index: clusterLogIndexPattern(
              cluster.name,
              options.attribution.logIndexPattern,
            ),
          };
    const base = {
      ...where,
      warn_after_seconds: warnAt,
      critical_after_seconds: critAt,
    };
    if (!found || found.ms === null || found.docs === 0) {
      out[cluster.name] = checkResult(options.id, ctx, {
        status: 'critical',
        summary: `No ${options.noun} from ${cluster.name} in ${where.index} in the last 24h`,
        evidence: {
          source: 'elasticsearch',
          query,
          values: { ...base, docs_24h: 0, newest: null, age_seconds: null },
        },
        links,
      });
      continue;
    }
    const age = Math.max(0, (ctx.now.getTime() - found.ms) / 1000);
    const values = {
      ...base,
      docs_24h: found.docs,
      newest: new Date(found.ms).toISOString(),
      age_seconds: round(age, 0),
    };
    let status: 'ok' | 'warn' | 'critical' = 'ok';
    if (age >= critAt) status = 'critical';
    else if (age >= warnAt) status = 'warn';
    out[cluster.name] = checkResult(options.id, ctx, {
      status,
      summary:
        status === 'ok'
          ? `Newest ${options.noun.replace(/s$/, '')} ${formatDuration(
              age,
            )} old`
          : `${options.noun[0].toUpperCase()}${options.noun.slice(
              1,
            )} stale: newest is ${formatDuration(
              age,
            )} old (${status} after ${formatDuration(
              status === 'critical' ? critAt : warnAt,
            )})`,
      evidence: { source: 'elasticsearch', query, values },
      links,
    });
  }
  return out;
}

/**
 * The descriptor parts shared by `log-freshness` and `span-freshness`: one aggregation
 * on the signal's index pattern for the whole fleet, evaluated per cluster.
 */
export function freshnessCheckParts(signal: {
  id: 'log-freshness' | 'span-freshness';
  signal: 'logs' | 'traces';
  noun: string;
  /** Index pattern, attribution, time field and thresholds of the signal. */
  select: (env: CheckEnv) => {
    index: string;
    attribution: Attribution;
    timeField: string;
    warnSeconds: number;
    criticalSeconds: number;
  };
  links: (cluster: FleetClusterRef, env: CheckEnv) => DeepLink[];
}) {
  return {
    places: [{ signal: signal.signal }],
    source: 'elasticsearch',
    requests: {
      newest: upstreamRequest('elasticsearch', signal.id, (es, env) => {
        const { index, attribution, timeField } = signal.select(env);
        return es.search(
          index,
          freshnessSearchBody({
            clusters: env.clusters,
            attribution,
            timeField,
            now: env.ctx.now,
          }),
        );
      }),
    },
    evaluate: (
      { newest }: { newest: Answer<EsSearchResponse> },
      env: CheckEnv,
    ): CheckPlacement[] => [
      {
        signal: signal.signal,
        results: evaluateFreshness(newest, env.clusters, env.ctx, {
          id: signal.id,
          ...signal.select(env),
          noun: signal.noun,
          links: cluster => signal.links(cluster, env),
        }),
      },
    ],
  } satisfies Partial<CheckDescriptor>;
}
