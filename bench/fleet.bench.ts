/*
 * Fleet health benchmark (not a test: it prints figures and never fails on them).
 * Run with `yarn bench` from the repository root (`yarn bench fleet` for this file only,
 * `BENCH_SIZES=400,4000` for some fleet sizes).
 *
 * Four processes, as in production: the fleet simulator (upstreams, with an injected
 * latency), the back end (the plugin on the production backend stack, bench/backend.ts),
 * the load generator (bench/burst.js) and this orchestrator. For N = 4, 40, 400 and
 * 4,000 clusters it prints:
 * - upstream requests per refresh: fleet-wide (must not grow with N) and per-cluster
 *   (Argo CD, one per cluster when the simulator has it),
 * - the back end's longest event-loop delay during a cold round
 *   (perf_hooks.monitorEventLoopDelay), next to that of the checks alone,
 * - cold GET /v1/fleet latency / the slowest upstream's latency in that round, as the
 *   back end measured it (target ≤ 1.2 at 400, ≤ 1.3 at 4,000),
 * - warm p99 at 200 concurrent requests for the full view, the summary view, its 304
 *   and the fleet page's first page (`?view=summary&limit=50`): end to end, the back
 *   end's own time (Server-Timing) and, for scale, a bare node:http server sending the
 *   same bytes to the same load generator; back-end CPU per request; body sizes,
 * - upstream rounds caused by 200 concurrent cold requests (target 1),
 * - back-end memory (RSS) after serving.
 */
import { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
import { FleetRound } from '@fleetobs/plugin-observability-common';
import { runFleetChecks } from '../plugins/observability-backend/src/checks';
import { upstreamClientsFromConfig as createUpstreamClients } from '../plugins/observability-backend/src/__testUtils__/upstreamClients';
import {
  AUTH,
  LATENCY_MS,
  burst,
  cpuMs,
  eventLoopMax,
  f1,
  floorServer,
  freePort,
  kib,
  median,
  out,
  percentile,
  rawGet,
  rssMb,
  startBackend,
  startSimulator,
  upstreamRequests,
  admin,
  requestCounts,
} from './harness';

/** Argo CD: `per-cluster` (default), `fleet` (one for the fleet) or `off`. */
const ARGOCD = process.env.BENCH_ARGOCD ?? 'per-cluster';
/** Alertmanager: `per-cluster` (default, seed 10.3) or `fleet` (one for the fleet). */
const ALERTMANAGER = process.env.BENCH_ALERTMANAGER ?? 'per-cluster';
const alertmanager = (sim: string) =>
  ALERTMANAGER === 'per-cluster'
    ? { urlTemplate: `${sim}/alertmanager/{cluster}` }
    : { url: `${sim}/alertmanager` };
const SIZES = (process.env.BENCH_SIZES ?? '4,40,400,4000')
  .split(',')
  .map(Number);
const CONCURRENCY = 200;
const BURSTS = Number(process.env.BENCH_BURSTS ?? 5);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);

jest.setTimeout(30 * 60_000);

const names = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i < 4
      ? ['dev-01', 'stag-01', 'prod-01', 'ops-01'][i]
      : `edge-${String(i).padStart(3, '0')}`,
  );

/**
 * The upstreams this simulator has besides the four: Argo CD, one per cluster (as
 * many platforms run it), Kibana and Grafana.
 */
async function extraUpstreams(simPort: number) {
  const sim = `http://127.0.0.1:${simPort}`;
  const has = await requestCounts(simPort);
  return {
    ...('argocd' in has && ARGOCD === 'per-cluster'
      ? { argocd: { urlTemplate: `${sim}/argocd/clusters/{cluster}` } }
      : {}),
    ...('argocd' in has && ARGOCD === 'fleet'
      ? { argocd: { url: `${sim}/argocd` } }
      : {}),
    ...('kibana' in has ? { kibana: { url: `${sim}/kibana` } } : {}),
    ...('grafana' in has ? { grafana: { url: `${sim}/grafana` } } : {}),
  };
}

/** Event-loop max delay of the last direct round, in ms. */
let directLoopMax = 0;

