import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockContext } from '../__testUtils__/fixtures';
import { createObservabilityBackend } from '../lib/observabilityBackend';
import { createRetentionRequestAction } from './retentionRequest';

const BASE = 'http://localhost:0/api/observability';

const requested = {
  raw: '30d',
  fiveMinutes: '180d',
  oneHour: '2y',
  bucketLifecycle: '800d',
};
const input = {
  cluster: 'prod-01',
  signal: 'metrics',
  requested,
  justification: 'Capacity planning needs two years of 1h data',
};

describe('obs:retention:request', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const mockDir = createMockDirectory();
  const action = createRetentionRequestAction({
    backend: createObservabilityBackend({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    }),
  });

  function backend() {
    const created: any[] = [];
    const planned: any[] = [];
    server.use(
      http.post(`${BASE}/v1/retention-requests`, async ({ request }) => {
        const body = (await request.json()) as any;
        created.push({
          body,
          authorization: request.headers.get('authorization'),
        });
        if (body.requested.raw === '400d') {
          return HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message:
                  'Invalid retention request: requested.raw raw retention must not exceed the 5m retention',
              },
            },
            { status: 400 },
          );
        }
        return HttpResponse.json(
          {
            id: '6f1c2d1e-0000-4000-8000-000000000001',
            state: 'pending',
            ...body,
          },
          { status: 201 },
        );
      }),
      http.post(`${BASE}/v1/retention/plan`, async ({ request }) => {
        const body = (await request.json()) as any;
        planned.push(body);
        return HttpResponse.json({
          ...body,
          bounds: {},
          problems:
            body.requested.raw === '400d'
              ? [
                  {
                    field: 'raw',
                    message: 'raw retention must not exceed the 5m retention',
                  },
                ]
              : [],
        });
      }),
    );
    return { created, planned };
  }

  async function run(
    values: Record<string, unknown>,
    options: { isDryRun?: boolean } = {},
  ) {
    const ctx = mockContext(mockDir.path, values, options);
    await action.handler(ctx as any);
    return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  }

  it('files the request on behalf of the user and links to it', async () => {
    const { created, planned } = backend();
    const outputs = await run(input);
    expect(created).toEqual([
      {
        body: input,
        authorization: `Bearer ${mockCredentials.service.token({
          onBehalfOf: mockCredentials.user(),
          targetPluginId: 'observability',
        })}`,
      },
    ]);
    expect(planned).toEqual([]);
    expect(outputs).toEqual({
      requestId: '6f1c2d1e-0000-4000-8000-000000000001',
      state: 'pending',
      link: '/observability/retention?request=6f1c2d1e-0000-4000-8000-000000000001',
    });
  });

  it('only plans in a dry run: no request is filed', async () => {
    const { created, planned } = backend();
    const outputs = await run(input, { isDryRun: true });
    expect(created).toEqual([]);
    expect(planned).toEqual([
      { cluster: 'prod-01', signal: 'metrics', requested },
    ]);
    expect(outputs).toEqual({
      requestId: 'dry-run',
      state: 'dry-run',
      link: '/observability/retention',
    });
  });

  it('fails a dry run with the problems, naming the field', async () => {
    backend();
    await expect(
      run(
        { ...input, requested: { ...requested, raw: '400d' } },
        { isDryRun: true },
      ),
    ).rejects.toThrow(
      /requested\.raw: raw retention must not exceed the 5m retention/,
    );
  });

  it("passes on the back end's refusal of an invalid change", async () => {
    backend();
    await expect(
      run({ ...input, requested: { ...requested, raw: '400d' } }),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringMatching(/requested\.raw raw retention/),
      }),
    );
  });

  it('refuses an empty justification before calling the back end', async () => {
    const { created, planned } = backend();
    await expect(run({ ...input, justification: '   ' })).rejects.toThrow(
      /justification: must not be empty/,
    );
    expect([...created, ...planned]).toEqual([]);
  });

  it('says when the user may not ask for retention changes', async () => {
    server.use(
      http.post(`${BASE}/v1/retention-requests`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'Missing permission observability.retention.request.create',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(run(input)).rejects.toThrow(
      expect.objectContaining({
        name: 'NotAllowedError',
        message: 'Missing permission observability.retention.request.create',
      }),
    );
  });
});
