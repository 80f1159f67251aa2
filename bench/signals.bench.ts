/*
 * Service tab benchmark (not a test: it prints figures and never fails on them).
 * Run with `yarn bench signals`.
 *
 * `GET /v1/entity/component/default/<service>/signals` (metrics from Thanos, error logs
 * from Elasticsearch, traces from Jaeger, asked in parallel) on the production backend
 * stack (bench/backend.ts) against the fleet simulator (injected latency), each in its
 * own process. Prints:
 * - upstream requests per answer, and those of 20 more requests within the cache time,
 * - cold latency / the slowest of the answer's upstream requests (the simulator's own
 *   figure, arrival to last byte), median of BENCH_COLD_RUNS (each a new time range,
 *   so nothing is cached),
 * - 200 concurrent cold requests for one service: sets of upstream requests, p50/p99,
 * - 50 different services at once: upstream requests per service.
 */
import { ChildProcess } from 'node:child_process';
import {
  AUTH,
  LATENCY_MS,
  admin,
  burst,
  f1,
  freePort,
  median,
  out,
  percentile,
  requestCounts,
  startBackend,
  startSimulator,
  upstreamRequests,
} from './harness';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const CONCURRENCY = 200;
const SERVICES = 50;

jest.setTimeout(30 * 60_000);

/** A one-hour range ending `k` quarter-hours ago: each k is a distinct cache entry. */
function range(k: number) {
  const to = Date.now() - k * 15 * 60_000;
  return `from=${new Date(to - 3600_000).toISOString()}&to=${new Date(
    to,
  ).toISOString()}`;
}

/** Requests by upstream since `before`, e.g. `thanos 3, elasticsearch 1`. */
async function delta(simPort: number, before: Record<string, number>) {
  const after = await requestCounts(simPort);
  return (
    Object.keys(after)
      .filter(key => after[key] !== before[key])
      .map(key => `${key} ${after[key] - (before[key] ?? 0)}`)
      .join(', ') || 'none'
  );
}

const simulatorSlowest = async (simPort: number) =>
  Math.max(
    ...Object.values<number>((await admin(simPort, 'timings')).slowestMs),
  );

describe('service tab benchmark', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach(c => c.kill()));

  it('GET /v1/entity/.../signals', async () => {
    const simPort = await freePort();
    children.push(await startSimulator(4, simPort));
    const sim = `http://127.0.0.1:${simPort}`;
    const backend = await startBackend({
      refresh: { initialDelay: { hours: 1 } },
      thanos: { url: `${sim}/thanos` },
      elasticsearch: { url: `${sim}/es` },
      jaeger: { url: `${sim}/jaeger` },
      clusters: [{ name: 'dev-01', environment: 'dev' }],
    });
    children.push(backend.child);
    const url = (service: string, k: number) =>
      `${backend.base}/v1/entity/component/default/${service}/signals?${range(
        k,
      )}`;
    // Answered before any upstream is asked (bad range → 400): warms the client.
    const warmUrl = `${backend.base}/v1/entity/component/default/checkout/signals?from=x`;
    let k = 0;
    // The back end's code warm: one answer not measured.
    await burst(url('cart', k++), 1, { warmUrl });

    const colds: Array<{ ms: number; slowest: number; requests: number }> = [];
    let byUpstream = '';
    for (let i = 0; i < COLD_RUNS; i++) {
      await admin(simPort, 'timings', 'DELETE');
      const before = await upstreamRequests(simPort);
      const countsBefore = await requestCounts(simPort);
      const answer = await burst(url('checkout', k), 1, { warmUrl });
      byUpstream = await delta(simPort, countsBefore);
      colds.push({
        ms: answer.latencies[0],
        slowest: await simulatorSlowest(simPort),
        requests: (await upstreamRequests(simPort)) - before,
      });
      k++;
    }
    const perAnswer = median(colds.map(c => c.requests));

    // More users within the cache time: the same service and range.
    const countsCached = await requestCounts(simPort);
    const beforeCached = await upstreamRequests(simPort);
    const cached = await burst(url('checkout', k - 1), 1, {
      warmUrl,
      bursts: 20,
    });
    const cachedRequests = (await upstreamRequests(simPort)) - beforeCached;
    const cachedByUpstream = await delta(simPort, countsCached);

    // 200 concurrent cold requests for one service.
    const beforeBurst = await upstreamRequests(simPort);
    const together = await burst(url('checkout', k++), CONCURRENCY, {
      warmUrl,
    });
    const burstRequests = (await upstreamRequests(simPort)) - beforeBurst;

    // 50 different services at once, cold.
    const beforeMany = await upstreamRequests(simPort);
    const many = await Promise.all(
      Array.from({ length: SERVICES }, async (_, i) => {
        const start = performance.now();
        const res = await fetch(url(`svc-${i}`, k), {
          headers: { authorization: AUTH.authorization },
        });
        await res.arrayBuffer();
        return { ms: performance.now() - start, status: res.status };
      }),
    );
    k++;
    const manyRequests = (await upstreamRequests(simPort)) - beforeMany;
    backend.stop();

    const ratios = colds.map(c => c.ms / c.slowest);
    out(
      [
        `\nService tab benchmark: upstream latency ${LATENCY_MS} ms, service in 3 clusters`,
        `  upstream requests per answer: ${perAnswer} (runs: ${colds
          .map(c => c.requests)
          .join(
            ', ',
          )}; the last by upstream: ${byUpstream}); 20 more requests within the cache time: ${cachedRequests} upstream requests (${cachedByUpstream}; p99 ${f1(
          percentile(cached.latencies, 99),
        )} ms)`,
        `  cold (median of ${COLD_RUNS}): ${f1(
          median(colds.map(c => c.ms)),
        )} ms; slowest upstream (simulator) ${f1(
          median(colds.map(c => c.slowest)),
        )} ms → cold/slowest upstream ${median(ratios).toFixed(2)} (${Math.min(
          ...ratios,
        ).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
        `  ${CONCURRENCY} concurrent cold requests, one service: ${
          burstRequests / perAnswer
        } set(s) of upstream requests (${burstRequests} requests); status ${together.statuses.join(
          ',',
        )}; p50 ${f1(percentile(together.latencies, 50))} ms, p99 ${f1(
          percentile(together.latencies, 99),
        )} ms`,
        `  ${SERVICES} different services at once: ${
          manyRequests / SERVICES
        } upstream requests per service (${manyRequests} in all; one service alone: ${perAnswer}); status ${[
          ...new Set(many.map(m => m.status)),
        ].join(',')}; p50 ${f1(
          percentile(
            many.map(m => m.ms),
            50,
          ),
        )} ms, p99 ${f1(
          percentile(
            many.map(m => m.ms),
            99,
          ),
        )} ms`,
      ].join('\n'),
    );
  });
});
