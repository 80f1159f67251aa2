import { defineCheck, upstreamRequest } from './defineCheck';
import {
  CheckResult,
  HealthStatus,
} from '@fleetobs/plugin-observability-common';
import {
  EsAliases,
  EsIlmExplain,
  EsIlmIndex,
} from '../upstream/ElasticsearchClient';
import { checkResult, unknownResult } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

/** The fields of `_ilm/explain` the check reads (`filter_path`: smaller answers). */
export const ILM_FILTER_PATH = [
  'indices.*.index',
  'indices.*.managed',
  'indices.*.policy',
  'indices.*.phase',
  'indices.*.action',
  'indices.*.step',
  'indices.*.failed_step',
  'indices.*.step_info',
];

/** Index patterns (comma list) as one regex. */
export function patternRegex(pattern: string): RegExp {
  const parts = pattern
    .split(',')
    .map(p => p.trim())
    .filter(Boolean)
    .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*'));
  return new RegExp(`^(?:\\.ds-)?(?:${parts.join('|')})$`);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether an index name carries the cluster name as a dash-separated segment. */
export function indexBelongsTo(index: string, cluster: string): boolean {
  return new RegExp(`(?:^|[-.])${escapeRegex(cluster)}(?:$|[-.])`).test(
    index.replace(/^\.ds-/, ''),
  );
}

/**
 * The clusters an index is named for: every run of consecutive `-`/`.`-separated
 * segments of its name that is a known cluster name (linear in indices, not
 * indices × clusters).
 */
export function clustersOfIndex(index: string, known: Set<string>): string[] {
  const name = index.replace(/^\.ds-/, '');
  const parts = name.split(/([-.])/); // keeps separators at odd positions
  const found: string[] = [];
  for (let start = 0; start < parts.length; start += 2) {
    let candidate = '';
    for (let end = start; end < parts.length; end += 2) {
      candidate =
        end === start
          ? parts[start]
          : `${candidate}${parts[end - 1]}${parts[end]}`;
      if (known.has(candidate)) found.push(candidate);
    }
  }
  return found;
}

export interface IlmScope {
  /** Index pattern, e.g. `logs-*`. */
  pattern: string;
  /** For summaries: `logs`, `spans`. */
  noun: string;
}

interface IlmVerdict {
  status: HealthStatus;
  summary: string;
  values: Record<string, number | string | null>;
}

function stepReason(index: EsIlmIndex): string {
  const info = index.step_info as
    | { reason?: string; type?: string; message?: string }
    | undefined;
  return (info?.reason ?? info?.message ?? info?.type ?? '').slice(0, 200);
}

/** Judges a set of indices: step errors, unmanaged indices, rollover alias. */
export function judgeIndices(
  indices: EsIlmIndex[],
  aliases: EsAliases,
  scope: string,
): IlmVerdict {
  const failed = indices.filter(i => i.step === 'ERROR' || i.failed_step);
  const unmanaged = indices.filter(i => !i.managed);
  const managed = indices.filter(i => i.managed);
  const dataStream = indices.some(i => i.index.startsWith('.ds-'));
  const writeAliases = new Set<string>();
  const anyAliases = new Set<string>();
  for (const i of indices) {
    for (const [alias, props] of Object.entries(
      aliases[i.index]?.aliases ?? {},
    )) {
      anyAliases.add(alias);
      if (props.is_write_index) writeAliases.add(alias);
    }
  }
  const phases: Record<string, number> = {};
  for (const i of managed) {
    phases[i.phase ?? '?'] = (phases[i.phase ?? '?'] ?? 0) + 1;
  }
  const values = {
    indices: indices.length,
    managed: managed.length,
    unmanaged: unmanaged.length,
    step_errors: failed.length,
    policies: [...new Set(managed.map(i => i.policy).filter(Boolean))].join(
      ', ',
    ),
    phases: Object.entries(phases)
      .map(([p, n]) => `${p}:${n}`)
      .join(', '),
    rollover_alias: dataStream
      ? 'data stream'
      : [...(writeAliases.size ? writeAliases : anyAliases)].join(', ') || null,
    failed_index: failed[0]?.index ?? null,
    failed_step: failed[0]?.failed_step ?? null,
    step_info: failed[0] ? stepReason(failed[0]) || null : null,
  };
  if (indices.length === 0) {
    return {
      status: 'critical',
      summary: `No index matches ${scope}`,
      values,
    };
  }
  if (failed.length > 0) {
    const f = failed[0];
    return {
      status: 'critical',
      summary: `ILM step error on ${f.index} (${f.phase ?? '?'}/${
        f.action ?? '?'
      }/${f.failed_step ?? f.step}): ${stepReason(f) || 'see step_info'}`,
      values,
    };
  }
  if (unmanaged.length > 0) {
    return {
      status: 'warn',
      summary: `No ILM policy attached to ${unmanaged.length} of ${indices.length} indices of ${scope} (e.g. ${unmanaged[0].index})`,
      values,
    };
  }
  if (!dataStream && anyAliases.size === 0) {
    return {
      status: 'warn',
      summary: `Policy ${values.policies} attached but no rollover alias points at ${scope}`,
      values,
    };
  }
  return {
    status: 'ok',
    summary: `Policy ${values.policies} attached to ${indices.length} indices; rollover via ${values.rollover_alias}`,
    values,
  };
}

/**
 * ILM for one index pattern, per cluster: indices named for the cluster
 * (`logs-prod-01-000007`, `.ds-logs-k8s-prod-01-…`) when there are any, else the shared
 * indices of the pattern. Also returns the pattern-wide result for the platform.
 */
export function evaluateIlm(
  explain: Answer<EsIlmExplain>,
  aliases: Answer<EsAliases>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  scope: IlmScope,
): { clusters: Record<string, CheckResult>; platform: CheckResult } {
  const query = `GET /${scope.pattern}/_ilm/explain; GET /${scope.pattern}/_alias`;
  const links = (kuery: string) =>
    ctx.links.kibanaDiscover(`Kibana (${scope.pattern})`, { kuery });
  if (!explain.ok || !aliases.ok) {
    const error = [explain, aliases]
      .filter((a): a is { ok: false; error: string } => !a.ok)
      .map(a => a.error)
      .join('; ');
    const unknown = unknownResult('ilm', ctx, {
      source: 'elasticsearch',
      query,
      error,
    });
    return {
      clusters: Object.fromEntries(clusters.map(c => [c.name, unknown])),
      platform: unknown,
    };
  }
  const matcher = patternRegex(scope.pattern);
  const all = Object.values(explain.value.indices).filter(i =>
    matcher.test(i.index),
  );
  const owned = new Map<string, EsIlmIndex[]>();
  const attributed = new Set<string>();
  const known = new Set(clusters.map(c => c.name));
  for (const index of all) {
    for (const cluster of clustersOfIndex(index.index, known)) {
      const list = owned.get(cluster);
      if (list) list.push(index);
      else owned.set(cluster, [index]);
      attributed.add(index.index);
    }
  }
  const shared = all.filter(i => !attributed.has(i.index));
  // The same for every cluster without indices of its own (all of them, for the
  // shared span indices): judged once, not once per cluster.
  let sharedVerdict: IlmVerdict | undefined;
  const judgeShared = () =>
    (sharedVerdict ??= judgeIndices(
      shared,
      aliases.value,
      `${scope.pattern} (shared)`,
    ));

  const platformVerdict = judgeIndices(all, aliases.value, scope.pattern);
  const platform = checkResult('ilm', ctx, {
    status: platformVerdict.status,
    summary: platformVerdict.summary,
    evidence: {
      source: 'elasticsearch',
      query,
      values: platformVerdict.values,
    },
  });

  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const mine = owned.get(cluster.name) ?? [];
    const useShared = mine.length === 0;
    const verdict = useShared
      ? judgeShared()
      : judgeIndices(
          mine,
          aliases.value,
          `${scope.pattern} of ${cluster.name}`,
        );
    out[cluster.name] = checkResult('ilm', ctx, {
      status: verdict.status,
      summary: `${scope.noun}: ${verdict.summary}`,
      evidence: {
        source: 'elasticsearch',
        query,
        values: { ...verdict.values, scope: useShared ? 'shared' : 'cluster' },
      },
      links: links(''),
    });
  }
  return { clusters: out, platform };
}

