import type { AlertCounts } from '@fleetobs/plugin-observability-common';
import type { AlertsService } from './AlertsService';

export { AlertsService, AlertmanagerRefusedError } from './AlertsService';
export { createAlertsRouter } from './router';
export { createAlertmanagerPool, alertmanagerUrlFor } from './AlertmanagerPool';
export type { AlertmanagerPool, AlertmanagerTarget } from './AlertmanagerPool';

/**
 * For the fleet answer: firing (not muted) alerts per cluster by severity, one request
 * per Alertmanager, in parallel; a cluster whose Alertmanager failed has no entry.
 */
export function alertCountsByCluster(
  alerts: AlertsService,
  clusters: readonly string[],
): Promise<Record<string, AlertCounts>> {
  return alerts.countsByCluster(clusters);
}
