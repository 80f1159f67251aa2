import { ConfigReader } from '@backstage/config';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { UpstreamHttp } from './httpJson';
import { UpstreamError } from './UpstreamError';

const server = setupServer();
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (request, print) => {
      // The streaming tests talk to a real local server.
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'http://upstream.test/prefix';
const any = z.unknown();

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }
  throw new Error('expected a failure');
}

describe('UpstreamHttp', () => {
  it('times out with a typed error, once (no retries)', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/slow`, async () => {
        calls += 1;
        // Far later than the timeout: an answer would mean it did not time out.
        await delay(5_000);
        return HttpResponse.json({});
      }),
    );
    const client = new UpstreamHttp({
      name: 'thanos',
      baseUrl: BASE,
      timeoutMs: 50,
    });
    const error = await failure(client.get('/slow', any));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('thanos at /slow timed out after 50 ms');
    expect(calls).toBe(1);
    expect(client.requestCount).toBe(1);
  });

  it('reports HTTP errors with the upstream text, truncated', async () => {
    server.use(
      http.post(`${BASE}/api/v1/query`, () =>
        HttpResponse.json(
          {
            status: 'error',
            errorType: 'bad_data',
            error: 'parse error: unexpected "}"',
          },
          { status: 400 },
        ),
      ),
      http.get(`${BASE}/es`, () =>
        HttpResponse.json(
          {
            error: {
              root_cause: [],
              type: 'index_not_found_exception',
              reason: 'no such index [logz-*]',
            },
            status: 404,
          },
          { status: 404 },
        ),
      ),
      http.get(
        `${BASE}/long`,
        () => new HttpResponse('x'.repeat(5000), { status: 503 }),
      ),
    );
    const client = new UpstreamHttp({
      name: 'thanos',
      baseUrl: BASE,
      timeoutMs: 1000,
    });
    const e1 = await failure(
      client.post('/api/v1/query', any, { form: { query: 'up{' } }),
    );
    expect(e1).toMatchObject({
      kind: 'http',
      status: 400,
      upstream: 'thanos',
      path: '/api/v1/query',
    });
    expect(e1.message).toBe(
      'thanos at /api/v1/query answered HTTP 400: bad_data: parse error: unexpected "}"',
    );
    const e2 = await failure(client.get('/es', any));
    expect(e2.message).toMatch(
      /HTTP 404: index_not_found_exception: no such index \[logz-\*\]/,
    );
    const e3 = await failure(client.get('/long', any));
    expect(e3.message.length).toBeLessThan(400);
    expect(e3.message).toMatch(/HTTP 503: x+…$/);
  });

  it('reports malformed JSON and unexpected shapes as parse errors', async () => {
    server.use(
      http.get(
        `${BASE}/api/v1/query`,
        () =>
          new HttpResponse('{"status":"succ', {
            headers: { 'content-type': 'application/json' },
          }),
      ),
      http.get(`${BASE}/shape`, () =>
        HttpResponse.json({ data: { result: 'nope' } }),
      ),
    );
    const client = new UpstreamHttp({
      name: 'thanos',
      baseUrl: BASE,
      timeoutMs: 1000,
    });
    const e1 = await failure(client.get('/api/v1/query', any, { query: 'up' }));
    expect(e1.kind).toBe('parse');
    expect(e1.message).toBe('malformed JSON from thanos at /api/v1/query');
    const e2 = await failure(
      client.get(
        '/shape',
        z.object({ data: z.object({ result: z.array(z.unknown()) }) }),
      ),
    );
    expect(e2.kind).toBe('parse');
    expect(e2.message).toMatch(
      /^unexpected response shape from thanos at \/shape: data\.result: Expected array/,
    );
  });

  it('reports connection failures as network errors', async () => {
    server.use(http.get(`${BASE}/down`, () => HttpResponse.error()));
    const client = new UpstreamHttp({
      name: 'jaeger',
      baseUrl: BASE,
      timeoutMs: 1000,
    });
    const error = await failure(client.get('/down', any));
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/^jaeger at \/down could not be reached/);
  });

  it.each([
    [{ bearerToken: 's3cr3t-token' }, 'Bearer s3cr3t-token'],
    [
      { username: 'obs', password: 'pa55word' },
      `Basic ${Buffer.from('obs:pa55word').toString('base64')}`,
    ],
    [{ apiKey: 'aWQ6a2V5LXNlY3JldA==' }, 'ApiKey aWQ6a2V5LXNlY3JldA=='],
  ])(
    'sends the auth header %j and never leaks it in errors',
    async (auth, header) => {
      let seen: string | null = null;
      server.use(
        http.get(`${BASE}/auth`, ({ request }) => {
          seen = request.headers.get('authorization');
          // a misbehaving upstream echoing the credentials back in its error
          return new HttpResponse(
            `denied for ${seen} ${Object.values(auth).join(' ')}`,
            { status: 401 },
          );
        }),
      );
      const client = new UpstreamHttp({
        name: 'elasticsearch',
        baseUrl: BASE,
        timeoutMs: 1000,
        auth,
      });
      const error = await failure(client.get('/auth', any));
      expect(seen).toBe(header);
      const secrets = Object.values(auth).filter(s => s !== 'obs');
      for (const secret of secrets) {
        expect(error.message).not.toContain(secret);
      }
      expect(error.message).not.toContain(header.split(' ')[1]);
      expect(error.message).toContain('[redacted]');
    },
  );

  it('keeps URL credentials out of requests, errors and paths; sends no query string in messages', async () => {
    server.use(
      http.get(
        'http://upstream.test/x',
        () => new HttpResponse('nope', { status: 500 }),
      ),
    );
    const hook = jest.fn();
    const client = new UpstreamHttp({
      name: 'alertmanager',
      baseUrl: 'http://admin:hunter22@upstream.test',
      timeoutMs: 1000,
      onRequest: hook,
    });
    const error = await failure(
      client.get('/x', any, { filter: ['alertname="Watchdog"'] }),
    );
    expect(error.message).toBe('alertmanager at /x answered HTTP 500: nope');
    expect(error.message).not.toContain('hunter22');
    expect(hook).toHaveBeenCalledWith({
      upstream: 'alertmanager',
      method: 'GET',
      path: '/x',
    });
  });

  it('rejects non-http URLs', () => {
    expect(
      () =>
        new UpstreamHttp({
          name: 'thanos',
          baseUrl: 'file:///etc/passwd',
          timeoutMs: 1,
        }),
    ).toThrow(/must be http/);
  });

  describe('caps the answer body (observability.<upstream>.maxResponseBytes)', () => {
    it('fails with a parse error, before reading, when content-length is over the cap', async () => {
      const body = JSON.stringify({ data: 'x'.repeat(2000) });
      server.use(
        http.get(
          `${BASE}/big`,
          () =>
            new HttpResponse(body, {
              headers: {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(body)),
              },
            }),
        ),
        http.get(`${BASE}/small`, () => HttpResponse.json({ data: 'ok' })),
      );
      const client = new UpstreamHttp({
        name: 'elasticsearch',
        baseUrl: BASE,
        timeoutMs: 1000,
        maxResponseBytes: 1024,
      });
      const error = await failure(client.get('/big', any));
      expect(error.kind).toBe('parse');
      expect(error.message).toBe(
        `elasticsearch at /big answered more than 1 KiB (content-length ${Buffer.byteLength(
          body,
        )}); the answer was dropped unread (observability.elasticsearch.maxResponseBytes)`,
      );
      // Under the cap: read as usual.
      await expect(client.get('/small', any)).resolves.toEqual({ data: 'ok' });
    });

    it('counts a streamed answer without content-length and closes the connection past the cap', async () => {
      // A local server streaming an endless JSON array: it only stops when the
      // client closes the connection, so the test also proves the body is not
      // read to its end (nor buffered first).
      let sent = 0;
      let closed!: () => void;
      const connectionClosed = new Promise<void>(resolve => {
        closed = resolve;
      });
      const local: Server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        const chunk = `${JSON.stringify('y'.repeat(1000))},`.repeat(16);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) sent += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => closed());
        pump();
      });
      await new Promise<void>(resolve => local.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = local.address() as AddressInfo;
        const clients = upstreamClientsFromConfig(
          new ConfigReader({
            observability: {
              thanos: {
                url: `http://127.0.0.1:${port}`,
                maxResponseBytes: 64 * 1024,
              },
            },
          }),
          // Longer than the test may take: the close must come from the cap.
          { timeoutMs: 60_000 },
        );
        const error = await failure(clients.thanos!.labels());
        expect(error.kind).toBe('parse');
        expect(error.message).toMatch(
          /^thanos at \/api\/v1\/labels answered more than 64 KiB; the answer was dropped unread \(observability\.thanos\.maxResponseBytes\)$/,
        );
        await connectionClosed;
        // What the server got out before the close: the cap plus socket buffers,
        // not an unbounded stream.
        expect(sent).toBeLessThan(16 * 1024 * 1024);
      } finally {
        local.closeAllConnections();
        await new Promise(resolve => local.close(resolve));
      }
    });

    it('reads at most 64 KiB of an error answer and still reports it', async () => {
      server.use(
        http.get(
          `${BASE}/huge-error`,
          () =>
            new HttpResponse(`boom ${'z'.repeat(200_000)}`, { status: 502 }),
        ),
      );
      const client = new UpstreamHttp({
        name: 'jaeger',
        baseUrl: BASE,
        timeoutMs: 1000,
        maxResponseBytes: 1024,
      });
      const error = await failure(client.get('/huge-error', any));
      expect(error.kind).toBe('http');
      expect(error.message).toMatch(
        /^jaeger at \/huge-error answered HTTP 502: boom z+…$/,
      );
    });

    it('refuses a cap that is not a positive integer', () => {
      expect(
        () =>
          new UpstreamHttp({
            name: 'thanos',
            baseUrl: BASE,
            timeoutMs: 1,
            maxResponseBytes: 0,
          }),
      ).toThrow(
        'observability.thanos.maxResponseBytes must be a positive integer',
      );
    });
  });

  describe('parseInTurns', () => {
    const client = new UpstreamHttp({
      name: 'thanos',
      baseUrl: BASE,
      timeoutMs: 1000,
    });
    const series = z.object({ metric: z.record(z.string()) });

    it("validates an array's items and a record's values, in order, letting timers run", async () => {
      const items = Array.from({ length: 1200 }, (_, i) => ({
        metric: { cluster: `c-${i}` },
        dropped: true,
      }));
      let timerRan = false;
      setTimeout(() => (timerRan = true), 0);
      const parsed = await client.parseInTurns(
        '/api/v1/query',
        'data.result',
        series,
        items,
      );
      expect(parsed).toHaveLength(1200);
      expect(parsed[1199]).toEqual({ metric: { cluster: 'c-1199' } });
      // 1,200 items are three slices: the event loop ran in between.
      expect(timerRan).toBe(true);

      const record = JSON.parse(
        '{"logs-a":{"metric":{}},"__proto__":{"metric":{"x":"y"}}}',
      );
      const values = await client.parseInTurns('/_alias', '', series, record);
      expect(Object.keys(values)).toEqual(['logs-a', '__proto__']);
      expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    });

    it('fails as the get would, naming the entry and the field', async () => {
      const bad = [{ metric: {} }, { metric: { cluster: 7 } }];
      const e = await failure(
        client.parseInTurns('/api/v1/query', 'data.result', series, bad),
      );
      expect(e.kind).toBe('parse');
      expect(e.message).toBe(
        'unexpected response shape from thanos at /api/v1/query: data.result.1.metric.cluster: Expected string, received number',
      );
      const e2 = await failure(
        client.parseInTurns('/_alias', '', series, { 'logs-b': 'odd' }),
      );
      expect(e2.message).toMatch(/at \/_alias: logs-b: Expected object/);
    });
  });
});
