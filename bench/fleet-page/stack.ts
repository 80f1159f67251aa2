/*
 * The demo stack of the fleet page benchmark, on ports of its own: the front end
 * (`backstage-cli repo start app`, the demo's dev server, started once), and per fleet
 * size the fleet simulator and the back end (packages/backend as `repo start` runs it,
 * without its file watcher) with the demo's config (app-config.yaml +
 * app-config.demo.yaml) and one more file made here: the ports, and for a large fleet
 * its clusters. The GitHub stand-in is not started (the fleet page does not use it).
 *
 * Every process is started in a process group of its own and stopped with its group;
 * a small reaper per group kills the group when this process dies without stopping it
 * (a worker killed by Playwright on a timeout or Ctrl-C).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { buildClusters } from '../../packages/fleet-simulator/src/model';

export const ROOT = path.resolve(__dirname, '../..');
const BACKSTAGE_CLI = path.join(
  ROOT,
  'node_modules/@backstage/cli/bin/backstage-cli',
);
/** The demo's own ports (app-config.yaml), rewritten to ours in every URL. */
const DEMO_PORTS = { app: 3000, backend: 7007, simulator: 7011, github: 7012 };

export interface Ports {
  app: number;
  backend: number;
  simulator: number;
  /** Nothing listens there: the GitHub stand-in is not started (the fleet page does not use it). */
  github: number;
}

async function freePort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

export async function freePorts(): Promise<Ports> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [app, backend, simulator, github] = [...ports];
  return { app, backend, simulator, github };
}

/** The clusters the simulator serves for a count: the demo's four, then `edge-NNN`. */
export function simulatorClusters(
  count: number,
): Array<{ name: string; environment: string }> {
  return buildClusters(count).map(({ name, environment }) => ({
    name,
    environment,
  }));
}

/** `value` with the demo's ports (localhost:3000, :7007, :7011, :7012) replaced by ours. */
function withPorts<T>(value: T, ports: Ports): T {
  let text = JSON.stringify(value);
  for (const key of Object.keys(DEMO_PORTS) as Array<keyof Ports>) {
    text = text
      .split(`localhost:${DEMO_PORTS[key]}`)
      .join(`localhost:${ports[key]}`);
  }
  return JSON.parse(text);
}

/** What of `to` differs from `from`: objects by key, anything else (arrays too) whole. */
function changes(from: unknown, to: unknown): unknown | undefined {
  if (JSON.stringify(from) === JSON.stringify(to)) return undefined;
  const isObject = (v: unknown): v is Record<string, unknown> =>
    Boolean(v) && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(from) || !isObject(to)) return to;
  return Object.fromEntries(
    Object.keys(to).flatMap(key => {
      const changed = changes(from[key], to[key]);
      return changed === undefined ? [] : [[key, changed]];
    }),
  );
}

/** The config file on top of the demo's: our ports, and the fleet when `clusters` is given. */
export function writeBenchConfig(
  file: string,
  ports: Ports,
  clusters?: Array<{ name: string; environment: string }>,
) {
  const demo = parse(
    fs.readFileSync(path.join(ROOT, 'app-config.yaml'), 'utf8'),
  ) as Record<string, any>;
  const config = (changes(demo, withPorts(demo, ports)) ?? {}) as Record<
    string,
    any
  >;
  config.backend = {
    ...config.backend,
    listen: { port: ports.backend },
  };
  if (clusters) {
    config.observability = { ...config.observability, clusters };
  }
  // JSON is YAML; the config loader takes it as any other app-config file.
  fs.writeFileSync(file, JSON.stringify(config, null, 1));
}

const groups = new Set<number>();
function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
process.once('exit', () => {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
});

/** Kills the group `pgid` when `parent` is gone; exits when the group is. */
const REAPER = `
const [parent, pgid] = process.argv.slice(1).map(Number);
const alive = pid => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(-pgid)) process.exit(0);
  if (!alive(parent)) { try { process.kill(-pgid, 'SIGKILL'); } catch {} process.exit(0); }
}, 1000);
`;

function tailOf(file: string, bytes = 3000): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(bytes, size));
    fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  /** The end of its output, for an error message. */
  tail(): string;
  stop(): Promise<void>;
}

