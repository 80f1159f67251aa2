import {
  CheckId,
  CheckResult,
  HealthStatus,
  SignalName,
  worstStatus,
} from '@fleetobs/plugin-observability-common';

/** Items of the onboarding checklist (platform design 10.11). */
export type ChecklistItemId =
  | 'external-labels'
  | 'thanos-sidecar'
  | 'alert-routing'
  | 'ilm-policy'
  | 'log-alert-engine'
  | 'trace-ingestion';

export interface ChecklistItem {
  id: ChecklistItemId;
  /** The "Check" column of 10.11. */
  title: string;
  /** The "Target" column. */
  target: string;
  /** The "Pass Criteria" column. */
  passCriteria: string;
  /** `ok` only when every check behind the item is `ok`. */
  status: HealthStatus;
  /** Why: the summaries of the checks behind the item. */
  detail: string;
  /** Check ids the item is evaluated from. */
  checks: CheckId[];
}

const ITEMS: Array<Omit<ChecklistItem, 'status' | 'detail'>> = [
  {
    id: 'external-labels',
    title: 'External labels',
    target: 'Prometheus',
    passCriteria: 'cluster & environment present globally',
    checks: ['external-labels'],
  },
  {
    id: 'thanos-sidecar',
    title: 'Thanos sidecar',
    target: 'Metrics upload',
    passCriteria: 'Blocks appear in correct bucket prefix',
    checks: ['sidecar-shipping', 'bucket-prefix'],
  },
  {
    id: 'alert-routing',
    title: 'Alert routing',
    target: 'Alertmanager',
    passCriteria: 'Test alert hits expected receiver (prod vs non-prod)',
    checks: ['alert-routing'],
  },
  {
    id: 'ilm-policy',
    title: 'ILM policy',
    target: 'Elasticsearch',
    passCriteria: 'Policy attached & rollover alias exists',
    checks: ['ilm'],
  },
  {
    id: 'log-alert-engine',
    title: 'Log alert engine',
    target: 'ElastAlert2',
    passCriteria: 'Test rule fires & resolves',
    checks: ['elastalert'],
  },
  {
    id: 'trace-ingestion',
    title: 'Trace ingestion',
    target: 'Jaeger / ES',
    passCriteria: 'Sampled spans visible with cluster label',
    checks: ['span-freshness'],
  },
];

/** The checks of one cluster, from a run (`runFleetChecks`) or a fleet answer. */
type ClusterChecksSource =
  | { clusters: Record<string, Partial<Record<SignalName, CheckResult[]>>> }
  | {
      clusters: Array<{
        name: string;
        signals: Record<SignalName, { checks: CheckResult[] }>;
      }>;
    };

function checksOf(results: ClusterChecksSource, clusterName: string) {
  if (Array.isArray(results.clusters)) {
    const cluster = results.clusters.find(c => c.name === clusterName);
    if (!cluster) return undefined;
    return Object.values(cluster.signals).flatMap(s => s.checks);
  }
  const signals = results.clusters[clusterName];
  if (!signals) return undefined;
  return Object.values(signals).flatMap(list => list ?? []);
}

/** Evaluates the 10.11 checklist from the checks of one cluster. */
export function checklistFromChecks(checks: CheckResult[]): ChecklistItem[] {
  return ITEMS.map(item => {
    const behind = checks.filter(c => item.checks.includes(c.id));
    if (behind.length === 0) {
      return {
        ...item,
        status: 'unknown' as HealthStatus,
        detail: `Not evaluated: no ${item.checks.join(
          ', ',
        )} result for the cluster.`,
      };
    }
    return {
      ...item,
      status: worstStatus(behind.map(c => c.status)),
      detail: behind.map(c => c.summary).join(' · '),
    };
  });
}

/**
 * The onboarding checklist (10.11) of one cluster, evaluated from the same results as
 * the fleet page; undefined when the cluster is not in the results.
 */
export function checklistForCluster(
  results: ClusterChecksSource,
  clusterName: string,
): ChecklistItem[] | undefined {
  const checks = checksOf(results, clusterName);
  return checks ? checklistFromChecks(checks) : undefined;
}
