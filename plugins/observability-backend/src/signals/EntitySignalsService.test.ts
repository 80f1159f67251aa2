import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { FleetSimulator, startFleetSimulator } from '@fleetobs/fleet-simulator';
import { readObservabilityConfig } from '../config';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { EntitySignalsService } from './EntitySignalsService';

// Request coalescing: concurrent requests for one service's signals share one set of
// upstream requests, counted by the fleet simulator.

let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0 });
});
afterAll(() => sim.close());

const entity = (name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'observability.fleetobs.io/clusters': 'dev-01,stag-01,prod-01',
    },
  },
  spec: { type: 'service' },
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>(res => {
    resolve = res;
  });
  return { promise, resolve };
}

function service(cache: CacheService) {
  const config = new ConfigReader({
    observability: {
      thanos: { url: `${sim.url}/thanos` },
      elasticsearch: { url: `${sim.url}/es` },
      jaeger: { url: `${sim.url}/jaeger` },
    },
  });
  return new EntitySignalsService({
    clients: upstreamClientsFromConfig(config, { timeoutMs: 5000 }),
    config: readObservabilityConfig(config).signals,
    cache,
    logger: mockServices.logger.mock(),
    now: () => Date.parse('2026-12-02T10:00:00Z'),
  });
}

/** A shared cache that never has the answer yet (every request is cold). */
const emptyCache = () =>
  mockServices.cache.mock({
    get: jest.fn(async () => undefined),
    set: jest.fn(async () => {}),
  });

const upstreamRequests = () =>
  Object.values(sim.requestCounts()).reduce((a, b) => a + Number(b), 0);

describe('EntitySignalsService request coalescing', () => {
  it('sends one set of upstream requests for 200 concurrent requests for one service', async () => {
    sim.resetRequestCounts();
    await service(emptyCache()).getSignals(entity('cart'), {});
    const perAnswer = upstreamRequests();
    expect(perAnswer).toBeGreaterThan(0);

    sim.resetRequestCounts();
    const signals = service(emptyCache());
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        signals.getSignals(entity('checkout'), {}),
      ),
    );
    expect(new Set(answers).size).toBe(1);
    expect(upstreamRequests()).toBe(perAnswer);
  });

  it('shares a round in flight with a request whose shared-cache read comes back after the round ended', async () => {
    // The second request's cache read is slow; the cache cannot be written (down).
    const slowRead = deferred();
    let reads = 0;
    const cache = mockServices.cache.mock({
      get: jest.fn(async () => {
        reads++;
        if (reads === 2) await slowRead.promise;
        return undefined;
      }),
      set: jest.fn(async () => {
        throw new Error('cache down');
      }),
    });
    const signals = service(cache);
    sim.resetRequestCounts();
    const first = signals.getSignals(entity('cart'), {});
    // Once the first request's round is on its way (its cache read is done).
    await new Promise(resolve => setImmediate(resolve));
    const second = signals.getSignals(entity('cart'), {});
    const answer = await first;
    slowRead.resolve();
    expect(await second).toBe(answer);
    const oneRound = upstreamRequests();
    sim.resetRequestCounts();
    await service(emptyCache()).getSignals(entity('cart'), {});
    expect(oneRound).toBe(upstreamRequests());
  });

  it('asks the upstreams as often for each of 50 services at once as for one', async () => {
    sim.resetRequestCounts();
    await service(emptyCache()).getSignals(entity('svc-0'), {});
    const perService = upstreamRequests();
    sim.resetRequestCounts();
    const signals = service(emptyCache());
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        signals.getSignals(entity(`svc-${i}`), {}),
      ),
    );
    expect(upstreamRequests()).toBe(50 * perService);
  });
});
