import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { ObservabilityApi, observabilityApiRef } from '../../api';
import { fleetFixture } from '../../__fixtures__/fleet';
import { FleetHealthPage } from './FleetHealthPage';

function renderWith(api: Partial<ObservabilityApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <FleetHealthPage />
    </TestApiProvider>,
  );
}

describe('FleetHealthPage', () => {
  it('shows each cluster with what is wrong in words', async () => {
    await renderWith({ getFleet: async () => fleetFixture });
    expect(await screen.findByText('dev-01')).toBeInTheDocument();
    expect(screen.getByText(/^Last upload 3h ago/)).toBeInTheDocument();
    expect(screen.getByText('1 Warning')).toBeInTheDocument();
    expect(screen.getByText('1 OK')).toBeInTheDocument();
  });

  it('opens a drawer with the evidence, failure mode and mitigation', async () => {
    await renderWith({
      getFleet: async () => fleetFixture,
      getCluster: async () => ({
        generatedAt: fleetFixture.generatedAt,
        cluster: fleetFixture.clusters[0],
        checklist: [
          {
            id: 'thanos-sidecar',
            title: 'Thanos sidecar',
            target: 'Metrics upload',
            passCriteria: 'Blocks appear in correct bucket prefix',
            status: 'warn',
            detail: 'Last upload 3h ago',
            checks: ['sidecar-shipping'],
          },
        ],
      }),
    });
    fireEvent.click(await screen.findByText('dev-01'));
    const drawer = await screen.findByRole('dialog', {
      name: 'Cluster dev-01',
    });
    const check = within(drawer).getByTestId('check-sidecar-shipping');
    expect(within(check).getByText(/restart the sidecar/)).toBeInTheDocument();
    expect(within(check).getByText('ageSeconds: 10800')).toBeInTheDocument();
    expect(
      within(check).getByText(
        /thanos_objstore_bucket_last_successful_upload_time/,
      ),
    ).toBeInTheDocument();
    // A check that is OK does not shout its failure mode.
    expect(
      within(drawer).getByTestId('check-prometheus-ha'),
    ).not.toHaveTextContent('Failure mode');
    expect(
      await within(drawer).findByText('Blocks appear in correct bucket prefix'),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await renderWith({
      getFleet: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(await screen.findByText(/backend unreachable/)).toBeInTheDocument();
  });
});
