import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CheckResult } from '@fleetobs/plugin-observability-common';
import { FleetChecker, FleetHealthService } from './FleetHealthService';

const check = (status: CheckResult['status']): CheckResult => ({
  id: 'prometheus-ha',
  status,
  summary: `replicas ${status}`,
  evidence: { source: 'thanos' },
  links: [],
  observedAt: '2026-11-25T10:00:00.000Z',
});

function setup(checker: FleetChecker) {
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
  });
  return { service, calls };
}

describe('FleetHealthService', () => {
  it('rolls checks up per signal and cluster, unchecked signals stay unknown', async () => {
    const { service } = setup(async () => ({
      clusters: {
        'dev-01': {
          metrics: [check('ok'), check('warn')],
          logs: [check('ok')],
          traces: [check('ok')],
        },
        'prod-01': { metrics: [check('critical')] },
      },
      platform: { thanos: [check('ok')] },
    }));
    const fleet = await service.getFleet();
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
      return { clusters: {}, platform: {} };
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
      return { clusters: {}, platform: {} };
    });
    await expect(service.getFleet()).rejects.toThrow('registry down');
    fail = false;
    await expect(service.getFleet()).resolves.toHaveProperty('clusters');
    expect(calls).toHaveBeenCalledTimes(2);
  });
});
