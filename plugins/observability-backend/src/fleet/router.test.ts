import { CacheManager } from '@backstage/backend-defaults/cache';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  CheckResult,
  FleetPage,
  HealthStatus,
} from '@fleetobs/plugin-observability-common';
import request from 'supertest';
import { FleetCluster } from '../lib/clusters';
import { FleetCheckRun } from '../checks/runFleetChecks';
import { FleetAlertCounts, FleetHealthService } from './FleetHealthService';
import { HealthHistoryStore } from './HealthHistoryStore';
import { createRouter } from './router';

// `GET /v1/fleet` filtered and paged, on a test backend (its error handler makes the
// 400s), over a fleet whose statuses the test chooses.

const STATUSES: HealthStatus[] = ['ok', 'ok', 'warn', 'critical', 'unknown'];

const check = (status: HealthStatus, cluster: string): CheckResult => ({
  id: 'prometheus-ha',
  title: 'Prometheus HA pair',
  status,
  summary: `replicas of ${cluster} ${status}`,
  evidence: { source: 'thanos', values: { replicasUp: 2 } },
  links: [{ title: 'Prometheus targets', url: 'https://grafana.example.com' }],
  observedAt: '2026-12-02T10:00:00.000Z',
});

/** 23 clusters, `c-00` … `c-22`, in dev / prod, their statuses in turn. */
const fleetOf = (n: number): FleetCluster[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `c-${String(i).padStart(2, '0')}`,
    environment: i % 3 === 0 ? 'prod' : 'dev',
    sources: ['config'],
  }));

async function startBackend(
  initial: FleetCluster[] = fleetOf(23),
  options: { alertCounts?: FleetAlertCounts } = {},
) {
  let clusters = initial;
  let statusOf = (_name: string, i: number) => STATUSES[i % STATUSES.length];
  const fleet = new FleetHealthService({
    registry: { list: async () => clusters },
    checker: async list =>
      ({
        clusters: Object.fromEntries(
          list.map((c, i) => {
            const status = statusOf(c.name, i);
            return [
              c.name,
              {
                metrics: [check(status, c.name)],
                logs: [check('ok', c.name)],
                traces: [check('ok', c.name)],
              },
            ];
          }),
        ),
        platform: {},
        upstreamRequests: 15,
      } as FleetCheckRun),
    cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('test'),
    logger: mockServices.logger.mock(),
    ttlMs: 60_000,
    alertCounts: options.alertCounts,
  });
  const plugin = createBackendPlugin({
    pluginId: 'observability',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          httpRouter.use(
            await createRouter({
              httpAuth,
              fleet,
              history: {} as HealthHistoryStore,
            }),
          );
        },
      });
    },
  });
  const { server } = await startTestBackend({ features: [plugin] });
  return {
    get: (query: string) =>
      request(server).get(`/api/observability/v1/fleet${query}`),
    /** A new round, with other clusters or statuses. */
    newRound: async (next: {
      clusters?: FleetCluster[];
      statusOf?: typeof statusOf;
    }) => {
      clusters = next.clusters ?? clusters;
      statusOf = next.statusOf ?? statusOf;
      await fleet.refresh();
    },
  };
}

