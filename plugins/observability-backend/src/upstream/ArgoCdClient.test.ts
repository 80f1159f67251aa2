import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fixture } from '../__fixtures__';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { readObservabilityConfig } from '../config';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const CLUSTERS = ['dev-01', 'stag-01', 'prod-01', 'ops-01'];
const TOKEN = 'argocd-read-only-token';

const clientOf = (argocd: object) =>
  upstreamClientsFromConfig(new ConfigReader({ observability: { argocd } }), {
    timeoutMs: 1000,
  }).argocd!;

/** Serves `body` at `<base>/api/v1/applications` and records each request. */
function serve(base: string, body: () => Response) {
  const seen: URL[] = [];
  const auth: Array<string | null> = [];
  server.use(
    http.get(`${base}/api/v1/applications`, ({ request }) => {
      seen.push(new URL(request.url));
      auth.push(request.headers.get('authorization'));
      return body();
    }),
  );
  return { seen, auth };
}

describe('ArgoCdClient', () => {
  it('asks the one Argo CD once for the whole fleet, with selector, fields and token', async () => {
    const { seen, auth } = serve('http://argocd.test', () =>
      HttpResponse.json(fixture('argocd/applications.json')),
    );
    const argocd = clientOf({
      url: 'http://argocd.test',
      selector: 'team=ops',
      auth: { bearerToken: TOKEN },
    });
    const [answer, ...more] = await argocd.applications(CLUSTERS);
    expect(more).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0].searchParams.get('selector')).toBe('team=ops');
    expect(seen[0].searchParams.get('fields')).toContain(
      'items.status.operationState',
    );
    expect(auth[0]).toBe(`Bearer ${TOKEN}`);
    expect(answer.clusters).toEqual(CLUSTERS);
    expect(answer.uiUrl).toBe('http://argocd.test');
    expect(answer.answer.ok).toBe(true);
    const apps = answer.answer.ok ? answer.answer.value : [];
    const failed = apps.find(a => a.metadata.name === 'prod-01-logging')!;
    expect(failed.status?.operationState?.phase).toBe('Failed');
    expect(failed.status?.conditions?.[0].type).toBe('SyncError');
    expect(failed.spec.source?.targetRevision).toBe('v1.3.2');
    expect(argocd.requestCount).toBe(1);
  });

  it('asks one Argo CD per cluster with urlTemplate, a cluster entry winning', async () => {
    const dev = serve('http://argocd.dev-01.test', () =>
      HttpResponse.json(fixture('argocd/applications-empty.json')),
    );
    const stag = serve('http://argocd-stag.test', () =>
      HttpResponse.json(fixture('argocd/applications-empty.json')),
    );
    const argocd = clientOf({
      urlTemplate: 'http://argocd.{cluster}.test',
      clusters: { 'stag-01': 'http://argocd-stag.test' },
      uiUrl: 'https://argocd.{cluster}.example.com',
    });
    const answers = await argocd.applications(['dev-01', 'stag-01']);
    expect(dev.seen).toHaveLength(1);
    expect(stag.seen).toHaveLength(1);
    expect(answers.map(a => [a.clusters, a.uiUrl])).toEqual([
      [['dev-01'], 'https://argocd.dev-01.example.com'],
      [['stag-01'], 'https://argocd.stag-01.example.com'],
    ]);
    // `"items": null` (no Application matched) is an empty list.
    expect(answers[0].answer).toEqual({ ok: true, value: [] });
  });

  it('fails only the Argo CD that failed, with its message and never the token', async () => {
    serve('http://argocd.dev-01.test', () =>
      HttpResponse.json(fixture('argocd/error-unauthenticated.json'), {
        status: 401,
      }),
    );
    serve('http://argocd.stag-01.test', () =>
      HttpResponse.json(fixture('argocd/applications-empty.json')),
    );
    const argocd = clientOf({
      urlTemplate: 'http://argocd.{cluster}.test',
      auth: { bearerToken: TOKEN },
    });
    const [dev, stag] = await argocd.applications(['dev-01', 'stag-01']);
    expect(dev.answer.ok).toBe(false);
    const error = dev.answer.ok ? '' : dev.answer.error;
    expect(error).toContain('HTTP 401');
    expect(error).toContain('token is expired');
    expect(error).not.toContain(TOKEN);
    expect(stag.answer.ok).toBe(true);
  });

  it('reports an answer of the wrong shape as a parse error', async () => {
    serve('http://argocd.test', () =>
      HttpResponse.json({ items: [{ metadata: {} }] }),
    );
    const [answer] = await clientOf({ url: 'http://argocd.test' }).applications(
      ['dev-01'],
    );
    expect(answer.answer).toEqual({
      ok: false,
      error: expect.stringMatching(/unexpected response shape.*metadata\.name/),
    });
  });

  it('skips clusters no Argo CD serves and refuses hostile cluster names', async () => {
    const argocd = clientOf({
      urlTemplate: 'http://argocd.{cluster}.test',
    });
    expect(argocd.instanceOf('evil.test/x#')).toBeUndefined();
    expect(await argocd.applications(['evil.test/x#'])).toEqual([]);
  });

  it('keeps credentials of a URL out of links and evidence', () => {
    const argocd = clientOf({ url: 'http://admin:secret@argocd.test' });
    expect(argocd.instanceOf('dev-01')).toEqual({
      apiUrl: 'http://argocd.test',
      uiUrl: 'http://argocd.test',
    });
  });
});

describe('observability.argocd config', () => {
  const read = (argocd: object) =>
    readObservabilityConfig(new ConfigReader({ observability: { argocd } }))
      .upstreams.argocd;

  it('applies the defaults', () => {
    expect(read({ url: 'http://argocd.test' })).toMatchObject({
      url: 'http://argocd.test',
      selector: 'cluster',
      clusterLabel: 'cluster',
    });
  });

  it.each([
    [{ urlTemplate: 'http://argocd.test' }, /must contain \{cluster\}/],
    [{ urlTemplate: 'ftp://{cluster}.test' }, /http\(s\) URL/],
    [{ clusters: { 'Bad Name': 'http://a.test' } }, /not a cluster name/],
    [{ clusters: { 'dev-01': 'file:///etc/passwd' } }, /http\(s\) URL/],
    [{ uiUrl: 'data:text/html,hi' }, /http\(s\) URL/],
  ])('refuses %j', (argocd, message) => {
    expect(() => read(argocd)).toThrow(message);
  });
});
