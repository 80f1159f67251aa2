import {
  AlertCounts,
  AlertMatcher,
  AlertsUnavailable,
  FiringAlert,
  formatMatcher,
} from '@fleetobs/plugin-observability-common';
import { NotConfiguredError, UpstreamRequest } from '../checks/defineCheck';
import type { UiLinks } from '../checks/types';
import type { AlertmanagerAlert } from '../upstream/AlertmanagerClient';
import type { AlertmanagerPool, AlertmanagerTarget } from './AlertmanagerPool';
import {
  AlertmanagerAnswer,
  alertmanagerPoolOf,
  askEachAlertmanager,
} from './askEachAlertmanager';
import { toFiringAlert } from './toFiringAlert';

/** Clusters named in a shared Alertmanager's filter; beyond, the answer is narrowed here. */
const MAX_CLUSTERS_IN_FILTER = 50;

/** What each Alertmanager answered about the alerts of its clusters. */
export type AlertsAnswers = AlertmanagerAnswer<AlertmanagerAlert[]>[];

/**
 * The alerts (active, silenced and inhibited) of `clusters` matching `matchers`: one
 * request per Alertmanager, in parallel, each with its own timeout.
 */
export function askAlerts(
  pool: AlertmanagerPool,
  clusters: readonly string[],
  clusterLabel: string,
  matchers: AlertMatcher[] = [],
): Promise<AlertsAnswers> {
  const filter = matchers.map(formatMatcher);
  return askEachAlertmanager(pool, clusters, (client, t) =>
    client.alerts({
      // On a shared Alertmanager only the cluster label tells clusters apart;
      // cluster names are [a-z0-9-], safe inside the regular expression. For a
      // whole fleet the regex would outgrow a URL (4,000 names: 40 KB), so the
      // answer is narrowed by `eachAlert` instead.
      filter:
        t.shared && t.clusters.length <= MAX_CLUSTERS_IN_FILTER
          ? [...filter, `${clusterLabel}=~"${t.clusters.join('|')}"`]
          : filter,
      active: true,
      silenced: true,
      inhibited: true,
    }),
  );
}

/**
 * The fleet round's one question to each Alertmanager: every alert of its clusters.
 * `alert-routing` judges the heartbeat in it, and the fleet answer counts the rest,
 * so a refresh costs one request per Alertmanager.
 */
export const fleetAlertsRequest: UpstreamRequest<AlertsAnswers> = {
  key: 'alertmanager:alerts',
  upstream: 'alertmanager',
  send: (clients, env) => {
    const pool = alertmanagerPoolOf(clients);
    if (!pool) throw new NotConfiguredError('alertmanager');
    return askAlerts(
      pool,
      env.clusters.map(c => c.name),
      env.ctx.labels.cluster,
    );
  },
};

/**
 * Calls `visit` for each alert of `clusters` in the answers but the heartbeat, with
 * its cluster; `unavailable` names the clusters whose Alertmanager failed.
 */
function eachAlert(
  answers: AlertsAnswers,
  clusters: readonly string[],
  options: { clusterLabel: string; heartbeat: string },
  visit: (
    alert: AlertmanagerAlert,
    cluster: string,
    target?: AlertmanagerTarget,
  ) => void,
): AlertsUnavailable[] {
  const wanted = new Set(clusters);
  const unavailable: AlertsUnavailable[] = [];
  for (const { clusters: served, target, answer } of answers) {
    if (!answer.ok) {
      unavailable.push(
        ...served.map(cluster => ({ cluster, error: answer.error })),
      );
      continue;
    }
    for (const alert of answer.value) {
      if (alert.labels.alertname === options.heartbeat) continue;
      const cluster = target?.shared
        ? alert.labels[options.clusterLabel]
        : served[0];
      if (cluster && wanted.has(cluster)) visit(alert, cluster, target);
    }
  }
  return unavailable;
}

/** The answers' alerts of `clusters` as the portal lists them, sorted by cluster and name. */
export function firingAlertsOf(
  answers: AlertsAnswers,
  clusters: readonly string[],
  options: { clusterLabel: string; heartbeat: string; ui: UiLinks },
): { alerts: FiringAlert[]; unavailable: AlertsUnavailable[] } {
  const alerts: FiringAlert[] = [];
  const unavailable = eachAlert(answers, clusters, options, (a, cluster, t) =>
    alerts.push(
      toFiringAlert(a, cluster, { alertmanagerUrl: t?.url, ui: options.ui }),
    ),
  );
  alerts.sort(
    (a, b) =>
      a.cluster.localeCompare(b.cluster) ||
      a.name.localeCompare(b.name) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
  return { alerts, unavailable };
}

/**
 * Active (not silenced or inhibited) alerts per cluster by severity; a cluster whose
 * Alertmanager failed has no entry rather than zeros.
 */
export function countAlerts(
  answers: AlertsAnswers,
  clusters: readonly string[],
  options: { clusterLabel: string; heartbeat: string },
): Record<string, AlertCounts> {
  const counts = new Map<string, AlertCounts>();
  for (const cluster of clusters) {
    counts.set(cluster, { critical: 0, warning: 0, other: 0 });
  }
  const unavailable = eachAlert(answers, clusters, options, (alert, c) => {
    if (alert.status.state === 'suppressed') return;
    const severity = alert.labels.severity;
    const count = counts.get(c)!;
    if (severity === 'critical') count.critical++;
    else if (severity === 'warning') count.warning++;
    else count.other++;
  });
  for (const { cluster } of unavailable) counts.delete(cluster);
  // fromEntries makes own keys only: no cluster name reaches the prototype.
  return Object.fromEntries(counts);
}
