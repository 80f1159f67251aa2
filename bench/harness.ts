/*
 * What the benchmarks share: the fleet simulator and the back end in their own
 * processes, the load generator (burst.js), the simulator's request counts and
 * timings, and figures (percentiles, RSS, CPU, event-loop delay).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 200);
const ROOT = path.resolve(__dirname, '..');
const TOKEN = randomBytes(24).toString('hex');
export const AUTH = {
  authorization: `Bearer ${TOKEN}`,
  'accept-encoding': 'gzip',
};
const TICK_MS = 10; // /proc CPU times are in 1/100 s on Linux

export const tsNode = (
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
) =>
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

export function ready(child: ChildProcess, marker: string) {
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

export async function startSimulator(
  clusters: string[] | number,
  port: number,
) {
  const child = tsNode(
    path.join(ROOT, 'packages/fleet-simulator/src/main.ts'),
    [],
    {
      FLEET_SIMULATOR_PORT: String(port),
      FLEET_SIMULATOR_CLUSTERS: Array.isArray(clusters)
        ? clusters.join(',')
        : String(clusters),
      FLEET_SIMULATOR_LATENCY_MS: String(LATENCY_MS),
    },
  );
  await ready(child, 'listening');
  return child;
}

export async function freePort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * The plugin on the production backend stack, in its own process (bench/backend.ts),
 * with `observability` as its config; `base` is its `/api/observability`.
 */
export async function startBackend(observability: object) {
  const port = await freePort();
  const config = path.join(os.tmpdir(), `obs-bench-${port}.json`);
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
      observability,
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
    base: `http://127.0.0.1:${port}/api/observability`,
    stop: () => {
      child.kill();
      fs.rmSync(config, { force: true });
    },
  };
}

export const admin = async (simPort: number, what: string, method = 'GET') =>
  (
    await fetch(`http://127.0.0.1:${simPort}/__admin/${what}`, { method })
  ).json();

/** Requests the simulator has answered, by upstream (thanos, elasticsearch, argocd, …). */
export async function requestCounts(
  simPort: number,
): Promise<Record<string, number>> {
  const counts = await admin(simPort, 'requests');
  return Object.fromEntries(
    // `admin`: the benchmark's own requests to /__admin, not an upstream's.
    Object.entries(counts).filter(
      ([k, v]) => k !== 'admin' && typeof v === 'number',
    ),
  ) as Record<string, number>;
}

/** Requests the simulator has answered, all upstreams together. */
export async function upstreamRequests(simPort: number): Promise<number> {
  return Object.values(await requestCounts(simPort)).reduce((a, b) => a + b, 0);
}

export interface BurstResult {
  round?: FleetRound;
  latencies: number[];
  serverMs: number[];
  wallMs: number;
  bytes: number;
  wireBytes: number;
  statuses: number[];
}

export function burst(
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
export async function floorServer(
  body: Buffer,
  headers: Record<string, string>,
) {
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
export function rawGet(url: string, headers: Record<string, string>) {
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

export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1];
  const [utime, stime] = fields.split(' ').slice(11, 13).map(Number);
  return (utime + stime) * TICK_MS;
}

export const rssMb = (pid: number) =>
  Number(
    /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1],
  ) / 1024;

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};

export const f1 = (v: number) => v.toFixed(1);
export const median = (values: number[]) => percentile(values, 50);

/** The back end's longest event-loop delay since the previous call (bench/backend.ts). */
export function eventLoopMax(child: ChildProcess): Promise<number> {
  return new Promise(resolve => {
    const onData = (data: Buffer) => {
      const match = /event-loop max ([\d.]+) ms/.exec(String(data));
      if (match) {
        child.stdout!.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.kill('SIGUSR2');
  });
}

export const kib = (v: number) => `${(v / 1024).toFixed(0)} KiB`;
export const out = (line: string) => process.stdout.write(`${line}\n`);
