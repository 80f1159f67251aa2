import { createExtensionTester } from '@backstage/frontend-test-utils';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
  TestApiRegistry,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ObservabilityClient, observabilityApiRef } from '../../api';
import plugin from '../../alpha';
import { RetentionChangeFieldExtension } from '../../plugin';
import { RetentionChangeField } from './RetentionChangeField';
import { retentionChangeValidation } from './validation';

const BASE_URL = 'http://localhost:7007/api/observability';
const PLAN_URL = `${BASE_URL}/v1/retention/plan`;

const server = setupServer();
registerMswTestHooks(server);

const apis = [
  [
    observabilityApiRef,
    new ObservabilityClient({
      discoveryApi: { getBaseUrl: async () => BASE_URL },
      fetchApi: { fetch: (...args) => fetch(...args) },
    }),
  ],
] as const;

const current = {
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter: '7d',
  deleteAfter: '90d',
};
const ilm = { ...current, deleteAfter: '180d' };

const estimate = {
  currentGb: 900,
  requestedGb: 1800,
  deltaGb: 900,
  currency: 'EUR',
  deltaMonthlyCost: 18,
  inputs: { 'bytes per day': '10 GB', 'price per GB-month (warm)': 0.02 },
  warnings: [],
};

/** The plan API: answers like the back end, records the bodies it got. */
function planApi(
  answer: (body: any) => object = body => ({
    ...body,
    environment: 'prod',
    current,
    currentSource: '.demo/gitops (main:charts/app-of-apps/values.prod-01.yaml)',
    bounds: { minDays: 30, maxDays: 365 },
    problems: [],
    estimate,
  }),
  status = 200,
) {
  const bodies: any[] = [];
  server.use(
    http.post(PLAN_URL, async ({ request }) => {
      const body = await request.json();
      bodies.push(body);
      return HttpResponse.json(answer(body), { status });
    }),
  );
  return bodies;
}

function fieldProps(formData: Record<string, unknown>, onChange = jest.fn()) {
  return {
    onChange,
    formData: undefined,
    formContext: { formData },
    schema: { title: 'Current vs requested', type: 'object' },
    uiSchema: { 'ui:options': { debounceMs: 20 } },
    rawErrors: [],
    required: false,
    disabled: false,
    readonly: false,
    idSchema: { $id: 'root_impact' },
    name: 'impact',
  } as any;
}

async function render(formData: Record<string, unknown>, onChange = jest.fn()) {
  const rendered = await renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <RetentionChangeField {...fieldProps(formData, onChange)} />
    </TestApiProvider>,
  );
  return {
    ...rendered,
    onChange,
    update: (next: Record<string, unknown>) =>
      rendered.rerender(
        <TestApiProvider apis={apis as any}>
          <RetentionChangeField {...fieldProps(next, onChange)} />
        </TestApiProvider>,
      ),
  };
}

