import {
  defineCheck,
  ElastAlertSettings,
  upstreamRequest,
} from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { z } from 'zod';
import { EsSearchResponse } from '../upstream/ElasticsearchClient';
import { unknownForAll } from './perCluster';
import { checkResult, formatDuration, round } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

// ElastAlert2 writes a document for every run of a rule to `<writeback_index>_status`
// (on Elasticsearch 6 and later: `resolve_writeback_index` in elastalert/__init__.py):
// `{ rule_name, starttime, endtime, hits, matches, time_taken, @timestamp }`, with
// `rule_name` mapped as a keyword.

/** How far back the runs are read. */
const WINDOW_MS = 24 * 3600 * 1000;
/** Most rules counted in one search (the fleet's). */
export const MAX_RULES = 5000;

/** The index ElastAlert2 writes its rule runs to. */
export function statusIndex(settings: ElastAlertSettings): string {
  return `${settings.writebackIndex}_status`;
}

/** One search for the fleet: the runs of the last 24 h per rule. */
export function elastalertSearchBody(now: Date): Record<string, unknown> {
  return {
    size: 0,
    track_total_hits: false,
    query: {
      bool: {
        filter: [
          {
            range: {
              '@timestamp': {
                gte: now.getTime() - WINDOW_MS,
                lte: now.getTime() + 60_000,
                format: 'epoch_millis',
              },
            },
          },
        ],
      },
    },
    aggs: {
      rules: {
        terms: { field: 'rule_name', size: MAX_RULES },
        aggs: {
          latest: { max: { field: '@timestamp' } },
          matches: { sum: { field: 'matches' } },
          hits: { sum: { field: 'hits' } },
          time_taken: { max: { field: 'time_taken' } },
        },
      },
    },
  };
}

const value = z.object({ value: z.number().nullable() }).passthrough();
const rulesSchema = z.object({
  rules: z
    .object({
      sum_other_doc_count: z.number().optional(),
      buckets: z.array(
        z
          .object({
            key: z.union([z.string(), z.number()]),
            doc_count: z.number(),
            latest: value,
            matches: value,
            hits: value,
            time_taken: value,
          })
          .passthrough(),
      ),
    })
    .passthrough(),
});

interface RuleRuns {
  name: string;
  runs: number;
  latestMs: number;
  matches: number;
  hits: number;
  timeTaken: number;
}

/** The cluster's part of a rule name: `{cluster}/` → `dev-01/`. */
export function rulePrefix(settings: ElastAlertSettings, cluster: string) {
  return settings.ruleNamePrefix.split('{cluster}').join(cluster);
}

/**
 * The rules of each cluster (named with its prefix), in the answer's order: one pass
 * over the rules, each looked up by its leading characters of every length a prefix
 * has, instead of one scan of all rules per cluster.
 */
function rulesByCluster(
  rules: RuleRuns[],
  clusters: FleetClusterRef[],
  settings: ElastAlertSettings,
): Map<string, RuleRuns[]> {
  // Several clusters share a prefix when the template does not name the cluster.
  const clustersOfPrefix = new Map<string, Set<string>>();
  for (const cluster of clusters) {
    const prefix = rulePrefix(settings, cluster.name);
    const owners = clustersOfPrefix.get(prefix);
    if (owners) owners.add(cluster.name);
    else clustersOfPrefix.set(prefix, new Set([cluster.name]));
  }
  const lengths = [...new Set([...clustersOfPrefix.keys()].map(p => p.length))];
  const out = new Map<string, RuleRuns[]>();
  for (const rule of rules) {
    for (const length of lengths) {
      if (length > rule.name.length) continue;
      const owners = clustersOfPrefix.get(rule.name.slice(0, length));
      for (const name of owners ?? []) {
        const list = out.get(name);
        if (list) list.push(rule);
        else out.set(name, [rule]);
      }
    }
  }
  return out;
}

/**
 * Per cluster (10.11 "Log alert engine: test rule fires & resolves"): every rule named
 * for the cluster ran recently; evidence: its rules, runs, matches and the oldest last run.
 */
