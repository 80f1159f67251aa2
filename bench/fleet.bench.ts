/*
 * Fleet health benchmark (not a test: it prints figures and never fails on them).
 * Run with `yarn bench` from the repository root.
 *
 * Four processes, as in production: the fleet simulator (upstreams, with an injected
 * latency), the back end (the plugin on the production backend stack, bench/backend.ts),
 * the load generator (bench/burst.js) and this orchestrator. For N = 4, 40 and 400
 * clusters it prints:
 * - upstream requests per refresh (must not grow with N),
 * - cold GET /v1/fleet latency / the slowest upstream's latency in that round, as the
 *   simulator measured it from arrival to last byte (target ≤ 1.2),
 * - warm p99 at 200 concurrent requests: end to end, the back end's own time
 *   (Server-Timing) and, for scale, a bare node:http server sending the same bytes
 *   to the same load generator; back-end CPU per request,
 * - upstream rounds caused by 200 concurrent cold requests (target 1),
 * - back-end memory (RSS) after serving.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { FleetRound } from '@fleetobs/plugin-observability-common';
import { runFleetChecks } from '../plugins/observability-backend/src/checks';
import { upstreamClientsFromConfig as createUpstreamClients } from '../plugins/observability-backend/src/__testUtils__/upstreamClients';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const SIZES = (process.env.BENCH_SIZES ?? '4,40,400').split(',').map(Number);
const CONCURRENCY = 200;
const BURSTS = Number(process.env.BENCH_BURSTS ?? 5);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const ROOT = path.resolve(__dirname, '..');
const TOKEN = randomBytes(24).toString('hex');
const AUTH = { authorization: `Bearer ${TOKEN}`, 'accept-encoding': 'gzip' };
const TICK_MS = 10; // /proc CPU times are in 1/100 s on Linux

jest.setTimeout(30 * 60_000);

const names = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    i < 4
      ? ['dev-01', 'stag-01', 'prod-01', 'ops-01'][i]
      : `edge-${String(i).padStart(3, '0')}`,
  );

const tsNode = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
  spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      script,
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' },
  );

function ready(child: ChildProcess, marker: string) {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', d => {
      seen = (seen + String(d)).slice(-4000);
      if (seen.includes(marker)) resolve();
    });
    child.stderr!.on('data', d => {
      seen = (seen + String(d)).slice(-4000);
    });
    child.on('exit', code =>
      reject(new Error(`${marker}: exited ${code}\n${seen}`)),
    );
  });
}

async function startSimulator(clusters: string[], port: number) {
  const child = tsNode(
    path.join(ROOT, 'packages/fleet-simulator/src/main.ts'),
    [],
    {
      FLEET_SIMULATOR_PORT: String(port),
      FLEET_SIMULATOR_CLUSTERS: clusters.join(','),
      FLEET_SIMULATOR_LATENCY_MS: String(LATENCY_MS),
    },
  );
  await ready(child, 'listening');
  return child;
}

async function freePort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** The plugin on the production backend stack, in its own process. */
async function startBackend(
  clusters: string[],
  simPort: number,
  refreshSeconds: number,
) {
  const port = await freePort();
  const sim = `http://127.0.0.1:${simPort}`;
  const config = path.join(os.tmpdir(), `fleet-bench-${port}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        auth: {
          externalAccess: [
            { type: 'static', options: { token: TOKEN, subject: 'bench' } },
          ],
        },
      },
      observability: {
        // No scheduled round during the run: requests run the rounds.
        refresh: {
          frequency: { seconds: refreshSeconds },
          timeout: { seconds: 30 },
          initialDelay: { hours: 1 },
        },
        thanos: { url: `${sim}/thanos` },
        elasticsearch: { url: `${sim}/es` },
        jaeger: { url: `${sim}/jaeger` },
        alertmanager: { url: `${sim}/alertmanager` },
        clusters: clusters.map(name => ({ name, environment: 'dev' })),
      },
    }),
  );
  const child = tsNode(
    path.join(__dirname, 'backend.ts'),
    ['--config', config],
    { NODE_ENV: 'production', LOG_LEVEL: 'info' },
  );
  await ready(child, 'bench backend ready');
  return {
    child,
    url: `http://127.0.0.1:${port}/api/observability/v1/fleet`,
    stop: () => {
      child.kill();
      fs.rmSync(config, { force: true });
    },
  };
}

