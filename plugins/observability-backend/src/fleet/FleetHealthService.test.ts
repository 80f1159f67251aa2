import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { FleetCheckRun } from '../checks/runFleetChecks';
import { FleetChecker, FleetHealthService } from './FleetHealthService';

const check = (status: CheckResult['status']): CheckResult => ({
  id: 'prometheus-ha',
  title: 'Prometheus HA pair',
  status,
  summary: `replicas ${status}`,
  evidence: { source: 'thanos' },
  links: [],
  observedAt: '2026-11-25T10:00:00.000Z',
});

/** A run with only some signals and parts: the service shows the rest as unknown. */
const partialRun = (run: {
  clusters: Record<string, Partial<FleetCheckRun['clusters'][string]>>;
  platform: Partial<FleetCheckRun['platform']>;
  upstreamRequests?: number;
  slowestUpstream?: FleetCheckRun['slowestUpstream'];
}) => run as FleetCheckRun;

function setup(
  checker: FleetChecker,
  extra: Partial<ConstructorParameters<typeof FleetHealthService>[0]> = {},
) {
  const calls = jest.fn(checker);
  const service = new FleetHealthService({
    registry: {
      list: async () => [
        { name: 'dev-01', environment: 'dev', sources: ['config'] },
        { name: 'prod-01', environment: 'prod', sources: ['config'] },
      ],
    },
    checker: calls,
    cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('test'),
    logger: mockServices.logger.mock(),
    ttlMs: 60_000,
    ...extra,
  });
  return { service, calls };
}

