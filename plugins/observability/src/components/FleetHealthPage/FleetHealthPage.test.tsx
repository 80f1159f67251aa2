import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  ClusterDetail,
  FleetPageQuery,
  FleetSummaryPage,
} from '@fleetobs/plugin-observability-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ObservabilityApi, observabilityApiRef } from '../../api';
import {
  checkoutErrorsAlert,
  checkoutLatencyAlert,
} from '../../__fixtures__/alerts';
import {
  clusterDetailFixture,
  fleetSummaryFixture,
} from '../../__fixtures__/fleet';
import { FleetHealthPage } from './FleetHealthPage';
import { FleetClusterRow } from './FleetTable';

function renderWith(api: Partial<ObservabilityApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [observabilityApiRef, api],
        [permissionApiRef, new MockPermissionApi()],
      ]}
    >
      <FleetHealthPage />
    </TestApiProvider>,
  );
}

// The page asks the server for one page at a time, never for the whole fleet.
const getFleet = jest.fn(async () => {
  throw new Error('the page must not ask for the full fleet');
});
const getFleetSummary = jest.fn(async () => {
  throw new Error('the page must not ask for the whole fleet summary');
});

/** The summary fixture as one page of `GET /v1/fleet?view=summary&limit=50`. */
const fixturePage = (
  clusters: FleetClusterRow[] = fleetSummaryFixture.clusters,
): FleetSummaryPage => ({
  ...fleetSummaryFixture,
  counts: { ok: 1, warn: 1, critical: 0, unknown: 0 },
  environments: ['dev', 'prod'],
  matched: clusters.length,
  clusters,
});

/**
 * A stand-in for the server: filters by status, environment and text, sorts worst
 * first (or by name when asked), pages with a cursor the page must pass back as it
 * came. Records every query.
 */
function fakeServer(clusters: FleetClusterRow[]) {
  const queries: FleetPageQuery[] = [];
  const severity = { ok: 0, warn: 1, unknown: 2, critical: 3 };
  const getFleetPage = jest.fn(async (query: FleetPageQuery = {}) => {
    queries.push(query);
    const matching = clusters
      .filter(
        c =>
          (!query.status ||
            (query.status === 'not-ok'
              ? c.status !== 'ok'
              : c.status === query.status)) &&
          (!query.environment || c.environment === query.environment) &&
          (!query.q || c.name.includes(query.q)),
      )
      .sort((a, b) =>
        query.sort === 'name'
          ? (query.order === 'desc' ? -1 : 1) * a.name.localeCompare(b.name)
          : severity[b.status] - severity[a.status] ||
            a.name.localeCompare(b.name),
      );
    const start = query.cursor ? Number(atob(query.cursor)) : 0;
    const limit = query.limit ?? 50;
    const end = start + limit;
    return {
      ...fleetSummaryFixture,
      counts: { ok: 0, warn: 0, critical: 0, unknown: 0, ...countOf(clusters) },
      environments: [...new Set(clusters.map(c => c.environment))].sort(),
      matched: matching.length,
      clusters: matching.slice(start, end),
      nextCursor: end < matching.length ? btoa(String(end)) : undefined,
    } as FleetSummaryPage;
  });
  return { getFleetPage, queries };
}

function countOf(clusters: FleetClusterRow[]) {
  const counts: Record<string, number> = {};
  for (const c of clusters) counts[c.status] = (counts[c.status] ?? 0) + 1;
  return counts;
}

/** 120 clusters, `edge-000` … `edge-119`, all ok but edge-119 (critical) and every tenth in prod. */
function bigFleet(): FleetClusterRow[] {
  const [warn, ok] = fleetSummaryFixture.clusters;
  const clusters = Array.from({ length: 120 }, (_, i) => ({
    ...ok,
    name: `edge-${String(i).padStart(3, '0')}`,
    environment: i % 10 === 0 ? 'prod' : 'dev',
  }));
  clusters[119] = { ...warn, name: 'edge-119', status: 'critical' as const };
  return clusters;
}

