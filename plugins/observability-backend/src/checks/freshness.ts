import {
  CheckDescriptor,
  CheckEnv,
  CheckPlacement,
  EsCheckSettings,
  upstreamRequest,
} from './defineCheck';
import { CheckResult, DeepLink } from '@fleetobs/plugin-observability-common';
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
 * ONE search for the whole fleet: a terms aggregation on the cluster field (limited
 * to the known clusters) with the newest timestamp of each.
 */
export function freshnessSearchBody(options: {
  clusters: FleetClusterRef[];
  clusterField: string;
  timeField: string;
  now: Date;
}): Record<string, unknown> {
  const clusterField = assertEsField(options.clusterField);
  const timeField = assertEsField(options.timeField);
  const names = options.clusters.map(c => c.name);
  return {
    size: 0,
    track_total_hits: false,
    query: {
      bool: {
        filter: [
          {
            range: {
              [timeField]: {
                gte: options.now.getTime() - FRESHNESS_WINDOW_MS,
                lte: options.now.getTime() + 60_000,
                format: 'epoch_millis',
              },
            },
          },
          { terms: { [clusterField]: names } },
        ],
      },
    },
    aggs: {
      clusters: {
        terms: { field: clusterField, size: Math.max(names.length, 1) },
        aggs: { latest: { max: { field: timeField } } },
      },
    },
  };
}

const aggSchema = z.object({
  clusters: z.object({
    buckets: z.array(
      z
        .object({
          key: z.union([z.string(), z.number()]),
          doc_count: z.number(),
          latest: z.object({ value: z.number().nullable() }).passthrough(),
        })
        .passthrough(),
    ),
  }),
});

export interface FreshnessOptions {
  id: 'log-freshness' | 'span-freshness';
  index: string;
  clusterField: string;
  timeField: string;
  /** `logs` or `spans`, for summaries. */
  noun: string;
  links?: (cluster: FleetClusterRef) => DeepLink[];
}

/** Age of the newest document per cluster against the freshness thresholds. */
export function evaluateFreshness(
  answer: Answer<EsSearchResponse>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  options: FreshnessOptions,
): Record<string, CheckResult> {
  const body = freshnessSearchBody({
    clusters,
    clusterField: options.clusterField,
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
  const latest = new Map<string, { ms: number | null; docs: number }>();
  for (const bucket of parsed.data.clusters.buckets) {
    latest.set(String(bucket.key), {
      ms: bucket.latest.value,
      docs: bucket.doc_count,
    });
  }
  const { freshnessWarnSeconds: warnAt, freshnessCriticalSeconds: critAt } =
    ctx.thresholds;
  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const found = latest.get(cluster.name);
    const links = options.links?.(cluster);
    const base = {
      field: options.clusterField,
      index: options.index,
      warn_after_seconds: warnAt,
      critical_after_seconds: critAt,
    };
    if (!found || found.ms === null || found.docs === 0) {
      out[cluster.name] = checkResult(options.id, ctx, {
        status: 'critical',
        summary: `No ${options.noun} from ${cluster.name} in ${options.index} in the last 24h`,
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
  /** Index pattern, cluster field and time field of the signal. */
  select: (es: EsCheckSettings) => {
    index: string;
    clusterField: string;
    timeField: string;
  };
  links: (
    cluster: FleetClusterRef,
    env: CheckEnv,
    fields: { clusterField: string },
  ) => DeepLink[];
}) {
  return {
    places: [{ signal: signal.signal }],
    source: 'elasticsearch',
    requests: {
      newest: upstreamRequest('elasticsearch', signal.id, (es, env) => {
        const { index, clusterField, timeField } = signal.select(env.es);
        return es.search(
          index,
          freshnessSearchBody({
            clusters: env.clusters,
            clusterField,
            timeField,
            now: env.ctx.now,
          }),
        );
      }),
    },
    evaluate: (
      { newest }: { newest: Answer<EsSearchResponse> },
      env: CheckEnv,
    ): CheckPlacement[] => {
      const fields = signal.select(env.es);
      return [
        {
          signal: signal.signal,
          results: evaluateFreshness(newest, env.clusters, env.ctx, {
            id: signal.id,
            ...fields,
            noun: signal.noun,
            links: cluster => signal.links(cluster, env, fields),
          }),
        },
      ];
    },
  } satisfies Partial<CheckDescriptor>;
}
