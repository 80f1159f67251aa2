import { defineCheck, upstreamRequest } from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { RULES_PATH, ThanosRules } from '../upstream/thanosRules';
import { unknownForAll } from './perCluster';
import { checkResult } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

/**
 * The group names of the platform's rules file
 * (`examples/gitops-repo/charts/monitoring/rules/fleetobs-platform.rules.yaml`; a test
 * keeps the two equal).
 */
export const PLATFORM_RULE_GROUPS: readonly string[] = [
  'fleetobs-thanos',
  'fleetobs-prometheus',
  'fleetobs-logs',
  'fleetobs-traces',
  'fleetobs-certificates',
];

/** Errors of one cluster's rules in one group (empty when healthy). */
type GroupsOfCluster = Map<string, string[]>;

/**
 * Thanos Query merges the groups of the same name and file from every source, each
 * rule carrying its source's external labels: a cluster "has" a group when a rule of
 * that group carries its cluster label.
 */
function groupsByCluster(
  rules: ThanosRules,
  clusterLabel: string,
): Map<string, GroupsOfCluster> {
  const out = new Map<string, GroupsOfCluster>();
  for (const group of rules.groups) {
    for (const rule of group.rules ?? []) {
      const cluster =
        rule.labels?.[clusterLabel] ?? group.labels?.[clusterLabel];
      if (cluster === undefined) continue;
      const mine = out.get(cluster) ?? new Map<string, string[]>();
      out.set(cluster, mine);
      const errors = mine.get(group.name) ?? [];
      mine.set(group.name, errors);
      if (rule.health === 'err' || rule.lastError) {
        errors.push(`${rule.name}: ${rule.lastError || 'health err'}`);
      }
    }
  }
  return out;
}

const clip = (text: string) =>
  text.length > 300 ? `${text.slice(0, 297)}...` : text;

export function evaluateAlertRules(
  answer: Answer<ThanosRules>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  expected: readonly string[] = PLATFORM_RULE_GROUPS,
): Record<string, CheckResult> {
  if (!answer.ok) {
    return unknownForAll('alert-rules', clusters, ctx, {
      source: 'thanos',
      query: RULES_PATH,
      error: answer.error,
    });
  }
  const loaded = groupsByCluster(answer.value, ctx.labels.cluster);
  const warnings = answer.value.warnings?.length
    ? clip(answer.value.warnings.join('; '))
    : undefined;
  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const mine = loaded.get(cluster.name) ?? new Map<string, string[]>();
    const missing = expected.filter(g => !mine.has(g));
    const unhealthy = expected.filter(g => (mine.get(g)?.length ?? 0) > 0);
    const values = {
      groups_expected: expected.length,
      groups_loaded: expected.length - missing.length,
      missing: missing.join(', '),
      unhealthy: clip(
        unhealthy.map(g => `${g} (${mine.get(g)!.join('; ')})`).join(', '),
      ),
      ...(warnings ? { warnings } : {}),
    };
    const result = (status: CheckResult['status'], summary: string) =>
      checkResult('alert-rules', ctx, {
        status,
        summary,
        evidence: { source: 'thanos', query: RULES_PATH, values },
      });
    if (missing.length === expected.length) {
      out[cluster.name] = result(
        'critical',
        `None of the platform's ${expected.length} rule groups is loaded in the cluster's Prometheus: its platform alerts cannot fire`,
      );
    } else if (missing.length > 0 || unhealthy.length > 0) {
      const parts = [
        missing.length ? `missing: ${missing.join(', ')}` : '',
        unhealthy.length ? `failing: ${unhealthy.join(', ')}` : '',
      ].filter(Boolean);
      out[cluster.name] = result(
        'warn',
        `Platform rule groups ${parts.join('; ')}`,
      );
    } else {
      out[cluster.name] = result(
        'ok',
        `All ${expected.length} platform rule groups loaded and healthy`,
      );
    }
  }
  return out;
}

/** The platform's alert rules are loaded (`alert-rules`). */
export const alertRulesCheck = defineCheck({
  id: 'alert-rules',
  title: 'Platform alert rules loaded',
  seed: '10.2 Shared PrometheusRules; 10.3 Alertmanager per cluster; 10.11 Alert routing',
  failureMode:
    "The cluster's Prometheus has not loaded the platform's rule groups, or fails to evaluate them: ship lag, compaction lag, ingestion stops and certificate expiry would not alert.",
  mitigation:
    "Sync the monitoring chart's rules (fleetobs-platform.rules.yaml) to the cluster and check the PrometheusRule selector of its Prometheus; a rule's lastError names a broken expression or a missing series.",
  places: [{ signal: 'metrics' }],
  source: 'thanos',
  requests: {
    rules: upstreamRequest('thanos', 'rules', thanos => thanos.rules()),
  },
  evaluate: ({ rules }, { clusters, ctx }) => [
    { signal: 'metrics', results: evaluateAlertRules(rules, clusters, ctx) },
  ],
});
