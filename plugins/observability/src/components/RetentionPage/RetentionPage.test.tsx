import { configApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockConfigApi,
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { RetentionRequest } from '@fleetobs/plugin-observability-common';
import { SWRConfig } from 'swr';
import { ObservabilityApi, observabilityApiRef } from '../../api';
import { RetentionPage } from './RetentionPage';

const pending: RetentionRequest = {
  id: 'r1',
  cluster: 'prod-01',
  signal: 'logs',
  state: 'pending',
  current: {
    rolloverMaxAge: '1d',
    rolloverMaxSize: '50gb',
    warmAfter: '7d',
    deleteAfter: '30d',
  },
  requested: {
    rolloverMaxAge: '1d',
    rolloverMaxSize: '50gb',
    warmAfter: '7d',
    deleteAfter: '45d',
  },
  justification: 'Audit needs 45 days',
  estimate: {
    currentGb: 600,
    requestedGb: 900,
    deltaGb: 300,
    currency: 'USD',
    deltaMonthlyCost: 24.5,
    inputs: { logsGbPerDay: 20 },
    warnings: [],
  },
  requestedBy: 'user:default/alice',
  createdAt: '2026-11-25T10:00:00Z',
  updatedAt: '2026-11-25T10:00:00Z',
  audit: [
    {
      at: '2026-11-25T10:00:00Z',
      actor: 'user:default/alice',
      from: null,
      to: 'pending',
    },
  ],
};

function renderAs(
  user: string,
  allowApprove: boolean,
  api: Partial<ObservabilityApi>,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [observabilityApiRef, api],
        [configApiRef, new MockConfigApi({ permission: { enabled: true } })],
        [
          permissionApiRef,
          new MockPermissionApi(() =>
            allowApprove ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          ),
        ],
        [
          identityApiRef,
          {
            getBackstageIdentity: async () => ({
              type: 'user' as const,
              userEntityRef: user,
              ownershipEntityRefs: [],
            }),
          },
        ],
      ]}
    >
      {/* usePermission caches decisions in SWR: a fresh cache per test */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <RetentionPage />
      </SWRConfig>
    </TestApiProvider>,
  );
}

const effective = async () => ({
  clusters: [
    {
      cluster: 'prod-01',
      environment: 'prod',
      signals: {
        metrics: { settings: { raw: '30d' }, bounds: {}, missing: [] },
        logs: {
          settings: { deleteAfter: '30d' },
          bounds: { minDays: 30 },
          missing: [],
          source: 'values.prod-01.yaml',
        },
        traces: {
          settings: {},
          bounds: {},
          missing: [],
          error: 'No values file',
        },
      },
    },
  ],
});

describe('RetentionPage', () => {
  it('shows retention today and lets an approver approve with a comment', async () => {
    const decide = jest.fn(async () => ({
      ...pending,
      state: 'approved' as const,
    }));
    await renderAs('user:default/bob', true, {
      getEffectiveRetention: effective,
      listRequests: async () => ({ items: [pending] }),
      decide,
    });
    expect(await screen.findByText('Allowed: 30–∞ days')).toBeInTheDocument();
    expect(screen.getByText(/Unknown: No values file/)).toBeInTheDocument();

    fireEvent.click(await screen.findByText('Audit needs 45 days'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('45d (changed)')).toBeInTheDocument();
    // The approver sees what the change costs, and what that is based on.
    expect(
      within(dialog).getByText('+24.50 USD per month'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText(/logsGbPerDay: 20/)).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText(/Comment/), {
      target: { value: 'fine' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(decide).toHaveBeenCalledWith('r1', 'approve', 'fine'),
    );
  });

  it('does not offer approval of your own request, only cancelling it', async () => {
    await renderAs('user:default/alice', true, {
      getEffectiveRetention: effective,
      listRequests: async () => ({ items: [pending] }),
      decide: jest.fn(),
    });
    fireEvent.click(await screen.findByText('Audit needs 45 days'));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).queryByRole('button', { name: 'Approve' }),
    ).toBeNull();
    expect(
      within(dialog).getByRole('button', { name: 'Cancel request' }),
    ).toBeInTheDocument();
  });

  it('offers no decision without the approve permission', async () => {
    await renderAs('user:default/carol', false, {
      getEffectiveRetention: effective,
      listRequests: async () => ({ items: [pending] }),
      decide: jest.fn(),
    });
    fireEvent.click(await screen.findByText('Audit needs 45 days'));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).queryByRole('button', { name: 'Approve' }),
    ).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Reject' })).toBeNull();
  });

  it('shows trace retention once, on the ops cluster, and where it is set on the others', async () => {
    const traces = {
      settings: {
        rolloverMaxAge: '1d',
        rolloverMaxSize: '50gb',
        warmAfter: '3d',
        deleteAfter: '14d',
      },
      bounds: { minDays: 7, maxDays: 14 },
      missing: [],
      source: 'values.ops-01.yaml',
      fleetWideOwner: 'ops-01',
    };
    const row = (cluster: string, environment: string) => ({
      cluster,
      environment,
      signals: {
        metrics: { settings: {}, bounds: {}, missing: [] },
        logs: { settings: {}, bounds: {}, missing: [] },
        traces,
      },
    });
    await renderAs('user:default/bob', true, {
      getEffectiveRetention: async () => ({
        clusters: [row('prod-01', 'prod'), row('ops-01', 'ops')],
      }),
      listRequests: async () => ({ items: [] }),
      decide: jest.fn(),
    });
    expect(
      await screen.findByText('Fleet-wide: set on ops-01'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText("One policy for every cluster's spans"),
    ).toHaveLength(1);
    expect(screen.getByText('Allowed: 7–14 days')).toBeInTheDocument();
  });
});
