import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ObservabilityClient, observabilityApiRef } from './api';
import { retentionRouteRef, rootRouteRef } from './routes';
import {
  RetentionClient,
  retentionApiRef,
} from './components/RetentionPage/retentionApi';

/**
 * The observability plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const observabilityPlugin = createPlugin({
  id: 'observability',
  apis: [
    createApiFactory({
      api: retentionApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new RetentionClient(deps),
    }),
    createApiFactory({
      api: observabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ObservabilityClient(deps),
    }),
  ],
  routes: { root: rootRouteRef, retention: retentionRouteRef },
});

/**
 * The fleet health page.
 *
 * @public
 */
export const ObservabilityFleetPage = observabilityPlugin.provide(
  createRoutableExtension({
    name: 'ObservabilityFleetPage',
    component: () =>
      import('./components/FleetHealthPage').then(m => m.FleetHealthPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Observability tab of a cluster Resource entity: its checks and onboarding checklist.
 *
 * @public
 */
export const EntityClusterObservabilityContent = observabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityClusterObservabilityContent',
    component: {
      lazy: () =>
        import('./components/EntityClusterObservabilityContent').then(
          m => m.EntityClusterObservabilityContent,
        ),
    },
  }),
);

/**
 * The Observability tab of a service: RED metrics, error logs and traces with the
 * log line → trace → logs drilldown.
 *
 * @public
 */
export const EntityObservabilityContent = observabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityObservabilityContent',
    component: {
      lazy: () =>
        import('./components/EntityObservabilityContent').then(
          m => m.EntityObservabilityContent,
        ),
    },
  }),
);

/**
 * The overview card of a service: one line per signal with its status and links.
 *
 * @public
 */
export const EntityObservabilityCard = observabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityObservabilityCard',
    component: {
      lazy: () =>
        import('./components/EntityObservabilityCard').then(
          m => m.EntityObservabilityCard,
        ),
    },
  }),
);

/**
 * The retention page: retention today per cluster and signal, and change requests.
 *
 * @public
 */
export const ObservabilityRetentionPage = observabilityPlugin.provide(
  createRoutableExtension({
    name: 'ObservabilityRetentionPage',
    component: () =>
      import('./components/RetentionPage').then(m => m.RetentionPage),
    mountPoint: retentionRouteRef,
  }),
);