/** Every page of a listing, following nextCursor. */
async function walk(
  backend: Awaited<ReturnType<typeof startBackend>>,
  query: string,
) {
  const pages: FleetPage[] = [];
  let cursor: string | undefined;
  do {
    const res = await backend.get(
      `?${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

const names = (pages: FleetPage[]) =>
  pages.flatMap(p => p.clusters.map(c => c.name));

describe('GET /v1/fleet, filtered and paged', () => {
  it('pages worst first, then by name, each cluster once, with the whole fleet counted on every page', async () => {
    const backend = await startBackend();
    const whole = (await backend.get('')).body;
    const pages = await walk(backend, 'limit=5');
    expect(pages.map(p => p.clusters.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages[4].nextCursor).toBeUndefined();
    const all = names(pages);
    expect(new Set(all).size).toBe(23);
    // critical (i % 5 = 3), unknown (4), warn (2), ok: by severity, then name.
    expect(all.slice(0, 6)).toEqual([
      'c-03',
      'c-08',
      'c-13',
      'c-18',
      'c-04',
      'c-09',
    ]);
    expect(all.slice(-2)).toEqual(['c-20', 'c-21']);
    for (const page of pages) {
      expect(page.counts).toEqual({ ok: 10, warn: 5, critical: 4, unknown: 4 });
      expect(page.matched).toBe(23);
      expect(page.environments).toEqual(['dev', 'prod']);
      expect(page.platform).toEqual(whole.platform);
    }
  });

  it('sorts by name or a signal in either order, and the pages follow that order', async () => {
    const backend = await startBackend();
    const byName = names(await walk(backend, 'sort=name&order=desc&limit=7'));
    expect(byName).toEqual(
      fleetOf(23)
        .map(c => c.name)
        .reverse(),
    );
    const byEnv = names(await walk(backend, 'sort=environment&limit=4'));
    expect(byEnv.slice(0, 3)).toEqual(['c-01', 'c-02', 'c-04']);
    expect(byEnv.slice(-8)[0]).toBe('c-00');
    const metricsBestFirst = names(
      await walk(backend, 'sort=metrics&order=asc&limit=6'),
    );
    expect(metricsBestFirst.slice(0, 3)).toEqual(['c-00', 'c-01', 'c-05']);
    expect(metricsBestFirst).toHaveLength(23);
  });

  it('continues after the last cluster it showed when a new round came between two pages', async () => {
    const backend = await startBackend();
    const first = (await backend.get('?sort=name&limit=5')).body as FleetPage;
    expect(first.clusters.map(c => c.name)).toEqual([
      'c-00',
      'c-01',
      'c-02',
      'c-03',
      'c-04',
    ]);
    // c-02 is gone and a cluster that sorts first came: no repeat, no gap.
    await backend.newRound({
      clusters: [
        { name: 'a-new', environment: 'dev', sources: ['catalog'] },
        ...fleetOf(23).filter(c => c.name !== 'c-02'),
      ],
    });
    const next = (
      await backend.get(`?sort=name&limit=5&cursor=${first.nextCursor}`)
    ).body as FleetPage;
    expect(next.clusters.map(c => c.name)).toEqual([
      'c-05',
      'c-06',
      'c-07',
      'c-08',
      'c-09',
    ]);
    expect(next.matched).toBe(23);
    expect((await backend.get('?q=a-new')).body.matched).toBe(1);
  });

  it('filters by status, not-ok, environment and text, counting the whole fleet', async () => {
    const backend = await startBackend();
    const get = async (query: string) => (await backend.get(query)).body;
    const critical = await get('?status=critical');
    expect(critical.clusters.map((c: any) => c.name)).toEqual([
      'c-03',
      'c-08',
      'c-13',
      'c-18',
    ]);
    expect(critical.matched).toBe(4);
    expect(critical.counts).toEqual({
      ok: 10,
      warn: 5,
      critical: 4,
      unknown: 4,
    });
    const notOk = await get('?status=not-ok&environment=prod');
    expect(notOk.clusters.map((c: any) => [c.name, c.status])).toEqual([
      ['c-03', 'critical'],
      ['c-18', 'critical'],
      ['c-09', 'unknown'],
      ['c-12', 'warn'],
    ]);
    const text = await get('?q=C-1');
    expect(text.matched).toBe(10);
    expect(await get('?q=PRO&limit=100')).toMatchObject({ matched: 8 });
    const none = await get('?q=nothing');
    expect(none).toMatchObject({ matched: 0, clusters: [] });
    expect(none.nextCursor).toBeUndefined();
    expect(none.counts.ok).toBe(10);
  });

  it('trims the ok checks of a page in the summary view', async () => {
    const backend = await startBackend();
    const page = (await backend.get('?view=summary&status=warn&limit=1')).body;
    expect(page.clusters).toHaveLength(1);
    const [warn, ok] = [
      page.clusters[0].signals.metrics.checks[0],
      page.clusters[0].signals.logs.checks[0],
    ];
    expect(warn.evidence.values).toEqual({ replicasUp: 2 });
    expect(ok).toEqual({
      id: 'prometheus-ha',
      status: 'ok',
      summary: 'replicas of c-02 ok',
      observedAt: '2026-12-02T10:00:00.000Z',
    });
    expect(page.counts.warn).toBe(5);
  });

  it('answers the whole fleet with its counts when no page is asked for', async () => {
    const backend = await startBackend();
    const res = await backend.get('');
    expect(res.body.clusters).toHaveLength(23);
    expect(res.body.counts).toEqual({
      ok: 10,
      warn: 5,
      critical: 4,
      unknown: 4,
    });
    expect(res.body.nextCursor).toBeUndefined();
    expect(res.body.matched).toBeUndefined();
  });

  it('revalidates a page with its ETag, and another page has another', async () => {
    const backend = await startBackend();
    const first = await backend.get('?limit=5');
    const again = await backend
      .get('?limit=5')
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
    const other = await backend
      .get('?limit=6')
      .set('If-None-Match', first.headers.etag);
    expect(other.status).toBe(200);
    expect(other.body.clusters).toHaveLength(6);
  });

  it('sorts by firing alerts: critical first, then warning, clusters without counts last', async () => {
    // c-00 … c-05; c-05's Alertmanager did not answer (no entry).
    const alertCounts: FleetAlertCounts = () => ({
      'c-00': { critical: 0, warning: 0, other: 4 },
      'c-01': { critical: 0, warning: 7, other: 0 },
      'c-02': { critical: 1, warning: 0, other: 0 },
      'c-03': { critical: 1, warning: 2, other: 0 },
      'c-04': { critical: 0, warning: 7, other: 0 },
    });
    const backend = await startBackend(fleetOf(6), { alertCounts });
    const mostFirst = await walk(backend, 'sort=alerts&limit=2');
    expect(names(mostFirst)).toEqual([
      'c-03',
      'c-02',
      'c-01',
      'c-04',
      'c-00',
      'c-05',
    ]);
    expect(mostFirst[0].clusters[0].alerts).toEqual({
      critical: 1,
      warning: 2,
      other: 0,
    });
    expect(mostFirst[2].clusters[1].alerts).toBeUndefined();
    const fewestFirst = await walk(backend, 'sort=alerts&order=asc&limit=4');
    expect(names(fewestFirst)).toEqual([
      'c-05',
      'c-00',
      'c-01',
      'c-04',
      'c-02',
      'c-03',
    ]);
    // The summary view carries the counts too.
    const summary = (await backend.get('?view=summary&sort=alerts&limit=1'))
      .body as FleetPage;
    expect(summary.clusters[0].alerts?.critical).toBe(1);
  });

  it('answers without alert counts when they cannot be had', async () => {
    const backend = await startBackend(fleetOf(3), {
      alertCounts: () => {
        throw new Error('alertmanager down');
      },
    });
    const res = await backend.get('?sort=alerts');
    expect(res.status).toBe(200);
    expect(names([res.body])).toEqual(['c-00', 'c-01', 'c-02']);
    expect(res.body.clusters.map((c: any) => c.alerts)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  const cursorOf = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');

  const shortName = (query: string) =>
    query.length > 80
      ? `${query.slice(0, 40)}… (${query.length} chars)`
      : query;

  it.each(
    (
      [
        ['limit=0', /limit/],
        ['limit=501', /limit/],
        ['limit=ten', /limit/],
        ['limit=1.5', /limit/],
        ['status=green', /status/],
        ['sort=size', /sort/],
        ['order=up', /order/],
        [`q=${'x'.repeat(101)}`, /q/],
        ['environment=', /environment/],
        ['page=2', /page/],
        ['cursor=not%20a%20cursor', /cursor is not a cursor/],
        [`cursor=${Buffer.from('{').toString('base64url')}`, /cursor is not/],
        [`cursor=${cursorOf({ s: 'status:desc', k: 9, n: 'c' })}`, /cursor/],
        [
          `cursor=${cursorOf({ s: 'status:desc', k: 1, n: 'c', extra: 1 })}`,
          /cursor/,
        ],
        [`cursor=${cursorOf(['status:desc', 1, 'c'])}`, /cursor/],
        [`cursor=${'A'.repeat(2000)}`, /cursor/],
        // A cursor of one listing in another: its key means something else there.
        [
          `sort=name&cursor=${cursorOf({ s: 'status:desc', k: 3, n: 'c-03' })}`,
          /another listing than name:asc/,
        ],
        [
          `cursor=${cursorOf({ s: 'status:desc', k: 'c-03', n: 'c-03' })}`,
          /another listing/,
        ],
        ['limit=5&limit=6', /limit/],
        // An alerts key is no status severity, and no key is below -1.
        [
          `cursor=${cursorOf({ s: 'status:desc', k: 1_000_000, n: 'c' })}`,
          /another listing/,
        ],
        [
          `sort=alerts&cursor=${cursorOf({ s: 'alerts:desc', k: -2, n: 'c' })}`,
          /cursor/,
        ],
        [
          `sort=alerts&cursor=${cursorOf({
            s: 'alerts:desc',
            k: 'c',
            n: 'c',
          })}`,
          /another listing/,
        ],
      ] as Array<[string, RegExp]>
    ).map(([query, message]) => [shortName(query), query, message] as const),
  )('rejects %s with a 400 that names it', async (_name, query, message) => {
    const backend = await startBackend();
    const res = await backend.get(`?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(message),
    });
  });

  it('accepts the cursor it made, and only for its own listing', async () => {
    const backend = await startBackend();
    const { nextCursor } = (await backend.get('?limit=5')).body;
    expect((await backend.get(`?cursor=${nextCursor}`)).status).toBe(200);
    expect((await backend.get(`?order=asc&cursor=${nextCursor}`)).status).toBe(
      400,
    );
  });
});
