import { registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ObservabilityClient } from './ObservabilityClient';
import { ObservabilityApiError, errorText } from './ObservabilityApiError';

const BASE_URL = 'http://localhost:7007/api/observability';

const server = setupServer();
registerMswTestHooks(server);

const client = new ObservabilityClient({
  discoveryApi: {
    getBaseUrl: async pluginId => `http://localhost:7007/api/${pluginId}`,
  },
  fetchApi: { fetch: (...args) => fetch(...args) },
});

/** Answers `body` on `method path`; records what the client sent. */
function serve(
  method: 'get' | 'post',
  path: string,
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
) {
  const requests: Array<{ url: URL; body?: unknown; headers: Headers }> = [];
  server.use(
    http[method](`${BASE_URL}${path}`, async ({ request }) => {
      requests.push({
        url: new URL(request.url),
        body: method === 'post' ? await request.json() : undefined,
        headers: request.headers,
      });
      return typeof body === 'string'
        ? new HttpResponse(body, init)
        : HttpResponse.json(body as any, init);
    }),
  );
  return requests;
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(ObservabilityApiError);
  return error as ObservabilityApiError;
}

describe('ObservabilityClient', () => {
  it('asks for the summary view of the fleet', async () => {
    const requests = serve('get', '/v1/fleet', { clusters: [] });
    await expect(client.getFleetSummary()).resolves.toEqual({ clusters: [] });
    expect(requests[0].url.searchParams.get('view')).toBe('summary');
  });

  it('still asks for the full fleet without a view', async () => {
    const requests = serve('get', '/v1/fleet', { clusters: [] });
    await client.getFleet();
    expect(requests[0].url.search).toBe('');
  });

  it('asks for a cluster and its history by encoded name', async () => {
    serve('get', '/v1/clusters/dev%2001', { cluster: { name: 'dev 01' } });
    const history = serve('get', '/v1/clusters/dev-01/history', {
      cluster: 'dev-01',
      transitions: [],
    });
    await expect(client.getCluster('dev 01')).resolves.toEqual({
      cluster: { name: 'dev 01' },
    });
    await client.getClusterHistory('dev-01', { limit: 5 });
    expect(history[0].url.searchParams.get('limit')).toBe('5');
  });

  it("asks for an entity's signals in the range and clusters, and one of its traces", async () => {
    const signals = serve(
      'get',
      '/v1/entity/component/default/checkout/signals',
      { entityRef: 'component:default/checkout' },
    );
    const traces = serve(
      'get',
      '/v1/entity/component/default/checkout/traces/:traceId',
      { trace: {} },
    );
    const entity = {
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    };
    await client.getEntitySignals(entity, {
      from: new Date('2026-11-25T11:00:00.000Z'),
      to: new Date('2026-11-25T12:00:00.000Z'),
      clusters: ['dev-01', 'prod-01'],
    });
    expect(Object.fromEntries(signals[0].url.searchParams)).toEqual({
      from: '2026-11-25T11:00:00.000Z',
      to: '2026-11-25T12:00:00.000Z',
      clusters: 'dev-01,prod-01',
    });
    await client.getEntityTrace(entity, 'a1b2');
    expect(traces[0].url.pathname).toMatch(/\/traces\/a1b2$/);
  });

  it('reads the retention today and lists the requests by filter', async () => {
    serve('get', '/v1/retention', { clusters: [] });
    const list = serve('get', '/v1/retention-requests', { items: [] });
    await expect(client.getEffectiveRetention()).resolves.toEqual({
      clusters: [],
    });
    await client.listRequests({ state: 'pending' });
    await client.listRequests();
    expect(list.map(r => r.url.search)).toEqual(['?state=pending', '']);
  });

  it('posts a plan, a request and a decision as JSON', async () => {
    const input = {
      cluster: 'prod-01',
      signal: 'logs' as const,
      requested: {
        rolloverMaxAge: '1d',
        rolloverMaxSize: '50gb',
        warmAfter: '7d',
        deleteAfter: '45d',
      },
    };
    const plan = serve('post', '/v1/retention/plan', { problems: [] });
    const create = serve('post', '/v1/retention-requests', { id: 'r1' });
    const decide = serve('post', '/v1/retention-requests/r1/:decision', {
      id: 'r1',
    });
    await client.planRetention(input);
    await client.createRequest({ ...input, justification: 'Audit' });
    await client.decide('r1', 'reject', 'too long');
    await client.decide('r1', 'cancel');
    expect(plan[0].body).toEqual(input);
    expect(plan[0].headers.get('content-type')).toBe('application/json');
    expect(create[0].body).toEqual({ ...input, justification: 'Audit' });
    expect(decide.map(r => [r.url.pathname.split('/').pop(), r.body])).toEqual([
      ['reject', { comment: 'too long' }],
      ['cancel', {}],
    ]);
  });

  it('throws the response error', async () => {
    serve(
      'get',
      '/v1/fleet',
      { error: { name: 'Error', message: 'boom' } },
      { status: 500 },
    );
    const error = await rejection(client.getFleetSummary());
    expect(error.status).toBe(500);
    expect(error.message).toBe('boom');
  });

  it("carries the back end's error name, message and status", async () => {
    serve(
      'get',
      '/v1/clusters/new-01',
      {
        error: { name: 'NotFoundError', message: 'No cluster named "new-01"' },
        request: { method: 'GET', url: '/v1/clusters/new-01' },
        response: { statusCode: 404 },
      },
      { status: 404 },
    );
    const error = await rejection(client.getCluster('new-01'));
    expect(error).toMatchObject({
      status: 404,
      name: 'NotFoundError',
      message: 'No cluster named "new-01"',
    });
    expect(errorText(error)).toBe('No cluster named "new-01"');
  });

  it('says the status and the start of a body that is not a JSON error', async () => {
    serve('post', '/v1/retention/plan', '<html>Bad gateway</html>', {
      status: 502,
      headers: { 'content-type': 'text/html' },
    });
    const error = await rejection(
      client.planRetention({
        cluster: 'prod-01',
        signal: 'metrics',
        requested: {} as any,
      }),
    );
    expect(error).toMatchObject({
      status: 502,
      name: 'ObservabilityApiError',
      message: '502 <html>Bad gateway</html>',
    });
  });

  it('says the status text when the body is empty', async () => {
    server.use(
      http.post(
        `${BASE_URL}/v1/retention-requests/r1/approve`,
        () => new HttpResponse(null, { status: 409, statusText: 'Conflict' }),
      ),
    );
    const error = await rejection(client.decide('r1', 'approve'));
    expect(error).toMatchObject({ status: 409, message: '409 Conflict' });
  });

  it('stops a plan when its signal aborts', async () => {
    server.use(
      http.post(`${BASE_URL}/v1/retention/plan`, async () => {
        await new Promise(r => setTimeout(r, 1000));
        return HttpResponse.json({ problems: [] });
      }),
    );
    const controller = new AbortController();
    const plan = client.planRetention(
      { cluster: 'prod-01', signal: 'metrics', requested: {} as any },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(plan).rejects.toMatchObject({ name: 'AbortError' });
  });
});