describe('RetentionChangeField', () => {
  it('shows today vs requested, the bounds and the cost of the change', async () => {
    const bodies = planApi();
    const { onChange } = await render({
      cluster: 'resource:default/prod-01',
      signal: 'logs',
      ilm,
      // the metrics section of a form that switched signal is not sent
      metrics: { raw: '1d' },
      justification: 'x',
    });
    const table = await screen.findByRole('table', {
      name: 'Current vs requested retention',
    });
    const deleteRow = within(table).getByText('Delete after').closest('tr')!;
    expect(deleteRow).toHaveTextContent('Delete after90d180d (changed)');
    const warmRow = within(table).getByText('Warm phase after').closest('tr')!;
    expect(warmRow).toHaveTextContent('Warm phase after7d7d');
    expect(
      screen.getByText(/Today's values: \.demo\/gitops/),
    ).toHaveTextContent(
      'prod keeps logs at least 30 days and at most 365 days.',
    );
    expect(screen.getByText(/Estimated storage/)).toHaveTextContent(
      'Estimated storage: 900 GB → 1800 GB (+900 GB), +18.00 EUR per month',
    );
    expect(
      screen.getByText(
        /Based on bytes per day: 10 GB · price per GB-month \(warm\): 0.02/,
      ),
    ).toBeInTheDocument();
    expect(bodies).toEqual([
      { cluster: 'prod-01', signal: 'logs', requested: ilm },
    ]);
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith({
        cluster: 'prod-01',
        signal: 'logs',
        valid: true,
        problems: [],
        deltaGb: 900,
        deltaMonthlyCost: 18,
        currency: 'EUR',
      }),
    );
  });

  it('lists the problems, naming the settings', async () => {
    planApi(body => ({
      ...body,
      environment: 'prod',
      current,
      bounds: { minDays: 30 },
      problems: [
        {
          field: 'deleteAfter',
          message:
            'keeps 14 days, below the minimum of 30 days for this environment',
        },
      ],
    }));
    const { onChange } = await render({
      cluster: 'prod-01',
      signal: 'traces',
      ilm: { ...ilm, deleteAfter: '14d' },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This change cannot be requested:Delete after: keeps 14 days, below the minimum of 30 days for this environment',
    );
    expect(screen.queryByText(/Estimated storage/)).not.toBeInTheDocument();
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith(
        expect.objectContaining({ valid: false }),
      ),
    );
  });

  it("refuses a trace change for a non-ops cluster, naming the ops cluster, and says the policy is the fleet's", async () => {
    const message =
      "traces retention is one ILM policy for the shared jaeger-span-* indices of every cluster, set in ops-01's values file: request the change for ops-01 (it applies to the whole fleet)";
    planApi(body => ({
      ...body,
      environment: 'prod',
      current,
      bounds: { minDays: 7, maxDays: 14 },
      problems: [{ field: 'cluster', message }],
      fleetWideOwner: 'ops-01',
    }));
    await render({ cluster: 'prod-01', signal: 'traces', ilm });
    expect(
      await screen.findByText(
        /kept in ops-01's values file: a change applies to the whole fleet/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(
      `This change cannot be requested:cluster: ${message}`,
    );
  });

  it('says what is missing and asks nothing until the form is filled in', async () => {
    const bodies = planApi();
    await render({ signal: 'metrics', metrics: { raw: '30d' } });
    expect(
      screen.getByText(
        /Choose cluster, 5m downsampled, 1h downsampled, Bucket lifecycle rule to see/,
      ),
    ).toBeInTheDocument();
    await new Promise(r => setTimeout(r, 60));
    expect(bodies).toEqual([]);
  });

  it('asks once for the last value while the user types', async () => {
    const bodies = planApi();
    // Starts incomplete (nothing to ask), so no request can fire before the typing;
    // the two keystrokes below come back to back, within one debounce.
    const { update } = await render({ cluster: 'prod-01', signal: 'logs' });
    update({
      cluster: 'prod-01',
      signal: 'logs',
      ilm: { ...ilm, deleteAfter: '18' },
    });
    update({
      cluster: 'prod-01',
      signal: 'logs',
      ilm: { ...ilm, deleteAfter: '181d' },
    });
    expect(await screen.findByText('181d (changed)')).toBeInTheDocument();
    expect(bodies.map(b => b.requested.deleteAfter)).toEqual(['181d']);
  });

  it("shows the back end's refusal", async () => {
    planApi(
      () => ({
        error: {
          name: 'InputError',
          message:
            'Invalid retention request: cluster "prod-77" is not in the fleet',
        },
      }),
      400,
    );
    await render({ cluster: 'prod-77', signal: 'logs', ilm });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not plan the change: Invalid retention request: cluster "prod-77" is not in the fleet',
    );
  });
});

describe('retentionChangeValidation', () => {
  const apiHolder = TestApiRegistry.from(...(apis as any));
  const validate = async (formData: Record<string, unknown>) => {
    const addError = jest.fn();
    await retentionChangeValidation(undefined as any, { addError } as any, {
      apiHolder,
      formData: formData as any,
      schema: {},
      uiSchema: {},
    });
    return addError.mock.calls.map(c => c[0]);
  };

  it('blocks the step with one error per problem', async () => {
    planApi(body => ({
      ...body,
      bounds: {},
      problems: [
        {
          field: 'raw',
          message: 'raw retention must not exceed the 5m retention',
        },
        {
          field: 'bucketLifecycle',
          message: 'must outlive the longest compactor retention',
        },
      ],
    }));
    await expect(
      validate({
        cluster: 'stag-01',
        signal: 'metrics',
        metrics: {
          raw: '90d',
          fiveMinutes: '30d',
          oneHour: '1y',
          bucketLifecycle: '30d',
        },
      }),
    ).resolves.toEqual([
      'Raw samples: raw retention must not exceed the 5m retention',
      'Bucket lifecycle rule: must outlive the longest compactor retention',
    ]);
  });

  it('passes a valid change, and blocks on a 4xx but not on an unreachable back end', async () => {
    planApi();
    await expect(
      validate({ cluster: 'prod-01', signal: 'logs', ilm }),
    ).resolves.toEqual([]);
    planApi(
      () => ({
        error: {
          name: 'InputError',
          message: 'cluster "x-1" is not in the fleet',
        },
      }),
      400,
    );
    await expect(
      validate({ cluster: 'x-1', signal: 'logs', ilm }),
    ).resolves.toEqual(['cluster "x-1" is not in the fleet']);
    planApi(() => ({ error: { message: 'bad gateway' } }), 502);
    await expect(
      validate({ cluster: 'prod-01', signal: 'logs', ilm }),
    ).resolves.toEqual([]);
  });
});

describe('RetentionChangeField extensions', () => {
  it('exports a legacy field extension', () => {
    expect(RetentionChangeFieldExtension).toBeDefined();
  });

  it('exports a new-frontend-system form field named RetentionChangeField', async () => {
    const loader = createExtensionTester(
      plugin.getExtension(
        'scaffolder-form-field:observability/retention-change',
      ),
    ).get(FormFieldBlueprint.dataRefs.formFieldLoader);
    const field = (await loader()) as any;
    expect(field.$$type).toBe('@backstage/scaffolder/FormField');
  });
});
