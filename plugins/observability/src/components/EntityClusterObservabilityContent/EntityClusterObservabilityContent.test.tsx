import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  ObservabilityApi,
  ObservabilityApiError,
  observabilityApiRef,
} from '../../api';
import { checkoutLatencyAlert } from '../../__fixtures__/alerts';
import { clusterDetailFixture } from '../../__fixtures__/fleet';
import { EntityClusterObservabilityContent } from './EntityClusterObservabilityContent';

const clusterEntity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name },
  spec: { type: 'kubernetes-cluster', owner: 'platform-team' },
});

function renderFor(name: string, api: Partial<ObservabilityApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [observabilityApiRef, api],
        [permissionApiRef, new MockPermissionApi()],
      ]}
    >
      <EntityProvider entity={clusterEntity(name)}>
        <EntityClusterObservabilityContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityClusterObservabilityContent', () => {
  it("shows the cluster's checks and checklist from one request", async () => {
    const getCluster = jest.fn(async () => clusterDetailFixture);
    const getAlerts = jest.fn(async () => ({
      alerts: [{ ...checkoutLatencyAlert, cluster: 'dev-01' }],
      unavailable: [],
    }));
    await renderFor('dev-01', { getCluster, getAlerts });
    expect(await screen.findByText('dev-01 (dev)')).toBeInTheDocument();
    expect(
      await screen.findByTestId('alert-dev-01-ServiceLatencyHigh'),
    ).toBeInTheDocument();
    expect(getAlerts).toHaveBeenCalledWith({
      cluster: 'dev-01',
      entityRef: undefined,
    });
    expect(
      within(screen.getByTestId('check-sidecar-shipping')).getByText(
        'Last upload 3h ago',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Blocks appear in correct bucket prefix'),
    ).toBeInTheDocument();
    expect(getCluster).toHaveBeenCalledTimes(1);
    expect(getCluster).toHaveBeenCalledWith('dev-01');
  });

  it('says so when the cluster is not in the fleet', async () => {
    await renderFor('new-01', {
      getCluster: async () => {
        throw new ObservabilityApiError(
          404,
          'NotFoundError',
          'No cluster named "new-01"',
        );
      },
    });
    expect(
      await screen.findByText(/new-01 is not in the fleet yet/),
    ).toBeInTheDocument();
  });
});
