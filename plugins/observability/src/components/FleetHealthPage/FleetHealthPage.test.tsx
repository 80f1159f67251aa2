import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ClusterDetail } from '@fleetobs/plugin-observability-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ObservabilityApi, observabilityApiRef } from '../../api';
import {
  clusterDetailFixture,
  fleetSummaryFixture,
} from '../../__fixtures__/fleet';
import { FleetHealthPage } from './FleetHealthPage';

function renderWith(api: Partial<ObservabilityApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <FleetHealthPage />
    </TestApiProvider>,
  );
}

// The full answer must never be asked for by the page: it polls the summary.
const getFleet = jest.fn(async () => {
  throw new Error('the page must not ask for the full fleet');
});

/** `GET /v1/clusters/dev-01` with a mitigation the fleet summary does not carry. */
const detailWithNewMitigation: ClusterDetail = {
  ...clusterDetailFixture,
  cluster: {
    ...clusterDetailFixture.cluster,
    signals: {
      ...clusterDetailFixture.cluster.signals,
      metrics: {
        ...clusterDetailFixture.cluster.signals.metrics,
        checks: clusterDetailFixture.cluster.signals.metrics.checks.map(c =>
          c.id === 'sidecar-shipping'
            ? {
                ...c,
                mitigation:
                  'Restart thanos-sidecar in dev-01 and check its bucket credentials.',
              }
            : c,
        ),
      },
    },
  },
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function openDrawer(name: string) {
  fireEvent.click(await screen.findByText(name));
  return screen.findByRole('dialog', { name: `Cluster ${name}` });
}

describe('FleetHealthPage', () => {
  beforeEach(() => getFleet.mockClear());

  it('lists the worst clusters first and pages a large fleet', async () => {
    const [warn, ok] = fleetSummaryFixture.clusters;
    // 120 clusters: all ok but one critical, named last alphabetically.
    const clusters = Array.from({ length: 120 }, (_, i) => ({
      ...ok,
      name: `edge-${String(i).padStart(3, '0')}`,
    }));
    clusters[119] = { ...warn, name: 'edge-119', status: 'critical' as const };
    await renderWith({
      getFleet,
      getFleetSummary: async () => ({ ...fleetSummaryFixture, clusters }),
    });
    expect(await screen.findByText('Clusters (120)')).toBeInTheDocument();
    const names = screen
      .getAllByRole('row')
      .slice(1)
      .map(row => within(row).queryAllByRole('cell')[0]?.textContent);
    expect(names[0]).toBe('edge-119');
    expect(names[1]).toBe('edge-000');
    expect(names.filter(n => n?.startsWith('edge-'))).toHaveLength(50);
    expect(screen.getAllByText('1-50 of 120').length).toBeGreaterThan(0);
  });

  it('shows each cluster from the fleet summary, with what is wrong in words', async () => {
    const getFleetSummary = jest.fn(async () => fleetSummaryFixture);
    await renderWith({ getFleet, getFleetSummary });
    expect(await screen.findByText('dev-01')).toBeInTheDocument();
    expect(screen.getByText(/^Last upload 3h ago/)).toBeInTheDocument();
    expect(screen.getByText('1 Warning')).toBeInTheDocument();
    expect(screen.getByText('1 OK')).toBeInTheDocument();
    expect(
      screen.getByText(
        /with 15 upstream requests in 0\.3 s; refreshes every 30 s/,
      ),
    ).toBeInTheDocument();
    expect(getFleetSummary).toHaveBeenCalledTimes(1);
    expect(getFleet).not.toHaveBeenCalled();
  });

  it('shows the cluster header at once, then the evidence, failure mode and mitigation from getCluster', async () => {
    const answer = deferred<ClusterDetail>();
    const getCluster = jest.fn(() => answer.promise);
    await renderWith({
      getFleet,
      getFleetSummary: async () => fleetSummaryFixture,
      getCluster,
    });
    const drawer = await openDrawer('dev-01');

    // Before the details arrive: the summary's name, environment and status, and a
    // progress bar instead of the checks.
    expect(within(drawer).getByText('dev')).toBeInTheDocument();
    expect(within(drawer).getByText(/^Overall warn for/)).toBeInTheDocument();
    expect(within(drawer).getByTestId('progress')).toBeInTheDocument();
    expect(
      within(drawer).queryByTestId('check-sidecar-shipping'),
    ).not.toBeInTheDocument();

    answer.resolve(detailWithNewMitigation);
    const check = await within(drawer).findByTestId('check-sidecar-shipping');
    expect(within(drawer).queryByTestId('progress')).not.toBeInTheDocument();

    // The mitigation of getCluster's answer, not the one of the summary.
    expect(
      within(check).getByText(/Restart thanos-sidecar in dev-01/),
    ).toBeInTheDocument();
    expect(
      within(check).queryByText(/Alerts on ship lag/),
    ).not.toBeInTheDocument();
    expect(within(check).getByText('ageSeconds: 10800')).toBeInTheDocument();
    expect(
      within(check).getByText(
        /thanos_objstore_bucket_last_successful_upload_time/,
      ),
    ).toBeInTheDocument();

    // The OK check has its evidence and links again (the summary trimmed them), but
    // does not shout its failure mode.
    const ok = within(drawer).getByTestId('check-prometheus-ha');
    expect(within(ok).getByText('replicasUp: 2')).toBeInTheDocument();
    expect(within(ok).getByText('Prometheus targets')).toBeInTheDocument();
    expect(ok).not.toHaveTextContent('Failure mode');

    // The checklist comes from the same answer: one request for the whole drawer.
    expect(
      within(drawer).getByText('Blocks appear in correct bucket prefix'),
    ).toBeInTheDocument();
    expect(getCluster).toHaveBeenCalledTimes(1);
    expect(getCluster).toHaveBeenCalledWith('dev-01');
  });

  it('says so in the drawer when getCluster fails, and can try again', async () => {
    const getCluster = jest
      .fn<Promise<ClusterDetail>, [string]>()
      .mockRejectedValueOnce(new Error('observability backend timed out'))
      .mockResolvedValueOnce(detailWithNewMitigation);
    await renderWith({
      getFleet,
      getFleetSummary: async () => fleetSummaryFixture,
      getCluster,
    });
    const drawer = await openDrawer('dev-01');

    expect(
      await within(drawer).findByText(/Could not load the checks of dev-01/),
    ).toBeInTheDocument();
    expect(
      within(drawer).getByText(/observability backend timed out/),
    ).toBeInTheDocument();
    // The header of the summary is still there; no check is shown from the summary.
    expect(within(drawer).getByText(/^Overall warn for/)).toBeInTheDocument();
    expect(
      within(drawer).queryByTestId('check-sidecar-shipping'),
    ).not.toBeInTheDocument();

    fireEvent.click(within(drawer).getByRole('button', { name: 'Try again' }));
    expect(
      await within(drawer).findByText(/Restart thanos-sidecar in dev-01/),
    ).toBeInTheDocument();
    await waitFor(() => expect(getCluster).toHaveBeenCalledTimes(2));
  });

  it('shows the error when the backend fails', async () => {
    await renderWith({
      getFleet,
      getFleetSummary: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(await screen.findByText(/backend unreachable/)).toBeInTheDocument();
  });
});
