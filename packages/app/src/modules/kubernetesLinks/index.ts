import {
  ApiBlueprint,
  createFrontendModule,
  googleAuthApiRef,
} from '@backstage/frontend-plugin-api';
import {
  DEFAULT_FORMATTER_NAME,
  getDefaultFormatters,
  KubernetesClusterLinkFormatter,
  kubernetesClusterLinkFormatterApiRef,
} from '@backstage/plugin-kubernetes-react';
import {
  OBSERVABILITY_DASHBOARD_APP,
  ObservabilityClusterLinksFormatter,
} from '@fleetobs/plugin-observability';

/**
 * The Kubernetes plugin's cluster links, plus one that leads from a pod or workload to
 * the Observability tab of its service in that cluster (clusters opt in with
 * `kubernetes.io/dashboard-app: fleetobs-observability`).
 */
export const kubernetesLinksModule = createFrontendModule({
  pluginId: 'kubernetes',
  extensions: [
    ApiBlueprint.make({
      name: 'cluster-link-formatter',
      params: defineParams =>
        defineParams({
          api: kubernetesClusterLinkFormatterApiRef,
          deps: { googleAuthApi: googleAuthApiRef },
          factory: deps =>
            new KubernetesClusterLinkFormatter({
              formatters: {
                ...getDefaultFormatters(deps),
                [OBSERVABILITY_DASHBOARD_APP]:
                  new ObservabilityClusterLinksFormatter(),
              },
              defaultFormatterName: DEFAULT_FORMATTER_NAME,
            }),
        }),
    }),
  ],
});
