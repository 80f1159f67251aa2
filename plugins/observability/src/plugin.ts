import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { ObservabilityClient, observabilityApiRef } from './api';
import {
  RETENTION_CHANGE_FIELD_NAME,
  RetentionChangeField,
  retentionChangeValidation,
} from './components/RetentionField';
import { retentionRouteRef, rootRouteRef } from './routes';

/**
 * The observability plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const observabilityPlugin = createPlugin({
  id: 'observability',
  apis: [
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
export const ObservabilityFleetPage: () => JSX.Element =
  observabilityPlugin.provide(
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
export const EntityClusterObservabilityContent: () => JSX.Element =
  observabilityPlugin.provide(
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
export const EntityObservabilityContent: () => JSX.Element =
  observabilityPlugin.provide(
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
export const EntityObservabilityCard: () => JSX.Element =
  observabilityPlugin.provide(
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
export const ObservabilityRetentionPage: () => JSX.Element =
  observabilityPlugin.provide(
    createRoutableExtension({
      name: 'ObservabilityRetentionPage',
      component: () =>
        import('./components/RetentionPage').then(m => m.RetentionPage),
      mountPoint: retentionRouteRef,
    }),
  );

/**
 * Scaffolder field extension `RetentionChangeField`: today's retention vs the requested
 * one, its problems and its estimated cost, for the cluster and signal chosen in the
 * form. Put it inside `<ScaffolderFieldExtensions>`.
 *
 * @public
 */
export const RetentionChangeFieldExtension = observabilityPlugin.provide(
  createScaffolderFieldExtension({
    name: RETENTION_CHANGE_FIELD_NAME,
    component: RetentionChangeField,
    validation: retentionChangeValidation,
  }),
);
