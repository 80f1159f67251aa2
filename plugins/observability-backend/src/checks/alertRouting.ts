import {
  alertmanagerPoolOf,
  AlertmanagerAnswer,
  askEachAlertmanager,
} from '../alerts/askEachAlertmanager';
import {
  defineCheck,
  NotConfiguredError,
  UpstreamRequest,
} from './defineCheck';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { AlertmanagerAlert } from '../upstream/AlertmanagerClient';
import { unknownForAll } from './perCluster';
import { checkResult } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

/** The always-firing heartbeat alert of kube-prometheus (shared PrometheusRules, 10.2). */
export const DEFAULT_WATCHDOG_ALERT = 'Watchdog';

const ALERT_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The `filter` matchers of the one Alertmanager request. */
export function alertRoutingFilter(
  alertName = DEFAULT_WATCHDOG_ALERT,
): string[] {
  if (!ALERT_NAME.test(alertName)) {
    throw new Error(`invalid alert name "${alertName}"`);
  }
  return [`alertname="${alertName}"`];
}

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
  const query = `GET /api/v2/alerts?filter=${alertRoutingFilter(alertName)[0]}`;
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

/**
 * The Watchdog question to every Alertmanager of the round: one request per
 * Alertmanager (not per cluster), in parallel, each with its own timeout.
 */
export const watchdogRequest: UpstreamRequest<
  AlertmanagerAnswer<AlertmanagerAlert[]>[]
> = {
  key: 'alertmanager:watchdog',
  upstream: 'alertmanager',
  send: (clients, env) => {
    const pool = alertmanagerPoolOf(clients);
    if (!pool) throw new NotConfiguredError('alertmanager');
    return askEachAlertmanager(
      pool,
      env.clusters.map(c => c.name),
      client =>
        client.alerts({
          filter: alertRoutingFilter(env.watchdogAlertName),
          active: true,
          silenced: true,
          inhibited: true,
        }),
    );
  },
};

/** Judges each Alertmanager's clusters on its own answer: a down one makes only its clusters `unknown`. */
export function evaluateAlertRoutingPerAlertmanager(
  answer: Answer<AlertmanagerAnswer<AlertmanagerAlert[]>[]>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  alertName = DEFAULT_WATCHDOG_ALERT,
): Record<string, CheckResult> {
  if (!answer.ok) {
    return evaluateAlertRouting(answer, clusters, ctx, alertName);
  }
  const out: Record<string, CheckResult> = {};
  for (const part of answer.value) {
    const served = new Set(part.clusters);
    Object.assign(
      out,
      evaluateAlertRouting(
        part.answer,
        clusters.filter(c => served.has(c.name)),
        ctx,
        alertName,
      ),
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
  requests: { alerts: watchdogRequest },
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