/** One round of the checks straight against the simulator, without the back end. */
async function directRound(clusters: string[], simPort: number) {
  const sim = `http://127.0.0.1:${simPort}`;
  const clients = createUpstreamClients(
    new ConfigReader({
      observability: {
        thanos: { url: `${sim}/thanos` },
        elasticsearch: { url: `${sim}/es` },
        jaeger: { url: `${sim}/jaeger` },
        alertmanager: alertmanager(sim),
        ...(await extraUpstreams(simPort)),
      },
    }),
    { timeoutMs: 30_000 },
  );
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const start = performance.now();
  await runFleetChecks(clients, {
    clusters: clusters.map(name => ({ name, environment: 'dev' })),
    labels: { cluster: 'cluster', environment: 'environment' },
    now: new Date(),
  });
  const ms = performance.now() - start;
  loop.disable();
  await clients.close?.();
  // The checks alone (requests, parsing, evaluation), without the back end around them.
  directLoopMax = loop.max / 1e6;
  return ms;
}

/** Cold requests: latency / the round's slowest upstream, as medians. */
function coldLine(
  label: string,
  runs: Array<{ ms: number; round: FleetRound; simSlowest: number }>,
  direct: number,
) {
  const ratios = runs.map(c => c.ms / c.round.slowestUpstreamMs!);
  const ms = median(runs.map(c => c.ms));
  return `    cold (${label}): ${f1(ms)} ms; slowest upstream ${median(
    runs.map(c => c.round.slowestUpstreamMs!),
  )} ms (simulator's own figure ${f1(
    median(runs.map(c => c.simSlowest)),
  )} ms) → cold/slowest upstream ${median(ratios).toFixed(2)}${
    runs.length > 1
      ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`
      : ''
  }; round ready after ${median(
    runs.map(c => c.round.durationMs),
  )} ms; cold/injected latency ${(ms / LATENCY_MS).toFixed(
    2,
  )}; cold/direct round of the checks (${f1(direct)} ms) ${(
    ms / direct
  ).toFixed(2)}`;
}
/** The back end for the fleet benchmark: the clusters from config, no scheduled round. */
async function fleetBackend(
  clusters: string[],
  simPort: number,
  refreshSeconds: number,
) {
  const sim = `http://127.0.0.1:${simPort}`;
  const backend = await startBackend({
    // No scheduled round during the run: requests run the rounds.
    refresh: {
      frequency: { seconds: refreshSeconds },
      timeout: { seconds: 30 },
      initialDelay: { hours: 1 },
    },
    thanos: { url: `${sim}/thanos` },
    elasticsearch: { url: `${sim}/es` },
    jaeger: { url: `${sim}/jaeger` },
    alertmanager: alertmanager(sim),
    ...(await extraUpstreams(simPort)),
    clusters: clusters.map(name => ({ name, environment: 'dev' })),
  });
  return { ...backend, url: `${backend.base}/v1/fleet` };
}

