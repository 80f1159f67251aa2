import { ANNOTATION_KUBERNETES_ID } from '@fleetobs/plugin-observability-common';

/**
 * A cluster links formatter for the Kubernetes plugin (its `ClusterLinksFormatter`
 * shape): a pod or workload links to the Observability tab of the service it belongs
 * to (its `backstage.io/kubernetes-id` label), scoped to that cluster; anything else to
 * the cluster's own Observability tab.
 *
 * Select it for a cluster with the annotations
 * `kubernetes.io/dashboard-app: fleetobs-observability` and
 * `kubernetes.io/dashboard-parameters: '{"cluster":"<name>"}'` (and, when the portal is
 * not the origin the page is served from, `kubernetes.io/dashboard-url: <portal URL>`).
 *
 * @public
 */
export class ObservabilityClusterLinksFormatter {
  async formatClusterLink(options: {
    dashboardUrl?: URL;
    dashboardParameters?: { [key: string]: unknown };
    object: any;
    kind: string;
  }): Promise<URL> {
    const cluster = options.dashboardParameters?.cluster;
    if (typeof cluster !== 'string' || cluster === '') {
      throw new Error(
        'kubernetes.io/dashboard-parameters needs a "cluster" for the fleetobs-observability links',
      );
    }
    const base = options.dashboardUrl ?? new URL(window.location.origin);
    const service =
      options.object?.metadata?.labels?.[ANNOTATION_KUBERNETES_ID];
    const namespace = 'default';
    const url =
      typeof service === 'string' && service !== ''
        ? new URL(
            `/catalog/${namespace}/component/${encodeURIComponent(
              service,
            )}/observability`,
            base,
          )
        : new URL(
            `/catalog/${namespace}/resource/${encodeURIComponent(
              cluster,
            )}/observability`,
            base,
          );
    url.searchParams.set('cluster', cluster);
    return url;
  }
}

/** The name to select the formatter by (`kubernetes.io/dashboard-app`). @public */
export const OBSERVABILITY_DASHBOARD_APP = 'fleetobs-observability';
