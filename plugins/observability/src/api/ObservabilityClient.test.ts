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

  it('asks for one page of the fleet summary with its filters, sort and cursor', async () => {
    const requests = serve('get', '/v1/fleet', { clusters: [], matched: 0 });
    await expect(
      client.getFleetPage({
        status: 'not-ok',
        environment: 'prod',
        q: 'edge 1&x=',
        sort: 'name',
        order: 'desc',
        limit: 50,
        cursor: 'eyJzIjoibmFtZTpkZXNjIn0',
      }),
    ).resolves.toEqual({ clusters: [], matched: 0 });
    const params = requests[0].url.searchParams;
    expect(Object.fromEntries(params)).toEqual({
      view: 'summary',
      status: 'not-ok',
      environment: 'prod',
      q: 'edge 1&x=',
      sort: 'name',
      order: 'desc',
      limit: '50',
      cursor: 'eyJzIjoibmFtZTpkZXNjIn0',
    });
  });

  it('leaves empty and absent filters out of the page request', async () => {
    const requests = serve('get', '/v1/fleet', { clusters: [] });
    await client.getFleetPage({ environment: '', q: '', limit: 20 });
    expect(requests[0].url.search).toBe('?view=summary&limit=20');
    await client.getFleetPage();
    expect(requests[1].url.search).toBe('?view=summary');
  });

  it("rejects with the back end's message when a page request is refused", async () => {
    serve(
      'get',
      '/v1/fleet',
      {
        error: {
          name: 'InputError',
          message: 'Invalid query: cursor is not a cursor of this API',
        },
      },
      { status: 400 },
    );
    const error = await rejection(client.getFleetPage({ cursor: 'x' }));
    expect(error).toMatchObject({
      status: 400,
      name: 'InputError',
      message: 'Invalid query: cursor is not a cursor of this API',
    });
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

  it("asks for an entity's Argo CD applications under its encoded path", async () => {
    const gitops = serve(
      'get',
      '/v1/entity/component/my%20ns/check%2Fout/gitops',
      { clusters: [] },
    );
    await expect(
      client.getEntityGitops({
        kind: 'Component',
        namespace: 'my ns',
        name: 'check/out',
      }),
    ).resolves.toEqual({ clusters: [] });
    expect(gitops).toHaveLength(1);
    expect(gitops[0].url.search).toBe('');
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
  it('asks for the alerts of an entity or a cluster, and posts a silence', async () => {
    const answer = { alerts: [], unavailable: [], selector: 'service="cart"' };
    const alerts = serve('get', '/v1/alerts', answer);
    await expect(
      client.getAlerts({ entityRef: 'component:default/cart' }),
    ).resolves.toEqual(answer);
    await client.getAlerts({ cluster: 'prod-01' });
    await client.getAlerts();
    expect(alerts.map(r => r.url.search)).toEqual([
      '?entity=component%3Adefault%2Fcart',
      '?cluster=prod-01',
      '',
    ]);
    const request = {
      cluster: 'prod-01',
      entityRef: 'component:default/cart',
      matchers: [
        { name: 'service', value: 'cart', isRegex: false, isEqual: true },
      ],
      durationMinutes: 60,
      comment: 'deploying a fix',
    };
    const created = { cluster: 'prod-01', silenceId: 'a1', endsAt: 'x' };
    const posted = serve('post', '/v1/silences', created, { status: 201 });
    await expect(client.createSilence(request)).resolves.toEqual(created);
    expect(posted[0].body).toEqual(request);
  });

  it('expires a silence with DELETE and reads no body from the 204', async () => {
    const urls: URL[] = [];
    server.use(
      http.delete(`${BASE_URL}/v1/silences/:id`, ({ request }) => {
        urls.push(new URL(request.url));
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await expect(
      client.expireSilence({
        cluster: 'prod-01',
        silenceId: 'a1/../x',
        entityRef: 'component:default/cart',
      }),
    ).resolves.toBeUndefined();
    expect(urls[0].pathname).toBe('/api/observability/v1/silences/a1%2F..%2Fx');
    expect(urls[0].searchParams.get('cluster')).toBe('prod-01');
    expect(urls[0].searchParams.get('entity')).toBe('component:default/cart');
  });

  it("rejects a refused silence with the back end's message", async () => {
    serve(
      'post',
      '/v1/silences',
      {
        error: {
          name: 'InputError',
          message: 'durationMinutes is over the maximum of 10080',
        },
        response: { statusCode: 400 },
      },
      { status: 400 },
    );
    const error = await rejection(
      client.createSilence({
        cluster: 'prod-01',
        matchers: [],
        durationMinutes: 99999,
        comment: 'x',
      }),
    );
    expect(error.status).toBe(400);
    expect(errorText(error)).toBe(
      'durationMinutes is over the maximum of 10080',
    );
  });
});
