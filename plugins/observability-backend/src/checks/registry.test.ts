import { ConfigReader } from '@backstage/config';
import { setupServer } from 'msw/node';
import { FIXTURE_CLUSTERS, FIXTURE_NOW, FIXTURE_UI } from '../__fixtures__';
import { FIXTURE_URLS, fixtureHandlers } from '../__fixtures__/handlers';
import { upstreamClientsFromConfig } from '../__testUtils__/upstreamClients';
import { checkCatalogue, describeCheck } from './catalogue';
import { defineCheck, upstreamRequest } from './defineCheck';
import { fleetChecks } from './registry';
import { checkResult } from './result';
import { runFleetChecks } from './runFleetChecks';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const clients = () =>
  upstreamClientsFromConfig(
    new ConfigReader({
      observability: Object.fromEntries(
        Object.entries(FIXTURE_URLS).map(([name, url]) => [name, { url }]),
      ),
    }),
    { timeoutMs: 2000 },
  );

const options = {
  clusters: FIXTURE_CLUSTERS,
  labels: { cluster: 'cluster', environment: 'environment' },
  ui: FIXTURE_UI,
  now: FIXTURE_NOW,
};

/**
 * A check added the way the README says: one descriptor. It asks the same question
 * as `jaeger-query` (`GET /api/services`), which must not be asked twice.
 */
const jaegerServiceCount = defineCheck({
  id: 'jaeger-service-count',
  title: 'Jaeger knows services',
  seed: '§6 Traces written',
  failureMode: 'No service reports spans.',
  mitigation: 'Check the collectors.',
  places: [{ platform: 'jaeger' }],
  source: 'jaeger',
  requests: {
    services: upstreamRequest('jaeger', 'services', jaeger =>
      jaeger.services(),
    ),
  },
  evaluate: ({ services }, { ctx }) => [
    {
      platform: 'jaeger',
      result: checkResult('jaeger-service-count', ctx, {
        status: services.ok && services.value.length > 0 ? 'ok' : 'warn',
        summary: services.ok ? `${services.value.length} services` : 'none',
        evidence: { source: 'jaeger' },
      }),
    },
  ],
});

describe('check registry', () => {
  it('has one descriptor per id, and the catalogue in declaration order', () => {
    const ids = fleetChecks().map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(checkCatalogue().map(c => c.id)).toEqual(ids);
    for (const check of checkCatalogue()) {
      expect(check.title).not.toBe('');
      expect(check.seed).not.toBe('');
      expect(describeCheck(check.id)).toBe(
        fleetChecks().find(c => c.id === check.id),
      );
    }
    expect(() => describeCheck('no-such-check')).toThrow(
      'No check "no-such-check" is defined',
    );
    expect(() => defineCheck({ ...fleetChecks()[0] })).toThrow(
      `A check with id "${fleetChecks()[0].id}" is already defined`,
    );
  });

  it('runs an added check, sharing a request it has in common with another', async () => {
    server.use(...fixtureHandlers());
    const upstream = clients();
    const base = await runFleetChecks(upstream, options);
    const before = upstream.requestCount!();

    const added = [...fleetChecks(), jaegerServiceCount];
    const run = await runFleetChecks(upstream, options, added);
    expect(
      run.platform.jaeger.find(c => c.id === 'jaeger-service-count'),
    ).toMatchObject({ status: 'ok', title: 'Jaeger knows services' });

    // Same number of requests as without it: GET /api/services is asked once.
    expect(upstream.requestCount!() - before).toBe(base.upstreamRequests);
    expect(run.upstreamRequests).toBe(base.upstreamRequests);
    expect(run.platform.jaeger.map(c => c.id)).toEqual([
      'jaeger-query',
      'ilm',
      'jaeger-service-count',
    ]);
  });

  it('an evaluation that throws makes that check unknown in each of its places, and only it', async () => {
    server.use(...fixtureHandlers());
    const broken = {
      ...fleetChecks().find(c => c.id === 'global-query-store')!,
      evaluate: () => {
        throw new Error('odd answer');
      },
    };
    const checks = fleetChecks().map(c => (c.id === broken.id ? broken : c));
    const run = await runFleetChecks(clients(), options, checks);
    const inMetrics = run.clusters['dev-01'].metrics.find(
      c => c.id === 'global-query-store',
    )!;
    expect(inMetrics.status).toBe('unknown');
    expect(inMetrics.evidence.error).toBe('check failed: Error: odd answer');
    expect(
      run.platform.thanos.find(c => c.id === 'global-query-store')!.status,
    ).toBe('unknown');
    expect(
      run.clusters['dev-01'].metrics.find(c => c.id === 'prometheus-ha')!
        .status,
    ).toBe('ok');
  });
});
