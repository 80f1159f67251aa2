import { configApiRef } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockConfigApi,
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  alertSilencePermission,
  AlertsAnswer,
} from '@fleetobs/plugin-observability-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { SWRConfig } from 'swr';
import {
  ObservabilityApi,
  ObservabilityApiError,
  observabilityApiRef,
} from '../../api';
import {
  checkoutAlerts,
  checkoutErrorsAlert,
  checkoutLatencyAlert,
} from '../../__fixtures__/alerts';
import { AlertsSection } from './AlertsSection';

const CHECKOUT = 'component:default/checkout';

async function renderSection(
  api: Partial<ObservabilityApi>,
  options: { allow?: boolean; cluster?: string; entityRef?: string } = {},
) {
  const permission = new MockPermissionApi(() =>
    options.allow ?? true ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  );
  const authorize = jest.spyOn(permission, 'authorize');
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [observabilityApiRef, api],
        [configApiRef, new MockConfigApi({ permission: { enabled: true } })],
        [permissionApiRef, permission],
      ]}
    >
      {/* usePermission caches decisions in SWR: a fresh cache per test */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <AlertsSection
          entityRef={
            options.cluster ? undefined : options.entityRef ?? CHECKOUT
          }
          cluster={options.cluster}
        />
      </SWRConfig>
    </TestApiProvider>,
  );
  return { authorize };
}

const row = (cluster: string, name: string) =>
  screen.findByTestId(`alert-${cluster}-${name}`);

