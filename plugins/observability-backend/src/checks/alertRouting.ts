import { defineCheck } from './defineCheck';
import { AlertsAnswers, fleetAlertsRequest } from '../alerts/fleetAlerts';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { AlertmanagerAlert } from '../upstream/AlertmanagerClient';
import { unknownForAll } from './perCluster';
import { checkResult } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

/** The always-firing heartbeat alert of kube-prometheus (shared PrometheusRules, 10.2). */
export const DEFAULT_WATCHDOG_ALERT = 'Watchdog';

/**
 * Per cluster: the heartbeat alert of the cluster reaches Alertmanager, carries the
 * cluster and environment labels the routes match on, and is routed to a receiver.
 */
export function evaluateAlertRouting(
  answer: Answer<AlertmanagerAlert[]>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  alertName = DEFAULT_WATCHDOG_ALERT,
): Record<string, CheckResult> {
  // One request serves this check and the fleet's alert counts: the heartbeat is
  // picked out of the answer here (so the name is compared, never sent).
  const query = `GET /api/v2/alerts, alertname="${alertName}"`;
  if (!answer.ok) {
    return unknownForAll('alert-routing', clusters, ctx, {
      source: 'alertmanager',
      query,
      error: answer.error,
    });
  }
  const { cluster: cl, environment: el } = ctx.labels;
  const byCluster = new Map<string, AlertmanagerAlert[]>();
  for (const alert of answer.value) {
    if (alert.labels.alertname !== alertName) continue;
    const cluster = alert.labels[cl];
    if (!cluster) continue;
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), alert]);
  }
  const out: Record<string, CheckResult> = {};
  for (const cluster of clusters) {
    const alerts = byCluster.get(cluster.name) ?? [];
    const receivers = [
      ...new Set(alerts.flatMap(a => a.receivers.map(r => r.name))),
    ];
    const envs = [...new Set(alerts.map(a => a.labels[el] ?? ''))];
    const values = {
      alerts: alerts.length,
      receivers: receivers.join(', '),
      environment: envs.join(', '),
      expected_environment: cluster.environment,
      state: alerts[0]?.status.state ?? null,
    };
    const result = (status: CheckResult['status'], summary: string) =>
      checkResult('alert-routing', ctx, {
        status,
        summary,
        evidence: { source: 'alertmanager', query, values },
      });
    const knownEnv = cluster.environment && cluster.environment !== 'unknown';
    if (alerts.length === 0) {
      out[cluster.name] = result(
        'critical',
        `No ${alertName} alert from ${cluster.name} reaches Alertmanager: alerts of the cluster are not delivered`,
      );
    } else if (envs.includes('')) {
      out[cluster.name] = result(
        'warn',
        `${alertName} of ${cluster.name} has no ${el} label: environment-specific routes cannot match`,
      );
    } else if (knownEnv && envs.some(e => e !== cluster.environment)) {
      out[cluster.name] = result(
        'warn',
        `${alertName} of ${cluster.name} is labelled ${el}="${values.environment}", expected "${cluster.environment}": it may hit the wrong receiver`,
      );
    } else if (receivers.length === 0) {
      out[cluster.name] = result(
        'warn',
        `${alertName} of ${cluster.name} reaches Alertmanager but no receiver matches`,
      );
    } else {
      out[cluster.name] = result(
        'ok',
        `${alertName} of ${cluster.name} routed to ${values.receivers}`,
      );
    }
  }
  return out;
}

/** Judges each Alertmanager's clusters on its own answer: a down one makes only its clusters `unknown`. */
export function evaluateAlertRoutingPerAlertmanager(
  answer: Answer<AlertsAnswers>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  alertName = DEFAULT_WATCHDOG_ALERT,
): Record<string, CheckResult> {
  if (!answer.ok) {
    return evaluateAlertRouting(answer, clusters, ctx, alertName);
  }
  const out: Record<string, CheckResult> = {};
  const byName = new Map(clusters.map(c => [c.name, c]));
  for (const part of answer.value) {
    // Looked up by name: one Alertmanager per cluster is thousands of parts.
    const served = part.clusters.flatMap(name => byName.get(name) ?? []);
    Object.assign(
      out,
      evaluateAlertRouting(part.answer, served, ctx, alertName),
    );
  }
  return out;
}

/** Alert routing (`alert-routing`). */
export const alertRoutingCheck = defineCheck({
  id: 'alert-routing',
  title: 'Alert routing',
  seed: '10.11 Alert routing; 10.2 environment-specific Alertmanager config',
  failureMode:
    'Alerts of the cluster do not reach Alertmanager, or reach it without the labels that route them to the expected receiver (prod vs non-prod).',
  mitigation:
    "Check the cluster's Alertmanager endpoints in Prometheus, the external labels, and the environment-specific routes; a test alert must hit the expected receiver.",
  places: [{ signal: 'metrics' }],
  source: 'alertmanager',
  requests: { alerts: fleetAlertsRequest },
  evaluate: ({ alerts }, { clusters, ctx, watchdogAlertName }) => [
    {
      signal: 'metrics',
      results: evaluateAlertRoutingPerAlertmanager(
        alerts,
        clusters,
        ctx,
        watchdogAlertName,
      ),
    },
  ],
});