const ILM_SCOPES = [
  { signal: 'logs', noun: 'logs', part: 'elasticsearch' },
  { signal: 'traces', noun: 'spans', part: 'jaeger' },
] as const;

/** ILM policy and rollover (`ilm`): of the log and the span indices, from two answers. */
export const ilmCheck = defineCheck({
  id: 'ilm',
  title: 'ILM policy and rollover',
  seed: '§6 ILM rotation; 10.6 Rollover & ILM hygiene; 10.11 ILM policy',
  failureMode:
    'ILM policy not attached, no rollover alias, or an ILM step in ERROR: indices stop rolling over and hot → warm transitions stall.',
  mitigation:
    'Attach the policy and create the rollover alias (for spans, run the Jaeger ES rollover / ILM init job); fix the failed step, then POST <index>/_ilm/retry.',
  places: [
    { signal: 'logs' },
    { platform: 'elasticsearch' },
    { signal: 'traces' },
    { platform: 'jaeger' },
  ],
  source: 'elasticsearch',
  requests: {
    explain: upstreamRequest('elasticsearch', 'ilm-explain', (es, { es: o }) =>
      es.ilmExplain(`${o.logIndexPattern},${o.spanIndexPattern}`, {
        filterPath: ILM_FILTER_PATH,
      }),
    ),
    aliases: upstreamRequest('elasticsearch', 'alias', (es, { es: o }) =>
      es.alias(`${o.logIndexPattern},${o.spanIndexPattern}`),
    ),
  },
  evaluate: ({ explain, aliases }, { clusters, ctx, es }) =>
    ILM_SCOPES.flatMap(scope => {
      const pattern =
        scope.signal === 'logs' ? es.logIndexPattern : es.spanIndexPattern;
      const ilm = evaluateIlm(explain, aliases, clusters, ctx, {
        ...scope,
        pattern,
      });
      return [
        { signal: scope.signal, results: ilm.clusters },
        { platform: scope.part, result: ilm.platform },
      ];
    }),
});