describe('AlertsSection', () => {
  it('shows each alert with its cluster, summary, state and links', async () => {
    const getAlerts = jest.fn(async () =>
      checkoutAlerts([checkoutLatencyAlert, checkoutErrorsAlert]),
    );
    await renderSection({ getAlerts });
    const prod = await row('prod-01', 'ServiceLatencyHigh');
    expect(
      screen.getByRole('columnheader', { name: 'Cluster' }),
    ).toBeInTheDocument();
    expect(within(prod).getByText('prod-01')).toBeInTheDocument();
    expect(within(prod).getByText('warning')).toBeInTheDocument();
    expect(
      within(prod).getByText(checkoutLatencyAlert.summary!),
    ).toBeInTheDocument();
    expect(within(prod).getByTestId('alert-state')).toHaveTextContent('active');
    expect(within(prod).getByRole('link', { name: /Runbook/ })).toHaveAttribute(
      'href',
      checkoutLatencyAlert.runbookUrl,
    );
    expect(
      within(prod).getByRole('link', { name: /Alertmanager/ }),
    ).toHaveAttribute('href', checkoutLatencyAlert.alertmanagerUrl);
    // No runbook in the answer: no link.
    const dev = await row('dev-01', 'ServiceErrorRateHigh');
    expect(within(dev).queryByRole('link')).toBeNull();
    // Most severe first.
    const rows = screen
      .getAllByTestId(/^alert-/)
      .filter(r => r.tagName === 'TR');
    expect(rows.map(r => r.dataset.testid)).toEqual([
      'alert-dev-01-ServiceErrorRateHigh',
      'alert-prod-01-ServiceLatencyHigh',
    ]);
    expect(getAlerts).toHaveBeenCalledWith({
      entityRef: CHECKOUT,
      cluster: undefined,
    });
    expect(screen.getByText('{service="checkout"}')).toBeInTheDocument();
  });

  it('filters by severity and by state', async () => {
    await renderSection({
      getAlerts: async () =>
        checkoutAlerts([checkoutLatencyAlert, checkoutErrorsAlert]),
    });
    await row('prod-01', 'ServiceLatencyHigh');
    expect(screen.getByText('None selected: all shown')).toBeInTheDocument();
    // Each filter is labelled, so a screen reader (and a reader) knows which is which.
    const severity = screen.getByRole('group', { name: 'Severity' });
    expect(
      within(screen.getByRole('group', { name: 'State' })).getByRole('button', {
        name: 'silenced',
      }),
    ).toBeInTheDocument();
    fireEvent.click(within(severity).getByRole('button', { name: 'critical' }));
    expect(screen.queryByTestId('alert-prod-01-ServiceLatencyHigh')).toBeNull();
    expect(screen.getByText('1 of 2 shown')).toBeInTheDocument();
    expect(
      screen.getByTestId('alert-dev-01-ServiceErrorRateHigh'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'critical' }));
    fireEvent.click(screen.getByRole('button', { name: 'silenced' }));
    expect(
      screen.queryByTestId('alert-dev-01-ServiceErrorRateHigh'),
    ).toBeNull();
    expect(
      screen.getByText('No alert matches these filters.'),
    ).toBeInTheDocument();
  });

  it('silences an alert for its owner: duration, comment, matchers, then silenced', async () => {
    const silenced = {
      ...checkoutLatencyAlert,
      state: 'silenced' as const,
      silencedBy: ['5f0d0c1e-0000-4000-8000-000000000001'],
    };
    const getAlerts = jest
      .fn<Promise<AlertsAnswer>, any[]>()
      .mockResolvedValueOnce(checkoutAlerts())
      .mockResolvedValue(checkoutAlerts([silenced]));
    const createSilence = jest.fn(async () => ({
      cluster: 'prod-01',
      silenceId: silenced.silencedBy[0],
      endsAt: '2026-11-25T12:00:00.000Z',
    }));
    const { authorize } = await renderSection({ getAlerts, createSilence });
    const prod = await row('prod-01', 'ServiceLatencyHigh');
    fireEvent.click(
      await within(prod).findByRole('button', { name: 'Silence…' }),
    );
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: alertSilencePermission,
        resourceRef: CHECKOUT,
      }),
    );
    const dialog = await screen.findByRole('dialog');
    const matchers = within(dialog).getByTestId('silence-matchers');
    expect(
      within(matchers).getByText('service="checkout"'),
    ).toBeInTheDocument();
    expect(within(matchers).getByText('cluster="prod-01"')).toBeInTheDocument();
    const submit = within(dialog).getByRole('button', { name: 'Silence' });
    expect(submit).toBeDisabled();
    fireEvent.change(within(dialog).getByTestId('silence-comment'), {
      target: { value: '  deploying the fix  ' },
    });
    fireEvent.click(submit);
    await waitFor(() =>
      expect(
        within(
          screen.getByTestId('alert-prod-01-ServiceLatencyHigh'),
        ).getByTestId('alert-state'),
      ).toHaveTextContent('silenced'),
    );
    expect(createSilence).toHaveBeenCalledWith({
      cluster: 'prod-01',
      entityRef: CHECKOUT,
      matchers: Object.entries(checkoutLatencyAlert.labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({
          name,
          value,
          isRegex: false,
          isEqual: true,
        })),
      durationMinutes: 60,
      comment: 'deploying the fix',
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Unsilence' }),
    ).toBeInTheDocument();
  });

  it('offers no silence to a user without the permission', async () => {
    const { authorize } = await renderSection(
      { getAlerts: async () => checkoutAlerts() },
      { allow: false },
    );
    await row('prod-01', 'ServiceLatencyHigh');
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    expect(screen.queryByRole('button', { name: 'Silence…' })).toBeNull();
  });

  it("shows the back end's reason when a silence is refused, and keeps the dialog", async () => {
    const createSilence = jest.fn(async () => {
      throw new ObservabilityApiError(
        400,
        'InputError',
        'durationMinutes is over the maximum of 1440',
      );
    });
    await renderSection({
      getAlerts: async () => checkoutAlerts(),
      createSilence,
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Silence…' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByTestId('silence-comment'), {
      target: { value: 'fix' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Silence' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'durationMinutes is over the maximum of 1440',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Silence' }),
    ).toBeEnabled();
  });

  it("shows the back end's message when the alerts cannot be loaded", async () => {
    await renderSection({
      getAlerts: async () => {
        throw new ObservabilityApiError(
          404,
          'NotFoundError',
          'No entity component:default/checkout in the catalog',
        );
      },
    });
    expect(
      await screen.findByText(/Could not load the alerts/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No entity component:default/checkout in the catalog'),
    ).toBeInTheDocument();
  });

  it('shows the selector in use and how to change it when nothing fires', async () => {
    await renderSection({ getAlerts: async () => checkoutAlerts([]) });
    const empty = await screen.findByTestId('alerts-empty');
    expect(empty).toHaveTextContent(
      'No alerts firing for {service="checkout"} (the default: the service label of the RED metrics).',
    );
    expect(empty).toHaveTextContent(
      'observability.fleetobs.io/alert-selector:',
    );
  });

  it('names the clusters whose Alertmanager did not answer', async () => {
    await renderSection(
      {
        getAlerts: async () => ({
          alerts: [],
          unavailable: [{ cluster: 'stag-01', error: 'timed out after 10s' }],
        }),
      },
      { cluster: 'stag-01' },
    );
    expect(
      await screen.findByText(/Alerts unknown in stag-01/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('alerts-empty')).toHaveTextContent(
      'No alerts firing in stag-01.',
    );
  });

  it("asks the cluster's Resource entity for a cluster alert's permission", async () => {
    const getAlerts = jest.fn(async () => ({
      alerts: [checkoutLatencyAlert],
      unavailable: [],
    }));
    const { authorize } = await renderSection(
      { getAlerts },
      { cluster: 'prod-01' },
    );
    const prod = await row('prod-01', 'ServiceLatencyHigh');
    // One cluster's alerts: no cluster column (a service's alerts have one).
    expect(screen.queryByRole('columnheader', { name: 'Cluster' })).toBeNull();
    expect(within(prod).queryByText('prod-01')).toBeNull();
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({ resourceRef: 'resource:default/prod-01' }),
      ),
    );
    expect(getAlerts).toHaveBeenCalledWith({
      entityRef: undefined,
      cluster: 'prod-01',
    });
  });
});