describe('FleetHealthService', () => {
  it('rolls checks up per signal and cluster, unchecked signals stay unknown', async () => {
    const { service } = setup(async () =>
      partialRun({
        clusters: {
          'dev-01': {
            metrics: [check('ok'), check('warn')],
            logs: [check('ok')],
            traces: [check('ok')],
          },
          'prod-01': { metrics: [check('critical')] },
        },
        platform: { thanos: [check('ok')] },
        upstreamRequests: 15,
        slowestUpstream: {
          upstream: 'thanos',
          path: '/api/v1/query',
          ms: 210.4,
        },
      }),
    );
    const fleet = await service.getFleet();
    expect(fleet.round).toEqual({
      upstreamRequests: 15,
      slowestUpstream: 'thanos /api/v1/query',
      slowestUpstreamMs: 210,
      durationMs: expect.any(Number),
    });
    const [dev, prod] = fleet.clusters;
    expect(dev.signals.metrics.status).toBe('warn');
    expect(dev.status).toBe('warn');
    expect(prod.signals.metrics.status).toBe('critical');
    expect(prod.signals.logs.status).toBe('unknown');
    expect(prod.status).toBe('critical');
    expect(fleet.platform.thanos.status).toBe('ok');
    expect(fleet.platform.jaeger.status).toBe('unknown');
  });

  it('shares one round among 200 concurrent cold requests, then serves the cache', async () => {
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const { service, calls } = setup(async () => {
      await gate;
      return partialRun({ clusters: {}, platform: {} });
    });
    const pending = Array.from({ length: 200 }, () => service.getFleet());
    release();
    const answers = await Promise.all(pending);
    expect(calls).toHaveBeenCalledTimes(1);
    expect(new Set(answers.map(a => a.generatedAt)).size).toBe(1);

    await service.getFleet();
    expect(calls).toHaveBeenCalledTimes(1);
    await service.refresh();
    expect(calls).toHaveBeenCalledTimes(2);
  });

  it('lets a failed round fail its callers and the next request try again', async () => {
    let fail = true;
    const { service, calls } = setup(async () => {
      if (fail) throw new Error('registry down');
      return partialRun({ clusters: {}, platform: {} });
    });
    await expect(service.getFleet()).rejects.toThrow('registry down');
    fail = false;
    await expect(service.getFleet()).resolves.toHaveProperty('clusters');
    expect(calls).toHaveBeenCalledTimes(2);
  });

  it('reads the shared stamp once for 200 concurrent warm requests', async () => {
    const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin('t');
    const get = jest.spyOn(cache, 'get');
    const { service } = setup(
      async () => partialRun({ clusters: {}, platform: {} }),
      {
        cache,
      },
    );
    await service.getFleet();
    await service.flush();
    get.mockClear();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => service.getSnapshot()),
    );
    expect(get).toHaveBeenCalledTimes(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('answers before the history and the shared cache are written, and writes them in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const commits: string[] = [];
    const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin('t');
    const logger = mockServices.logger.mock();
    const { service } = setup(
      async () =>
        partialRun({
          clusters: { 'dev-01': { metrics: [check('ok')] } },
          platform: {},
        }),
      {
        cache,
        logger,
        history: {
          readState: async () => new Map(),
          plan: async (_statuses, now) => ({
            since: new Map([['dev-01|overall', '2026-11-01T00:00:00.000Z']]),
            commit: async () => {
              await gate;
              commits.push(now.toISOString());
            },
          }),
        },
      },
    );
    const fleet = await service.getFleet();
    expect(fleet.clusters[0].since).toBe('2026-11-01T00:00:00.000Z');
    expect(commits).toEqual([]);
    // Not in the shared cache yet, but this replica serves its round meanwhile.
    expect(await cache.get('fleet-health:v1:stamp')).toBeUndefined();
    expect((await service.getFleet()).generatedAt).toBe(fleet.generatedAt);

    // A second round waits for the first one's writes before it reads the history.
    const second = service.refresh();
    release();
    await second;
    await service.flush();
    expect(commits).toHaveLength(2);
    expect(commits[0]).toBe(fleet.generatedAt);
    expect(await cache.get('fleet-health:v1:stamp')).toBe(
      (await second).fleet.generatedAt,
    );
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('keeps answering when the shared cache fails, and logs why', async () => {
    const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin('t');
    const logger = mockServices.logger.mock();
    const { service, calls } = setup(
      async () => partialRun({ clusters: {}, platform: {} }),
      { cache, logger },
    );
    jest.spyOn(cache, 'set').mockRejectedValue(new Error('redis gone'));
    jest.spyOn(cache, 'get').mockRejectedValue(new Error('redis gone'));
    const first = await service.getFleet();
    await service.flush();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('redis gone'),
    );
    // Served from this replica's round while it is valid, without a new round.
    expect((await service.getFleet()).generatedAt).toBe(first.generatedAt);
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it('logs a failed history write and still answers', async () => {
    const logger = mockServices.logger.mock();
    const { service } = setup(
      async () => partialRun({ clusters: {}, platform: {} }),
      {
        logger,
        history: {
          readState: async () => new Map(),
          plan: async () => ({
            since: new Map(),
            commit: async () => {
              throw new Error('disk full');
            },
          }),
        },
      },
    );
    await expect(service.getFleet()).resolves.toHaveProperty('clusters');
    await service.flush();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('disk full'),
    );
  });

  it('does not start a second round for a request whose stamp read began before the first round ended', async () => {
    const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin('t');
    const realGet = cache.get.bind(cache);
    const sleep = (ms: number) =>
      new Promise(resolve => setTimeout(resolve, ms));
    // The shared cache answers what it held when asked, 20 ms later.
    jest.spyOn(cache, 'get').mockImplementation((async (key: string) => {
      const value = await realGet(key);
      await sleep(20);
      return value;
    }) as any);
    const { service, calls } = setup(
      async () => {
        await sleep(30);
        return partialRun({ clusters: {}, platform: {} });
      },
      { cache },
    );
    const first = service.getFleet(); // stamp read 0–20 ms, round 20–50 ms
    await sleep(40);
    const second = service.getFleet(); // stamp read 40–60 ms: sees no stamp
    expect((await second).generatedAt).toBe((await first).generatedAt);
    expect(calls).toHaveBeenCalledTimes(1);
  });

  it('answers without since when the history cannot be read, and logs why', async () => {
    const logger = mockServices.logger.mock();
    const { service } = setup(
      async () =>
        partialRun({
          clusters: { 'dev-01': { metrics: [check('ok')] } },
          platform: {},
        }),
      {
        logger,
        history: {
          readState: async () => {
            throw new Error('database gone');
          },
          plan: () => {
            throw new Error('must not plan without a state');
          },
        },
      },
    );
    const fleet = await service.getFleet();
    expect(fleet.clusters[0].signals.metrics.status).toBe('ok');
    expect(fleet.clusters[0].since).toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('database gone'),
    );
  });

  describe('alert counts', () => {
    const run = async () =>
      partialRun({
        clusters: { 'dev-01': { metrics: [check('ok')] } },
        platform: {},
      });

    it("counts from the round's own answers, once per round, and puts the counts on each cluster", async () => {
      const rounds: FleetCheckRun[] = [];
      const alertCounts = jest.fn((round: FleetCheckRun, _: string[]) => {
        expect(rounds).toContain(round);
        return {
          'prod-01': { critical: 2, warning: 1, other: 0 },
          // Hostile or stale keys never land on a cluster.
          __proto__: { critical: 9, warning: 9, other: 9 },
          'gone-01': { critical: 5, warning: 0, other: 0 },
        };
      });
      const { service } = setup(
        async () => {
          const r = await run();
          rounds.push(r);
          return r;
        },
        { alertCounts },
      );
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => service.getFleet()),
      );
      expect(alertCounts).toHaveBeenCalledTimes(1);
      expect(alertCounts).toHaveBeenCalledWith(rounds[0], [
        'dev-01',
        'prod-01',
      ]);
      const [dev, prod] = answers[0].clusters;
      // dev-01's Alertmanager did not answer: no counts rather than zeros.
      expect(dev.alerts).toBeUndefined();
      expect(prod.alerts).toEqual({ critical: 2, warning: 1, other: 0 });

      await service.refresh();
      expect(alertCounts).toHaveBeenCalledTimes(2);
    });

    it('answers without counts when they fail, and logs why', async () => {
      const logger = mockServices.logger.mock();
      const { service } = setup(run, {
        logger,
        alertCounts: () => {
          throw new Error('every alertmanager refused');
        },
      });
      const fleet = await service.getFleet();
      expect(fleet.clusters[0].signals.metrics.status).toBe('ok');
      expect(fleet.clusters.map(c => c.alerts)).toEqual([undefined, undefined]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('every alertmanager refused'),
      );
    });
  });
});
