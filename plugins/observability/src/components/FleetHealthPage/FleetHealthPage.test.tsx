import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
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
  it('shows each cluster with its signals in words', async () => {
    await renderWith({ getFleet: async () => fleetFixture });
    expect(await screen.findByText('dev-01')).toBeInTheDocument();
    expect(screen.getByText('1 of 2 checks not OK')).toBeInTheDocument();
    expect(screen.getAllByText('Not checked')).toHaveLength(2);
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