/** The select of a filter, by the id of its label. */
const selectOf = (labelId: string) =>
  within(document.getElementById(labelId)!.parentElement!).getByRole('button');

const rowNames = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).queryAllByRole('cell')[0]?.textContent)
    .filter(Boolean);

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
  beforeEach(() => {
    getFleet.mockClear();
    getFleetSummary.mockClear();
  });

  it('shows its first screen from one page of the server, worst first, with the whole fleet counted', async () => {
    const server = fakeServer(bigFleet());
    await renderWith({ getFleet, getFleetSummary, ...server });
    expect(await screen.findByText('Clusters (120)')).toBeInTheDocument();
    const names = rowNames();
    expect(names[0]).toBe('edge-119');
    expect(names[1]).toBe('edge-000');
    expect(names).toHaveLength(50);
    expect(screen.getByText('1-50 of 120')).toBeInTheDocument();
    expect(screen.getByText('119 OK')).toBeInTheDocument();
    expect(screen.getByText('1 Critical')).toBeInTheDocument();
    expect(server.queries).toEqual([{ limit: 50 }]);
    expect(getFleet).not.toHaveBeenCalled();
    expect(getFleetSummary).not.toHaveBeenCalled();
  });

  it('goes to the next page with the cursor of the last answer, and back', async () => {
    const server = fakeServer(bigFleet());
    await renderWith({ ...server });
    await screen.findByText('1-50 of 120');
    expect(
      screen.getByRole('button', { name: 'Previous page' }),
    ).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('51-100 of 120')).toBeInTheDocument();
    expect(rowNames()[0]).toBe('edge-049');
    expect(server.queries[1]).toEqual({ limit: 50, cursor: btoa('50') });

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('101-120 of 120')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('51-100 of 120')).toBeInTheDocument();
    expect(server.queries[3]).toEqual({ limit: 50, cursor: btoa('50') });
  });

  it('asks the server once for what was typed in the filter box when typing pauses, from the first page', async () => {
    const server = fakeServer(bigFleet());
    await renderWith({ ...server });
    await screen.findByText('1-50 of 120');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByText('51-100 of 120');

    const box = screen.getByRole('textbox', { name: 'Filter clusters' });
    for (const text of ['e', 'ed', 'edge-11', 'edge-11 ']) {
      fireEvent.change(box, { target: { value: text } });
    }
    expect(await screen.findByText('1-10 of 10')).toBeInTheDocument();
    expect(rowNames()[0]).toBe('edge-119');
    // One request for the pause, trimmed, none for the keystrokes before it.
    expect(server.queries.slice(2)).toEqual([{ limit: 50, q: 'edge-11' }]);
    expect(screen.getByText('Clusters (10)')).toBeInTheDocument();
    // The counts stay those of the whole fleet.
    expect(screen.getByText('119 OK')).toBeInTheDocument();
  });

  it('keeps its rows while typing and while the answer is on its way, with a bar above them', async () => {
    const server = fakeServer(bigFleet());
    const answer = deferred<Awaited<ReturnType<typeof server.getFleetPage>>>();
    await renderWith({ ...server });
    await screen.findByText('1-50 of 120');
    const firstRow = screen.getAllByRole('row')[1];
    expect(screen.queryByRole('progressbar')).toBeNull();

    const box = screen.getByRole('textbox', { name: 'Filter clusters' });
    fireEvent.change(box, { target: { value: 'edge-1' } });
    // A keystroke re-renders no row: the same element is still there.
    expect(screen.getAllByRole('row')[1]).toBe(firstRow);

    const real = server.getFleetPage.getMockImplementation()!;
    server.getFleetPage.mockImplementationOnce(async query => {
      const page = await real(query);
      return answer.promise.then(() => page);
    });
    fireEvent.change(box, { target: { value: 'edge-11' } });
    // The debounced request is on its way: the rows stay, under a bar.
    expect(
      await screen.findByRole('progressbar', { name: 'Loading clusters' }),
    ).toBeInTheDocument();
    expect(firstRow).toBeInTheDocument();
    expect(screen.getByText('1-50 of 120')).toBeInTheDocument();

    answer.resolve(undefined as never);
    expect(await screen.findByText('1-10 of 10')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
  });

  it('filters by environment and status on the server, the environments from its answer', async () => {
    const server = fakeServer(bigFleet());
    await renderWith({ ...server });
    await screen.findByText('1-50 of 120');

    fireEvent.mouseDown(selectOf('fleet-filter-environment'));
    fireEvent.click(await screen.findByRole('option', { name: 'prod' }));
    expect(await screen.findByText('1-12 of 12')).toBeInTheDocument();

    fireEvent.mouseDown(selectOf('fleet-filter-status'));
    fireEvent.click(await screen.findByRole('option', { name: 'Not OK' }));
    expect(await screen.findByText('0 of 0')).toBeInTheDocument();
    expect(server.queries.slice(1)).toEqual([
      { limit: 50, environment: 'prod' },
      { limit: 50, environment: 'prod', status: 'not-ok' },
    ]);
  });

  it('asks the server for the order of a column heading that is clicked', async () => {
    const server = fakeServer(bigFleet());
    await renderWith({ ...server });
    await screen.findByText('1-50 of 120');
    const heading = screen
      .getAllByRole('columnheader')
      .find(th => th.textContent === 'Cluster')!;
    fireEvent.click(within(heading).getByText('Cluster'));
    await waitFor(() =>
      expect(server.queries.at(-1)).toEqual({
        limit: 50,
        sort: 'name',
        order: 'asc',
      }),
    );
    await waitFor(() => expect(rowNames()[0]).toBe('edge-000'));
    expect(rowNames()[49]).toBe('edge-049');
  });

  it('shows each cluster of the page, with what is wrong in words', async () => {
    const getFleetPage = jest.fn(async () => fixturePage());
    await renderWith({ getFleet, getFleetSummary, getFleetPage });
    expect(await screen.findByText('dev-01')).toBeInTheDocument();
    expect(screen.getByText(/^Last upload 3h ago/)).toBeInTheDocument();
    expect(screen.getByText('1 Warning')).toBeInTheDocument();
    expect(screen.getByText('1 OK')).toBeInTheDocument();
    expect(
      screen.getByText(
        /with 15 upstream requests in 0\.3 s; refreshes every 30 s/,
      ),
    ).toBeInTheDocument();
    expect(getFleetPage).toHaveBeenCalledTimes(1);
    expect(getFleet).not.toHaveBeenCalled();
  });

  it('keeps a long problem to one line of its cell, the whole of it in the tooltip', async () => {
    const long =
      'Argo CD runs no application of dev-01 (selector or cluster label does not match the applications of the fleet)';
    const [first, ...rest] = fleetSummaryFixture.clusters;
    const dev01: FleetClusterRow = {
      ...first,
      signals: {
        ...first.signals,
        gitops: {
          status: 'unknown',
          checks: [
            {
              id: 'argocd-sync',
              status: 'unknown',
              summary: long,
              observedAt:
                first.signals.metrics.checks[0]?.observedAt ??
                '2026-12-02T10:00:00Z',
            },
          ],
        },
      },
    };
    const getFleetPage = jest.fn(async () => fixturePage([dev01, ...rest]));
    await renderWith({ getFleet, getFleetSummary, getFleetPage });
    const cell = await screen.findByTitle(long);
    expect(cell.textContent).toMatch(
      /^Argo CD runs no application of dev-01 \(selector or cluster…/,
    );
    expect(cell.textContent).not.toContain('applications of the fleet');
  });

  it('shows the cluster header at once, then the evidence, failure mode and mitigation from getCluster', async () => {
    const answer = deferred<ClusterDetail>();
    const getCluster = jest.fn(() => answer.promise);
    await renderWith({
      getFleetPage: async () => fixturePage(),
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
      getFleetPage: async () => fixturePage(),
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

  it('shows the firing alerts of each cluster by severity, and why when unknown', async () => {
    const [dev, prod] = fleetSummaryFixture.clusters;
    const clusters: FleetClusterRow[] = [
      { ...dev, alerts: { critical: 2, warning: 1, other: 3 } },
      { ...prod, alerts: { critical: 0, warning: 0, other: 1 } },
      { ...prod, name: 'prod-02' },
    ];
    await renderWith({ getFleetPage: async () => fixturePage(clusters) });
    const devAlerts = await screen.findByTestId('fleet-alerts-dev-01');
    expect(devAlerts).toHaveTextContent('2 critical');
    expect(devAlerts).toHaveTextContent('1 warning');
    // Neither critical nor warning firing (other severities are not counted here).
    expect(screen.getByTestId('fleet-alerts-prod-01')).toHaveTextContent(
      /^None$/,
    );
    // No counts: its Alertmanager did not answer, which is not "no alerts".
    expect(screen.getByTestId('fleet-alerts-prod-02')).toHaveTextContent(
      /^Unknown$/,
    );
  });

  it('asks the server to sort by alerts when the Alerts heading is clicked', async () => {
    const server = fakeServer(bigFleet());
    await renderWith({ ...server });
    await screen.findByText('1-50 of 120');
    const heading = screen
      .getAllByRole('columnheader')
      .find(th => th.textContent === 'Alerts')!;
    fireEvent.click(within(heading).getByText('Alerts'));
    await waitFor(() =>
      expect(server.queries.at(-1)).toEqual({
        limit: 50,
        sort: 'alerts',
        order: 'asc',
      }),
    );
    fireEvent.click(within(heading).getByText('Alerts'));
    await waitFor(() =>
      expect(server.queries.at(-1)).toEqual({
        limit: 50,
        sort: 'alerts',
        order: 'desc',
      }),
    );
  });

  it("lists the cluster's firing alerts in its drawer", async () => {
    const getAlerts = jest.fn(async () => ({
      alerts: [
        { ...checkoutLatencyAlert, cluster: 'dev-01' },
        checkoutErrorsAlert,
      ],
      unavailable: [],
    }));
    await renderWith({
      getFleetPage: async () => fixturePage(),
      getCluster: async () => clusterDetailFixture,
      getAlerts,
    });
    const drawer = await openDrawer('dev-01');
    expect(
      await within(drawer).findByTestId('alert-dev-01-ServiceLatencyHigh'),
    ).toBeInTheDocument();
    expect(
      within(drawer).getByTestId('alert-dev-01-ServiceErrorRateHigh'),
    ).toBeInTheDocument();
    expect(getAlerts).toHaveBeenCalledTimes(1);
    expect(getAlerts).toHaveBeenCalledWith({
      cluster: 'dev-01',
      entityRef: undefined,
    });
  });

  it('says so in the drawer when the alerts cannot be loaded, and still shows the checks', async () => {
    await renderWith({
      getFleetPage: async () => fixturePage(),
      getCluster: async () => clusterDetailFixture,
      getAlerts: async () => {
        throw new Error('alertmanager of dev-01 timed out');
      },
    });
    const drawer = await openDrawer('dev-01');
    expect(
      await within(drawer).findByText(/Could not load the alerts/),
    ).toBeInTheDocument();
    expect(
      within(drawer).getByText(/alertmanager of dev-01 timed out/),
    ).toBeInTheDocument();
    expect(
      await within(drawer).findByTestId('check-sidecar-shipping'),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    await renderWith({
      getFleetPage: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(await screen.findByText(/backend unreachable/)).toBeInTheDocument();
  });
});
