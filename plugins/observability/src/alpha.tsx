import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import DashboardIcon from '@material-ui/icons/Dashboard';
import HistoryIcon from '@material-ui/icons/History';
import { ObservabilityClient, observabilityApiRef } from './api';
import { retentionRouteRef, rootRouteRef } from './routes';

// The scaffolder field RetentionChangeField (`scaffolder-form-field`), loaded lazily.
const retentionChangeFormField = FormFieldBlueprint.make({
  name: 'retention-change',
  params: {
    field: () =>
      import('./components/RetentionField').then(
        m => m.retentionChangeFormField,
      ),
  },
});

const retentionPage = PageBlueprint.make({
  name: 'retention',
  params: {
    path: '/observability/retention',
    title: 'Retention',
    icon: <HistoryIcon />,
    routeRef: retentionRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/RetentionPage').then(m => <m.RetentionPage />),
  },
});

const observabilityApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: observabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new ObservabilityClient(deps),
    }),
});

const fleetHealthPage = PageBlueprint.make({
  params: {
    path: '/observability',
    title: 'Fleet health',
    icon: <DashboardIcon />,
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/FleetHealthPage').then(m => <m.FleetHealthPage />),
  },
});

const clusterContent = EntityContentBlueprint.make({
  name: 'cluster',
  params: {
    path: '/observability',
    title: 'Observability',
    filter: { kind: 'resource', 'spec.type': 'kubernetes-cluster' },
    loader: () =>
      import('./components/EntityClusterObservabilityContent').then(m => (
        <m.EntityClusterObservabilityContent />
      )),
  },
});

const serviceContent = EntityContentBlueprint.make({
  name: 'service',
  params: {
    path: '/observability',
    title: 'Observability',
    filter: 'kind:component',
    loader: () =>
      import('./components/EntityObservabilityContent').then(m => (
        <m.EntityObservabilityContent />
      )),
  },
});

const serviceCard = EntityCardBlueprint.make({
  name: 'service',
  params: {
    filter: 'kind:component',
    loader: () =>
      import('./components/EntityObservabilityCard').then(m => (
        <m.EntityObservabilityCard />
      )),
  },
});

/**
 * The observability plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'observability',
  title: 'Fleet health',
  icon: <DashboardIcon />,
  routes: { root: rootRouteRef, retention: retentionRouteRef },
  extensions: [
    observabilityApi,
    retentionPage,
    retentionChangeFormField,
    fleetHealthPage,
    clusterContent,
    serviceContent,
    serviceCard,
  ],
});
