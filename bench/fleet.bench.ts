/*
 * Fleet health benchmark (not a test: it prints figures and never fails on them).
 * Run with `yarn bench` from the repository root.
 *
 * For N = 4, 40 and 400 clusters, against the fleet simulator running in its own
 * process with an injected upstream latency, it prints:
 * - upstream requests per refresh (must not grow with N),
 * - cold GET /v1/fleet latency divided by the slowest upstream's latency (target ≤ 1.2),
 * - warm p99 latency at 200 concurrent requests (target ≤ 5 ms),
 * - upstream rounds caused by 200 concurrent cold requests (target 1),
 * - back-end heap after a round.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { observabilityPlugin } from '../plugins/observability-backend/src/plugin';
import { runFleetChecks } from '../plugins/observability-backend/src/checks';
import { createUpstreamClients } from '../plugins/observability-backend/src/upstream';

// One round of the checks straight against the simulator, without the back end: the
// floor that a cold request cannot beat.
async function directRound(clusters: string[], simPort: number) {
  const sim = `http://127.0.0.1:${simPort}`;
  const clients = createUpstreamClients(
    new ConfigReader({
      observability: {
        thanos: { url: `${sim}/thanos` },
        elasticsearch: { url: `${sim}/es` },
        jaeger: { url: `${sim}/jaeger` },
        alertmanager: { url: `${sim}/alertmanager` },
      },
    }),
    { timeoutMs: 30_000 },
  );
  const start = performance.now();
  await runFleetChecks(clients, {
    clusters: clusters.map(name => ({ name, environment: 'dev' })),
    labels: { cluster: 'cluster', environment: 'environment' },
    now: new Date(),
  });
  const ms = performance.now() - start;
  await clients.close?.();
  return ms;
}

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const SIZES = (process.env.BENCH_SIZES ?? '4,40,400').split(',').map(Number);
const CONCURRENCY = 200;
const ROOT = path.resolve(__dirname, '..');

jest.setTimeout(15 * 60_000);

const names = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i < 4
      ? ['dev-01', 'stag-01', 'prod-01', 'ops-01'][i]
      : `edge-${String(i).padStart(3, '0')}`,
  );

async function startSimulator(clusters: string[], port: number) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(ROOT, 'packages/fleet-simulator/src/main.ts'),
    ],
    {
      env: {
        ...process.env,
        FLEET_SIMULATOR_PORT: String(port),
        FLEET_SIMULATOR_CLUSTERS: clusters.join(','),
        FLEET_SIMULATOR_LATENCY_MS: String(LATENCY_MS),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', d => String(d).includes('listening') && resolve());
    child.on('exit', code => reject(new Error(`simulator exited ${code}`)));
  });
  return child;
}

async function upstreamRequests(port: number): Promise<number> {
  const counts = await (
    await fetch(`http://127.0.0.1:${port}/__admin/requests`)
  ).json();
  return ['thanos', 'es', 'elasticsearch', 'jaeger', 'alertmanager']
    .map(k => Number(counts[k] ?? 0))
    .reduce((a, b) => a + b, 0);
}

async function startPortalBackend(clusters: string[], simPort: number) {
  const sim = `http://127.0.0.1:${simPort}`;
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      mockServices.rootConfig.factory({
        data: {
          observability: {
            // Long enough that the scheduler does not start a round during the run.
            refresh: { frequency: { minutes: 30 }, timeout: { seconds: 30 } },
            thanos: { url: `${sim}/thanos` },
            elasticsearch: { url: `${sim}/es` },
            jaeger: { url: `${sim}/jaeger` },
            alertmanager: { url: `${sim}/alertmanager` },
            clusters: clusters.map(name => ({ name, environment: 'dev' })),
          },
        },
      }),
      catalogServiceMock.factory({ entities: [] }),
    ],
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/api/observability/v1/fleet`;
}

function burst(url: string, concurrency: number) {
  return new Promise<{ latencies: number[]; wallMs: number; bytes: number }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [path.join(__dirname, 'burst.js'), url, String(concurrency)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout!.on('data', d => (out += d));
      child.on('exit', code =>
        code === 0
          ? resolve(JSON.parse(out))
          : reject(new Error(`burst exited ${code}`)),
      );
    },
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};

const out = (line: string) => process.stdout.write(`${line}\n`);

describe('fleet health benchmark', () => {
  const rows: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach(c => c.kill()));

  it.each(SIZES)('N = %p clusters', async n => {
    const clusters = names(n);
    const simPort = 17100 + n;
    children.push(await startSimulator(clusters, simPort));

    await directRound(clusters, simPort);
    const direct = await directRound(clusters, simPort);

    // One cold request: one round of upstream requests.
    const url = await startPortalBackend(clusters, simPort);
    const before = await upstreamRequests(simPort);
    const cold = (await burst(url, 1)).latencies[0];
    const perRound = (await upstreamRequests(simPort)) - before;

    // Warm: 200 concurrent requests answered from the cache.
    await burst(url, 1);
    const warm = await burst(url, CONCURRENCY);
    // The same burst on a route that does almost nothing (404 for an unknown
    // cluster): what the framework costs per request, for comparison.
    const baseline = await burst(
      url.replace('/v1/fleet', '/v1/clusters/Not_A_Cluster'),
      CONCURRENCY,
    ).catch(() => undefined);
    const heapMb = process.memoryUsage().heapUsed / 1e6;

    // 200 concurrent requests on a cold cache of a fresh back end share one round.
    const url2 = await startPortalBackend(clusters, simPort);
    const before2 = await upstreamRequests(simPort);
    await burst(url2, CONCURRENCY);
    const rounds = ((await upstreamRequests(simPort)) - before2) / perRound;

    rows.push(
      [
        `N=${n}`.padEnd(6),
        `upstream requests/refresh=${perRound}`,
        `cold=${cold.toFixed(0)} ms (cold/injected latency=${(
          cold / LATENCY_MS
        ).toFixed(2)}; a direct round of the checks=${direct.toFixed(
          0,
        )} ms, cold/direct=${(cold / direct).toFixed(2)})`,
        `warm p50=${percentile(warm.latencies, 50).toFixed(
          1,
        )} ms p99=${percentile(warm.latencies, 99).toFixed(
          1,
        )} ms @${CONCURRENCY} (${(warm.wallMs / CONCURRENCY).toFixed(
          2,
        )} ms per request, body ${(warm.bytes / 1024).toFixed(
          0,
        )} KiB; a 400 route: ${
          baseline ? (baseline.wallMs / CONCURRENCY).toFixed(2) : '?'
        } ms per request)`,
        `rounds for ${CONCURRENCY} cold requests=${rounds}`,
        `heap=${heapMb.toFixed(0)} MB`,
      ].join('  '),
    );
  });

  afterAll(() => {
    out(`\nFleet health benchmark (upstream latency ${LATENCY_MS} ms)`);
    rows.forEach(out);
  });
});