export function start(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; logDir: string; cwd?: string },
): Proc {
  const log = path.join(options.logDir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  fs.closeSync(fd);
  const pid = child.pid!;
  groups.add(pid);
  spawn(process.execPath, ['-e', REAPER, String(process.pid), String(pid)], {
    stdio: 'ignore',
    detached: true,
  }).unref();
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  return {
    name,
    child,
    log,
    tail: () => tailOf(log),
    async stop() {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 15_000);
      await exited;
      // The group may outlive its leader (webpack, the back end's child): wait for all.
      for (let i = 0; i < 150; i++) {
        try {
          process.kill(-pid, 0);
        } catch {
          break;
        }
        if (i === 100) killGroup(pid, 'SIGKILL');
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      clearTimeout(timer);
      groups.delete(pid);
    },
  };
}

/** Waits until `check` resolves truthy; `proc`'s death or the deadline fails it. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; procs: Proc[] },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    // A back end whose plugin failed to start stays up (the dev server waits for a
    // change to restart it): its log says so.
    const dead = options.procs.find(
      p => p.child.exitCode !== null || /startup failed/i.test(p.tail()),
    );
    if (dead) {
      throw new Error(
        `${what}: ${dead.name} exited or failed (${dead.child.exitCode}); ${
          dead.log
        }:\n${dead.tail()}`,
      );
    }
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${options.timeoutMs / 1000} s (${last}); logs in ${
          options.procs[0]?.log
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    headers,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: await res.text() };
}

/** The demo's stack, front end started once, fleet (simulator + back end) per size. */
export class DemoStack {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-page-bench-'));
  readonly appUrl: string;
  readonly backendUrl: string;
  private frontEnd?: Proc;
  private fleet: Proc[] = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly ports: Ports) {
    this.appUrl = `http://localhost:${ports.app}`;
    this.backendUrl = `http://localhost:${ports.backend}`;
    // app-config.yaml names the token of the GitHub stand-in; none runs here.
    this.env = { FLEETOBS_DEMO_GITHUB_TOKEN: randomBytes(24).toString('hex') };
    writeBenchConfig(this.configFile(), ports);
    // app-config.demo.yaml reads the demo CA from .demo/pki ($file): made as
    // scripts/start-demo.sh makes it (idempotent, kept when it is there).
    if (!fs.existsSync(path.join(ROOT, '.demo/pki/ca.key'))) {
      execFileSync('bash', [
        path.join(
          ROOT,
          'plugins/scaffolder-backend-module-obs/scripts/generate-demo-pki.sh',
        ),
      ]);
    }
  }

  private configFile(size?: number) {
    return path.join(this.dir, size ? `fleet-${size}.yaml` : 'ports.yaml');
  }

  private configArgs(size?: number) {
    return [
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      path.join(ROOT, 'app-config.demo.yaml'),
      '--config',
      this.configFile(),
      ...(size ? ['--config', this.configFile(size)] : []),
    ];
  }

  /** The demo's front end (webpack dev server), until it serves the app. */
  async startFrontEnd() {
    this.frontEnd = start(
      'frontend',
      [BACKSTAGE_CLI, 'repo', 'start', ...this.configArgs(), 'app'],
      { env: this.env, logDir: this.dir },
    );
    await waitFor(
      'the front end',
      async () => (await get(this.appUrl)).status === 200,
      { timeoutMs: 900_000, procs: [this.frontEnd] },
    );
  }

  /**
   * The fleet simulator with `size` clusters and the back end: 4 is the demo as it
   * is (its four clusters from app-config.yaml and the catalog), any other size adds
   * `observability.clusters` with the simulator's clusters. Resolves with the fleet's
   * first answer (after its first round), checked against the simulator's clusters.
   */
  async startFleet(size: number) {
    const clusters = simulatorClusters(size);
    if (size !== 4)
      writeBenchConfig(this.configFile(size), this.ports, clusters);
    const sqlite = path.join(this.dir, `demo-${size}`);
    fs.mkdirSync(path.join(sqlite, 'sqlite'), { recursive: true });
    const simulator = start(
      `simulator-${size}`,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(ROOT, 'packages/fleet-simulator/src/main.ts'),
      ],
      {
        env: {
          FLEET_SIMULATOR_PORT: String(this.ports.simulator),
          FLEET_SIMULATOR_CLUSTERS: String(size),
        },
        logDir: this.dir,
      },
    );
    this.fleet.push(simulator);
    // The demo's back end as `backstage-cli repo start backend` runs it (its source
    // through the CLI's transform, in packages/backend), without the CLI's watcher:
    // a file changed in the checkout while the benchmark runs must not restart it.
    const backend = start(
      `backend-${size}`,
      [
        '--enable-source-maps',
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        'src/index.ts',
        ...this.configArgs(size === 4 ? undefined : size),
      ],
      {
        env: {
          ...this.env,
          NODE_ENV: process.env.NODE_ENV ?? 'development',
          ESBK_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
          FLEETOBS_DEMO_DIR: sqlite,
        },
        logDir: this.dir,
        cwd: path.join(ROOT, 'packages/backend'),
      },
    );
    this.fleet.push(backend);
    const procs = [backend, simulator];
    await waitFor(
      'the back end',
      async () =>
        (
          await get(`${this.backendUrl}/.backstage/health/v1/readiness`)
        ).status === 200,
      { timeoutMs: 600_000, procs },
    );
    const token = await this.guestToken();
    const started = Date.now();
    const first = await waitFor(
      'the first fleet round',
      async () => {
        const res = await get(
          `${this.backendUrl}/api/observability/v1/fleet?view=summary&limit=50`,
          { authorization: `Bearer ${token}` },
        );
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        const page = JSON.parse(res.body) as {
          matched: number;
          clusters: Array<{ name: string }>;
        };
        // Before its first round the fleet may list no cluster yet.
        return page.matched > 0 ? page : undefined;
      },
      { timeoutMs: 600_000, procs },
    );
    return { clusters, first, firstRoundMs: Date.now() - started };
  }

  async guestToken(): Promise<string> {
    const res = await fetch(`${this.backendUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    if (!res.ok) throw new Error(`guest sign-in: HTTP ${res.status}`);
    return (await res.json()).backstageIdentity.token;
  }

  /** How often the front end's dev server compiled (1: only at start). */
  frontEndCompiles(): number {
    if (!this.frontEnd) return 0;
    return (fs.readFileSync(this.frontEnd.log, 'utf8').match(/compiled/g) ?? [])
      .length;
  }

  async stopFleet() {
    const fleet = this.fleet;
    this.fleet = [];
    await Promise.all(fleet.map(p => p.stop()));
  }

  async stopAll(options: { keepLogs: boolean }) {
    await this.stopFleet();
    await this.frontEnd?.stop();
    this.frontEnd = undefined;
    if (!options.keepLogs)
      fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