describe('fleet health benchmark', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach(c => c.kill()));

  out(
    `\nFleet health benchmark: upstream latency ${LATENCY_MS} ms, ${CONCURRENCY} concurrent requests x ${BURSTS} bursts, ${
      os.cpus().length
    } CPUs, node ${process.version}`,
  );

  it.each(SIZES)('N = %p clusters', async n => {
    const clusters = names(n);
    const simPort = await freePort();
    children.push(await startSimulator(clusters, simPort));
    await directRound(clusters, simPort);
    const direct = await directRound(clusters, simPort);

    // Cold: a fresh back end whose shared cache expires after 2 s (refresh interval
    // 1 s, no scheduled round). Its first request runs a round; so does each request
    // 2.2 s after the previous one, in a process that is warm by then.
    const a = await fleetBackend(clusters, simPort, 1);
    children.push(a.child);
    // A request that is answered before any round (invalid cluster name → 400): the
    // load generator's HTTP client and the back end's middleware are warm, the cache is not.
    const warmUrl = a.url.replace('/v1/fleet', '/v1/clusters/Not_A_Cluster');
    const colds: Array<{ ms: number; round: FleetRound; simSlowest: number }> =
      [];
    let perRound = 0;
    let perClusterPerRound = 0;
    const loopMax: number[] = [];
    for (let i = 0; i <= COLD_RUNS; i++) {
      if (i > 0) await new Promise(resolve => setTimeout(resolve, 2200));
      await admin(simPort, 'timings', 'DELETE');
      const before = await requestCounts(simPort);
      await eventLoopMax(a.child);
      const answer = await burst(a.url, 1, { warmUrl });
      const after = await requestCounts(simPort);
      const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
      perRound = Object.keys(after).reduce((sum, k) => sum + delta(k), 0);
      perClusterPerRound =
        (ARGOCD === 'per-cluster' ? delta('argocd') : 0) +
        (ALERTMANAGER === 'per-cluster' ? delta('alertmanager') : 0);
      // The round's writes after the answer (history, shared cache) count too.
      await new Promise(resolve => setTimeout(resolve, 500));
      loopMax.push(await eventLoopMax(a.child));
      colds.push({
        ms: answer.latencies[0],
        round: answer.round!,
        simSlowest: Math.max(
          ...Object.values<number>((await admin(simPort, 'timings')).slowestMs),
        ),
      });
    }
    a.stop();

    // 200 concurrent requests on a cold cache of a fresh back end share one round.
    const b = await fleetBackend(clusters, simPort, 1800);
    children.push(b.child);
    const before2 = await upstreamRequests(simPort);
    const coldBurst = await burst(b.url, CONCURRENCY, {
      warmUrl: b.url.replace('/v1/fleet', '/v1/clusters/Not_A_Cluster'),
    });
    const rounds = ((await upstreamRequests(simPort)) - before2) / perRound;

    // Warm: bursts of 200 simultaneous requests on open connections, per view; the
    // summary view once more as the fleet page polls it (If-None-Match → 304).
    const views: Array<[string, string, object]> = [
      ['full', b.url, {}],
      ['summary', `${b.url}?view=summary`, {}],
    ];
    const etag = (
      await fetch(`${b.url}?view=summary`, { headers: AUTH })
    ).headers.get('etag')!;
    views.push([
      'summary 304',
      `${b.url}?view=summary`,
      { 'if-none-match': etag },
    ]);
    // The fleet page's first screen: one page of the summary, worst first.
    views.push(['first page', `${b.url}?view=summary&limit=50`, {}]);
    const lines: string[] = [];
    for (const [view, url, headers] of views) {
      const cpuBefore = cpuMs(b.child.pid!);
      const warm = await burst(url, CONCURRENCY, { bursts: BURSTS, headers });
      const cpuPerRequest =
        (cpuMs(b.child.pid!) - cpuBefore) / (CONCURRENCY * (BURSTS + 1));
      const raw = await rawGet(url, { ...AUTH, ...headers } as any);
      const floor = await floorServer(raw.body, raw.headers);
      const bare = await burst(floor.url, CONCURRENCY, { bursts: BURSTS });
      floor.close();
      lines.push(
        `    ${view.padEnd(12)} status ${warm.statuses.join(',')}  body ${kib(
          warm.bytes,
        )} (${kib(warm.wireBytes)} on the wire)  p50 ${f1(
          percentile(warm.latencies, 50),
        )} ms  p99 ${f1(
          percentile(warm.latencies, 99),
        )} ms  back end's own p99 ${percentile(warm.serverMs, 99).toFixed(
          2,
        )} ms  CPU ${cpuPerRequest.toFixed(
          2,
        )} ms/request  | bare node:http, same bytes: p99 ${f1(
          percentile(bare.latencies, 99),
        )} ms → ours/bare ${(
          percentile(warm.latencies, 99) / percentile(bare.latencies, 99)
        ).toFixed(2)}`,
      );
    }
    const rss = rssMb(b.child.pid!);
    b.stop();

    out(
      [
        `N=${n}: upstream requests/refresh=${perRound} (fleet-wide ${
          perRound - perClusterPerRound
        }, per-cluster Argo CD + Alertmanager ${perClusterPerRound}); rounds for ${CONCURRENCY} cold requests=${rounds} (their p99 ${f1(
          percentile(coldBurst.latencies, 99),
        )} ms); back-end RSS ${rss.toFixed(0)} MB`,
        `    event-loop max delay during a cold round (back end, monitorEventLoopDelay): first ${f1(
          loopMax[0],
        )} ms; warm process median ${f1(median(loopMax.slice(1)))} ms, max ${f1(
          Math.max(...loopMax.slice(1)),
        )} ms; the checks alone (a direct round in this process): ${f1(
          directLoopMax,
        )} ms`,
        coldLine('first request after start', colds.slice(0, 1), direct),
        coldLine(
          `cache expired in a warm process, median of ${COLD_RUNS}`,
          colds.slice(1),
          direct,
        ),
        `    warm, ${CONCURRENCY} concurrent x ${BURSTS}:`,
        ...lines,
      ].join('\n'),
    );
  });
});
