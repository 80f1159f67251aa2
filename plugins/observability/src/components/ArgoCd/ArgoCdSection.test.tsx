import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EntityGitopsResponse,
  GitopsApplication,
} from '@fleetobs/plugin-observability-common';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ObservabilityClient, observabilityApiRef } from '../../api';
import { BASE_URL, checkoutEntity } from '../../__fixtures__/signals';
import { ArgoCdSection } from './ArgoCdSection';
import { ArgoCdSummaryLine } from './ArgoCdSummaryLine';

const server = setupServer();
registerMswTestHooks(server);

const client = new ObservabilityClient({
  discoveryApi: { getBaseUrl: async () => BASE_URL },
  fetchApi: { fetch: (...args) => fetch(...args) },
});
const GITOPS_URL = `${BASE_URL}/v1/entity/component/default/checkout/gitops`;
const SHA = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

// As the back end answers it against the fleet simulator (default rule).
const app = (
  cluster: string,
  over: Partial<GitopsApplication> = {},
): GitopsApplication => ({
  name: `${cluster}-checkout`,
  cluster,
  sync: 'Synced',
  health: 'Healthy',
  targetRevision: 'v1.4.0',
  revision: SHA,
  operation: {
    phase: 'Succeeded',
    message: 'successfully synced (all tasks run)',
    finishedAt: '2026-11-25T11:00:00Z',
    revision: SHA,
  },
  conditions: [],
  url: `https://argocd.example.com/applications/argocd/${cluster}-checkout`,
  ...over,
});

const answer = (
  over: Partial<EntityGitopsResponse> = {},
): EntityGitopsResponse => ({
  entityRef: 'component:default/checkout',
  generatedAt: '2026-11-25T12:00:00Z',
  rule: { source: 'default', service: 'checkout' },
  clustersSource: 'annotation',
  instances: [
    {
      name: 'argocd.example.com',
      uiUrl: 'https://argocd.example.com',
      clusters: ['prod-01', 'stag-01'],
    },
  ],
  clusters: [
    {
      cluster: 'prod-01',
      environment: 'prod',
      instance: 'argocd.example.com',
      applications: [
        app('prod-01', {
          sync: 'OutOfSync',
          health: 'Degraded',
          operation: {
            phase: 'Failed',
            message: 'one or more objects failed to apply',
            finishedAt: '2026-11-25T11:30:00Z',
          },
        }),
      ],
    },
    {
      cluster: 'stag-01',
      environment: 'stag',
      instance: 'argocd.example.com',
      applications: [app('stag-01')],
    },
  ],
  missingAnnotations: ['argocd/app-name', 'argocd/app-selector'],
  ...over,
});

function serve(body: unknown, status = 200) {
  let requests = 0;
  server.use(
    http.get(GITOPS_URL, () => {
      requests += 1;
      return HttpResponse.json(body as any, { status });
    }),
  );
  return () => requests;
}

const render = (children: JSX.Element) =>
  renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, client]]}>
      <EntityProvider entity={checkoutEntity}>{children}</EntityProvider>
    </TestApiProvider>,
  );

describe('ArgoCdSection', () => {
  it('shows each cluster with its applications: sync and health as icon and word, revision, last sync, link', async () => {
    const requests = serve(answer());
    await render(<ArgoCdSection />);
    const prod = await screen.findByTestId('argocd-cluster-prod-01');
    expect(prod).toHaveTextContent('prod, Argo CD argocd.example.com');
    const row = within(prod).getByTestId('argocd-app-prod-01-checkout');
    expect(
      within(row).getByText('prod-01-checkout').closest('a'),
    ).toHaveAttribute(
      'href',
      'https://argocd.example.com/applications/argocd/prod-01-checkout',
    );
    // Words next to the status icons, never colour alone.
    for (const word of ['OutOfSync', 'Degraded', 'Failed']) {
      expect(within(row).getByText(word)).toBeInTheDocument();
    }
    expect(within(row).getByText('3f2a9c1')).toHaveAttribute('title', SHA);
    expect(within(row).getByText('target v1.4.0')).toBeInTheDocument();
    expect(
      within(row).getByText('one or more objects failed to apply'),
    ).toBeInTheDocument();
    const stag = screen.getByTestId('argocd-app-stag-01-checkout');
    expect(within(stag).getByText('Synced')).toBeInTheDocument();
    expect(within(stag).getByText('Healthy')).toBeInTheDocument();
    // A successful sync's message is noise.
    expect(within(stag).queryByText(/successfully synced/)).toBeNull();
    expect(
      screen.getByText(/labelled app.kubernetes.io\/name=checkout/),
    ).toBeInTheDocument();
    expect(requests()).toBe(1);
  });

  it('names the annotations to add when no application is found', async () => {
    serve(
      answer({
        clusters: [
          {
            cluster: 'prod-01',
            environment: 'prod',
            instance: 'argocd.example.com',
            applications: [],
          },
        ],
      }),
    );
    await render(<ArgoCdSection />);
    const empty = await screen.findByTestId('argocd-empty');
    expect(empty).toHaveTextContent('argocd/app-name: prod-01-checkout');
    expect(empty).toHaveTextContent(
      'argocd/app-selector: app.kubernetes.io/name=checkout',
    );
    expect(empty).toHaveTextContent('argocd/instance-name');
    expect(empty).toHaveTextContent('argocd.example.com');
  });

  it("says which Argo CD could not be asked, and the back end's refusal", async () => {
    serve(
      answer({
        instances: [
          {
            name: 'argocd.prod.example.com',
            uiUrl: 'https://argocd.prod.example.com',
            clusters: ['prod-01'],
            error: 'argocd: HTTP 401',
          },
        ],
        clusters: [],
      }),
    );
    const first = await render(<ArgoCdSection />);
    expect(
      await screen.findByText(
        'argocd.prod.example.com (prod-01): argocd: HTTP 401',
      ),
    ).toBeInTheDocument();
    first.unmount();

    serve(
      {
        error: {
          name: 'InputError',
          message:
            'The entity\'s annotation argocd/app-selector "cluster in (a)" is not a label selector',
        },
      },
      400,
    );
    await render(<ArgoCdSection />);
    expect(
      await screen.findByText(/argocd\/app-selector "cluster in \(a\)"/),
    ).toBeInTheDocument();
  });
});

describe('ArgoCdSummaryLine', () => {
  it('shows the worst status and names the applications that are not fine', async () => {
    serve(answer());
    await render(<ArgoCdSummaryLine />);
    const line = await screen.findByTestId('argocd-line');
    expect(
      await within(line).findByText(
        '2 applications in 2 clusters; prod-01-checkout OutOfSync/Degraded',
      ),
    ).toBeInTheDocument();
    expect(within(line).getByText('Critical')).toBeInTheDocument();
  });

  it('says all is synced and healthy, or that nothing was found', async () => {
    serve(
      answer({
        clusters: [
          {
            cluster: 'stag-01',
            environment: 'stag',
            applications: [app('stag-01')],
          },
        ],
      }),
    );
    const first = await render(<ArgoCdSummaryLine />);
    expect(
      await screen.findByText(
        '1 application in 1 cluster, all Synced and Healthy',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Synced')).toBeInTheDocument();
    first.unmount();

    serve(answer({ clusters: [] }));
    await render(<ArgoCdSummaryLine />);
    expect(
      await screen.findByText('No Argo CD application found for this service'),
    ).toBeInTheDocument();
  });
});
