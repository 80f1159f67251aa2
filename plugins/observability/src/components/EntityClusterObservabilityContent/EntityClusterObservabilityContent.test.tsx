import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  ObservabilityApi,
  ObservabilityApiError,
  observabilityApiRef,
} from '../../api';
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
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <EntityProvider entity={clusterEntity(name)}>
        <EntityClusterObservabilityContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityClusterObservabilityContent', () => {
  it("shows the cluster's checks and checklist from one request", async () => {
    const getCluster = jest.fn(async () => clusterDetailFixture);
    await renderFor('dev-01', { getCluster });
    expect(await screen.findByText('dev-01 (dev)')).toBeInTheDocument();
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