const admin = async (simPort: number, what: string, method = 'GET') =>
  (
    await fetch(`http://127.0.0.1:${simPort}/__admin/${what}`, { method })
  ).json();

async function upstreamRequests(simPort: number): Promise<number> {
  const counts = await admin(simPort, 'requests');
  return ['thanos', 'elasticsearch', 'jaeger', 'alertmanager']
    .map(k => Number(counts[k] ?? 0))
    .reduce((a, b) => a + b, 0);
}

/** One round of the checks straight against the simulator, without the back end. */
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

interface BurstResult {
  round?: FleetRound;
  latencies: number[];
  serverMs: number[];
  wallMs: number;
  bytes: number;
  wireBytes: number;
  statuses: number[];
}

function burst(
  url: string,
  concurrency: number,
  options: { bursts?: number; headers?: object; warmUrl?: string } = {},
) {
  return new Promise<BurstResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(__dirname, 'burst.js'),
        url,
        String(concurrency),
        String(options.bursts ?? 1),
        JSON.stringify({ ...AUTH, ...options.headers }),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, BURST_WARM_URL: options.warmUrl ?? '' },
      },
    );
    let out = '';
    child.stdout!.on('data', d => (out += d));
    child.on('exit', code =>
      code === 0
        ? resolve(JSON.parse(out))
        : reject(new Error(`burst exited ${code}`)),
    );
  });
}

/** A bare node:http server answering with the given bytes and headers: the floor. */
async function floorServer(body: Buffer, headers: Record<string, string>) {
  const server = http
    .createServer((_req, res) => {
      res.writeHead(200, headers);
      res.end(body);
    })
    .listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/** The bytes our back end puts on the wire for a request (not decompressed). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ body: Buffer; headers: Record<string, string> }>(
    (resolve, reject) => {
      http
        .get(url, { headers }, res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              body: Buffer.concat(chunks),
              headers: {
                'content-type': String(res.headers['content-type']),
                ...(res.headers['content-encoding']
                  ? { 'content-encoding': res.headers['content-encoding'] }
                  : {}),
              },
            }),
          );
        })
        .on('error', reject);
    },
  );
}

function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1];
  const [utime, stime] = fields.split(' ').slice(11, 13).map(Number);
  return (utime + stime) * TICK_MS;
}

const rssMb = (pid: number) =>
  Number(
    /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1],
  ) / 1024;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};

const f1 = (v: number) => v.toFixed(1);
const median = (values: number[]) => percentile(values, 50);

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
const kib = (v: number) => `${(v / 1024).toFixed(0)} KiB`;
const out = (line: string) => process.stdout.write(`${line}\n`);

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
    const a = await startBackend(clusters, simPort, 1);
    children.push(a.child);
    // A request that is answered before any round (invalid cluster name → 400): the
    // load generator's HTTP client and the back end's middleware are warm, the cache is not.
    const warmUrl = a.url.replace('/v1/fleet', '/v1/clusters/Not_A_Cluster');
    const colds: Array<{ ms: number; round: FleetRound; simSlowest: number }> =
      [];
    let perRound = 0;
    for (let i = 0; i <= COLD_RUNS; i++) {
      if (i > 0) await new Promise(resolve => setTimeout(resolve, 2200));
      await admin(simPort, 'timings', 'DELETE');
      const before = await upstreamRequests(simPort);
      const answer = await burst(a.url, 1, { warmUrl });
      perRound = (await upstreamRequests(simPort)) - before;
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
    const b = await startBackend(clusters, simPort, 1800);
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
        `N=${n}: upstream requests/refresh=${perRound}; rounds for ${CONCURRENCY} cold requests=${rounds} (their p99 ${f1(
          percentile(coldBurst.latencies, 99),
        )} ms); back-end RSS ${rss.toFixed(0)} MB`,
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
