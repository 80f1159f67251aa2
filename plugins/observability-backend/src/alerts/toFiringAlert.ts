import {
  AlertState,
  FiringAlert,
  formatMatcher,
  grafanaExploreUrl,
} from '@fleetobs/plugin-observability-common';
import type { AlertmanagerAlert } from '../upstream/AlertmanagerClient';
import type { UiLinks } from '../checks/types';

/** Links an answer may carry: http(s) only, whatever the upstream sent. */
export function httpUrl(value: string | undefined): string | undefined {
  if (!value || !/^https?:\/\//i.test(value)) return undefined;
  return URL.canParse(value) ? value : undefined;
}

function stateOf(alert: AlertmanagerAlert): AlertState {
  if (alert.status.state !== 'suppressed') return 'active';
  if (alert.status.silencedBy?.length) return 'silenced';
  return alert.status.inhibitedBy?.length ? 'inhibited' : 'silenced';
}

/** The alert in Alertmanager's UI: its alert list filtered on the alert's labels. */
function alertmanagerUiUrl(base: string, labels: Record<string, string>) {
  const filter = `{${Object.entries(labels)
    .map(([name, value]) =>
      formatMatcher({ name, value, isRegex: false, isEqual: true }),
    )
    .join(',')}}`;
  return `${base.replace(
    /\/+$/,
    '',
  )}/#/alerts?silenced=true&inhibited=true&filter=${encodeURIComponent(
    filter,
  )}`;
}

/** The rule's expression in Grafana Explore, read from Prometheus' `generatorURL`. */
function grafanaUrl(
  generatorUrl: string | undefined,
  since: string,
  ui: UiLinks,
): string | undefined {
  if (!ui.grafanaUrl || !generatorUrl) return undefined;
  const expr = new URL(generatorUrl).searchParams.get('g0.expr');
  if (!expr) return undefined;
  return grafanaExploreUrl({
    baseUrl: ui.grafanaUrl,
    expr,
    range: { from: since, to: 'now' },
    datasourceUid: ui.grafanaDatasource,
  });
}

/** One Alertmanager v2 alert as the portal shows it, in `cluster`. */
export function toFiringAlert(
  alert: AlertmanagerAlert,
  cluster: string,
  options: { alertmanagerUrl?: string; ui: UiLinks },
): FiringAlert {
  const annotations = alert.annotations ?? {};
  const generatorUrl = httpUrl(alert.generatorURL);
  const base = httpUrl(options.alertmanagerUrl);
  const grafana = grafanaUrl(generatorUrl, alert.startsAt, options.ui);
  return {
    cluster,
    name: alert.labels.alertname ?? '',
    severity: alert.labels.severity || 'none',
    state: stateOf(alert),
    since: alert.startsAt,
    ...(annotations.summary ? { summary: annotations.summary } : {}),
    ...(annotations.description
      ? { description: annotations.description }
      : {}),
    ...(httpUrl(annotations.runbook_url)
      ? { runbookUrl: annotations.runbook_url }
      : {}),
    labels: alert.labels,
    fingerprint: alert.fingerprint,
    silencedBy: alert.status.silencedBy ?? [],
    inhibitedBy: alert.status.inhibitedBy ?? [],
    ...(base ? { alertmanagerUrl: alertmanagerUiUrl(base, alert.labels) } : {}),
    ...(generatorUrl ? { generatorUrl } : {}),
    ...(grafana ? { grafanaUrl: grafana } : {}),
  };
}