export function evaluateElastAlert(
  answer: Answer<EsSearchResponse>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  settings: ElastAlertSettings,
): Record<string, CheckResult> {
  const index = statusIndex(settings);
  const query = `POST /${index}/_search ${JSON.stringify(
    elastalertSearchBody(ctx.now),
  )}`;
  const fail = (error: string) =>
    unknownForAll('elastalert', clusters, ctx, {
      source: 'elasticsearch',
      query,
      error,
    });
  if (!answer.ok) return fail(answer.error);
  const parsed = rulesSchema.safeParse(answer.value.aggregations);
  if (!parsed.success) {
    return fail(`unexpected aggregation in the answer of ${index}/_search`);
  }
  const rules: RuleRuns[] = parsed.data.rules.buckets.flatMap(b =>
    b.latest.value === null
      ? []
      : [
          {
            name: String(b.key),
            runs: b.doc_count,
            latestMs: b.latest.value,
            matches: b.matches.value ?? 0,
            hits: b.hits.value ?? 0,
            timeTaken: b.time_taken.value ?? 0,
          },
        ],
  );
  const truncated = (parsed.data.rules.sum_other_doc_count ?? 0) > 0;
  const { elastalertWarnSeconds: warnAt, elastalertCriticalSeconds: critAt } =
    ctx.thresholds;
  const byCluster = rulesByCluster(rules, clusters, settings);
  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const prefix = rulePrefix(settings, cluster.name);
    const mine = byCluster.get(cluster.name) ?? [];
    const age = (r: RuleRuns) =>
      Math.max(0, (ctx.now.getTime() - r.latestMs) / 1000);
    const oldest = mine.reduce<RuleRuns | undefined>(
      (o, r) => (!o || r.latestMs < o.latestMs ? r : o),
      undefined,
    );
    const stale = mine.filter(r => age(r) >= warnAt);
    const values = {
      index,
      rule_prefix: prefix,
      rules: mine.length,
      rules_stale: stale.length,
      runs_24h: mine.reduce((n, r) => n + r.runs, 0),
      matches_24h: round(
        mine.reduce((n, r) => n + r.matches, 0),
        0,
      ),
      hits_24h: round(
        mine.reduce((n, r) => n + r.hits, 0),
        0,
      ),
      max_time_taken_seconds: round(
        Math.max(0, ...mine.map(r => r.timeTaken)),
        2,
      ),
      oldest_last_run: oldest ? new Date(oldest.latestMs).toISOString() : null,
      oldest_last_run_rule: oldest?.name ?? null,
      oldest_last_run_age_seconds: oldest ? round(age(oldest), 0) : null,
      warn_after_seconds: warnAt,
      critical_after_seconds: critAt,
      ...(truncated ? { more_rules_than_counted: true } : {}),
    };
    const links = ctx.links.kibanaDiscover('Rule runs in Kibana', {
      indexPattern: index,
      kuery: `rule_name: ${prefix.replace(/([\\():<>"*\s])/g, '\\$1')}*`,
    });
    const result = (status: CheckResult['status'], summary: string) =>
      checkResult('elastalert', ctx, {
        status,
        summary,
        evidence: { source: 'elasticsearch', query, values },
        links,
      });
    if (!oldest) {
      out[cluster.name] = result(
        'warn',
        `No ElastAlert2 rule named ${prefix}… ran in the last 24h: the cluster has no log alerting`,
      );
    } else if (stale.length === mine.length && age(oldest) >= critAt) {
      const newest = Math.min(...mine.map(age));
      out[cluster.name] = result(
        'critical',
        `ElastAlert2 stopped running the cluster's ${
          mine.length
        } rules: the newest run is ${formatDuration(newest)} old`,
      );
    } else if (stale.length > 0) {
      out[cluster.name] = result(
        'warn',
        `${stale.length} of ${
          mine.length
        } rules last ran more than ${formatDuration(warnAt)} ago (${
          oldest.name
        }: ${formatDuration(age(oldest))})`,
      );
    } else {
      out[cluster.name] = result(
        'ok',
        `${mine.length} rules ran in the last ${formatDuration(warnAt)}; ${
          values.matches_24h
        } matches in 24h`,
      );
    }
  }
  return out;
}

/** ElastAlert2 runs the cluster's rules (`elastalert`). */
export const elastalertCheck = defineCheck({
  id: 'elastalert',
  title: 'ElastAlert2 rule runs',
  seed: '10.5 Log-based alerting; 10.11 Log alert engine',
  failureMode:
    "ElastAlert2 does not run the cluster's rules (stopped, crashing, or its writeback index unwritable): log-based alerts of the cluster never fire.",
  mitigation:
    "Check the ElastAlert2 pod in ops-01 and its log, its Elasticsearch credentials, and that the cluster's rules are loaded (names start with the cluster's prefix); then fire a test rule and see it resolve.",
  places: [{ signal: 'logs' }],
  source: 'elasticsearch',
  requests: {
    runs: upstreamRequest('elasticsearch', 'elastalert', (es, env) =>
      es.search(statusIndex(env.elastalert), elastalertSearchBody(env.ctx.now)),
    ),
  },
  evaluate: ({ runs }, { clusters, ctx, elastalert }) => [
    {
      signal: 'logs',
      results: evaluateElastAlert(runs, clusters, ctx, elastalert),
    },
  ],
});
