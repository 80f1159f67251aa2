import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createObservabilityBackend } from './observabilityBackend';
import { readSettings } from './settings';

const PLAN_URL = 'http://localhost:0/api/observability/v1/retention/plan';

const change = {
  cluster: 'prod-01',
  signal: 'logs' as const,
  requested: { deleteAfter: '180d' },
};

describe('createObservabilityBackend', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const backend = (timeoutMs?: number) =>
    createObservabilityBackend({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      timeoutMs,
    });

  it('gives up on a back end that does not answer in time, naming the config key', async () => {
    let calls = 0;
    server.use(
      http.post(PLAN_URL, async () => {
        calls += 1;
        await delay(2000);
        return HttpResponse.json({});
      }),
    );
    await expect(
      backend(50).plan(mockCredentials.user(), change as any),
    ).rejects.toThrow(
      'The observability back end did not answer /v1/retention/plan within 50 ms (observability.scaffolder.backendTimeout)',
    );
    expect(calls).toBe(1);
  });

  it('times out an answer whose body stalls, too', async () => {
    server.use(
      http.post(
        PLAN_URL,
        () =>
          new HttpResponse(
            new ReadableStream({
              start(controller) {
                // Headers and the start of the body, then nothing.
                controller.enqueue(new TextEncoder().encode('{"problems":'));
              },
            }),
            { headers: { 'content-type': 'application/json' } },
          ),
      ),
    );
    await expect(
      backend(80).plan(mockCredentials.user(), change as any),
    ).rejects.toThrow(
      'The observability back end did not answer /v1/retention/plan within 80 ms',
    );
  });

  it('reads the timeout from observability.scaffolder.backendTimeout (default 30 s)', async () => {
    expect(readSettings(new ConfigReader({})).backendTimeoutMs).toBe(30_000);
    const { backendTimeoutMs } = readSettings(
      new ConfigReader({
        observability: {
          scaffolder: { backendTimeout: { milliseconds: 60 } },
        },
      }),
    );
    expect(backendTimeoutMs).toBe(60);
    server.use(
      http.post(PLAN_URL, async () => {
        await delay(2000);
        return HttpResponse.json({});
      }),
    );
    await expect(
      backend(backendTimeoutMs).plan(mockCredentials.user(), change as any),
    ).rejects.toThrow('within 60 ms (observability.scaffolder.backendTimeout)');
  });
});
