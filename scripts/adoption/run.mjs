#!/usr/bin/env node
// The adoption test (`yarn test:adoption`, the last stage of `npm test`): a platform team's
// first hour with the suite, automated. It builds and packs the four packages as a
// publisher would, serves the tarballs as a registry, creates a stock app with
// @backstage/create-app of the release in backstage.json, applies the plugin READMEs'
// install steps by running their own code blocks (./readmeSteps.mjs), configures the back
// end with the README's minimum config pointed at the fleet simulator, and checks what an
// adopter would: the app type-checks, its back end serves the fleet, a service's signals
// and every documented obs:* action, and its front end builds with the plugin in it.
//
// From the repository it uses only the tarballs, the READMEs and the simulator.
// ADOPTION_WORKDIR keeps the app for a look afterwards (default: a temporary directory,
// removed on success).
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalRegistry } from './localRegistry.mjs';
import { documentedActions, installSteps, yamlUnder } from './readmeSteps.mjs';

// The create-app release that makes apps of the Backstage release in backstage.json; the
// test checks that it still does, so a Backstage upgrade of the repository cannot leave
// the adoption test behind.
const CREATE_APP_VERSION = '0.9.2';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGES = [
  'observability-common',
  'observability-backend',
  'scaffolder-backend-module-obs',
  'observability',
];
// In the order an adopter reads them: back end first, then what builds on it.
const READMES = [
  'plugins/observability-backend/README.md',
  'plugins/scaffolder-backend-module-obs/README.md',
  'plugins/observability/README.md',
];
const DEMO_CLUSTERS = ['dev-01', 'stag-01', 'prod-01', 'ops-01'];

const started = Date.now();
const children = [];
const log = msg =>
  process.stderr.write(
    `\x1b[1;35m[adoption ${Math.round(
      (Date.now() - started) / 1000,
    )}s]\x1b[0m ${msg}\n`,
  );

function fail(msg) {
  throw new Error(msg);
}

/**
 * Runs a command to completion, its output shown only when it fails. Asynchronous: the
 * registry of this process must keep answering while yarn runs.
 */
function run(cmd, args, { cwd, env, what } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', c => (out += c));
    child.stderr.on('data', c => (out += c));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) return resolvePromise(out);
      const tail = out.trim().split('\n').slice(-60).join('\n');
      return reject(
        new Error(
          `${what ?? `${cmd} ${args.join(' ')}`} failed (exit ${code}) in ${
            cwd ?? process.cwd()
          }:\n${tail}`,
        ),
      );
    });
  });
}

/** Starts a long-running process; its output goes to a log file named in failures. */
function start(name, cmd, args, { cwd, env, logDir }) {
  const logFile = join(logDir, `${name}.log`);
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const append = chunk => {
    try {
      appendFileSync(logFile, chunk);
    } catch {
      // the work folder is gone once the test is over
    }
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  children.push(child);
  let exited;
  child.on('exit', code => {
    exited = code;
  });
  return {
    logFile,
    exitCode: () => exited,
    output: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
}

function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Polls `probe` through the public interface until it returns a value or time is up. */
async function waitFor(what, probe, { timeoutMs, proc }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (proc?.exitCode() !== undefined) {
      fail(
        `${what}: the process exited (code ${proc.exitCode()}); its log, ${
          proc.logFile
        }:\n${proc.output().split('\n').slice(-40).join('\n')}`,
      );
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  fail(
    `${what}: not within ${timeoutMs / 1000}s${
      last ? ` (last error: ${last.message})` : ''
    }${proc ? `; log: ${proc.logFile}` : ''}`,
  );
}

async function getJson(url, token) {
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function packTarballs(workDir) {
  log(
    'building the packages (yarn tsc, then backstage-cli package build of each)',
  );
  await run('yarn', ['tsc'], { cwd: ROOT });
  const dir = join(workDir, 'tarballs');
  mkdirSync(dir, { recursive: true });
  const tarballs = [];
  for (const p of PACKAGES) {
    const cwd = join(ROOT, 'plugins', p);
    await run('yarn', ['build'], { cwd, what: `build of plugins/${p}` });
    const out = join(dir, `${p}.tgz`);
    await run('yarn', ['pack', '--out', out], {
      cwd,
      what: `yarn pack of plugins/${p}`,
    });
    tarballs.push(out);
  }
  return tarballs;
}

async function createStockApp(workDir) {
  const appDir = join(workDir, 'app');
  log(`creating a stock app (npx @backstage/create-app@${CREATE_APP_VERSION})`);
  await run(
    'npx',
    [
      '-y',
      `@backstage/create-app@${CREATE_APP_VERSION}`,
      '--path',
      appDir,
      '--skip-install',
    ],
    { cwd: workDir, env: { BACKSTAGE_APP_NAME: 'adopter' } },
  );
  const ours = JSON.parse(
    readFileSync(join(ROOT, 'backstage.json'), 'utf8'),
  ).version;
  const theirs = JSON.parse(
    readFileSync(join(appDir, 'backstage.json'), 'utf8'),
  ).version;
  if (ours !== theirs) {
    fail(
      `@backstage/create-app@${CREATE_APP_VERSION} makes apps of Backstage ${theirs}, the repository tracks ${ours}: update CREATE_APP_VERSION in scripts/adoption/run.mjs`,
    );
  }
  return appDir;
}

/** Highest version of each `@backstage/*` package in the repository's lockfile. */
function backstageLine() {
  const versions = new Map();
  const lock = readFileSync(join(ROOT, 'yarn.lock'), 'utf8');
  for (const m of lock.matchAll(
    /^"(@backstage\/[^@"]+)@npm:[^\n]*\n\s+version: (\d+)\.(\d+)\.(\d+)$/gm,
  )) {
    const version = [Number(m[2]), Number(m[3]), Number(m[4])];
    const known = versions.get(m[1]);
    const newer =
      !known ||
      version[0] - known[0] ||
      version[1] - known[1] ||
      version[2] - known[2];
    if (!known || newer > 0) versions.set(m[1], version);
  }
  return versions;
}

/**
 * Brings the app's `@backstage/*` dependencies to the line the repository builds against,
 * as `backstage-cli versions:bump` would from a release manifest (versions.backstage.io is
 * not reachable from every CI). Needed because create-app's template pins some packages
 * (`@backstage/backend-defaults ^0.18.0`) while its lockfile seed is empty, so other plugins
 * float to releases that need newer ones (plugin-signals-backend 0.3.21 calls
 * `httpRouter.addWebSocketHandler`, first in backend-defaults 0.19): such an app does not
 * start, with or without this suite.
 */
function alignToBackstageLine(appDir) {
  const line = backstageLine();
  for (const file of [
    'package.json',
    'packages/app/package.json',
    'packages/backend/package.json',
  ]) {
    const path = join(appDir, file);
    const pkg = JSON.parse(readFileSync(path, 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [name, range] of Object.entries(pkg[field] ?? {})) {
        const version = line.get(name);
        if (!version) continue;
        const wanted = `^${version.join('.')}`;
        if (range !== wanted) {
          log(`  ${file}: ${name} ${range} -> ${wanted}`);
          pkg[field][name] = wanted;
        }
      }
    }
    writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
  }
}

/** Applies one README step to the app. */
async function applyStep(step, appDir) {
  if (step.kind === 'command') {
    log(`  $ ${step.command}`);
    await run('bash', ['-c', step.command], {
      cwd: appDir,
      what: `"${step.command}" (${step.where})`,
    });
  } else if (step.kind === 'backend-add') {
    const file = join(appDir, 'packages/backend/src/index.ts');
    const source = readFileSync(file, 'utf8');
    if (!source.includes('backend.start();'))
      fail(`${file}: no backend.start();`);
    log(`  packages/backend/src/index.ts += ${step.statements.join(' ')}`);
    writeFileSync(
      file,
      source.replace(
        'backend.start();',
        `${step.statements.join('\n')}\n\nbackend.start();`,
      ),
    );
  } else if (step.kind === 'app-features') {
    const file = join(appDir, 'packages/app/src/App.tsx');
    let source = readFileSync(file, 'utf8');
    const features = /features:\s*\[([^\]]*)\]/.exec(source);
    if (!features)
      fail(`${file}: no features: [...] to add to (${step.where})`);
    log(`  packages/app/src/App.tsx: features += ${step.entries.join(', ')}`);
    source = source.replace(
      features[0],
      `features: [${[
        features[1].trim().replace(/,$/, ''),
        ...step.entries,
      ].join(', ')}]`,
    );
    writeFileSync(file, `${step.imports.join('\n')}\n${source}`);
  }
}

/** What the adoption test adds on top of the README's config: ports and a test entity. */
function testConfig({ backendPort, entityFile }) {
  return [
    'backend:',
    `  baseUrl: http://localhost:${backendPort}`,
    `  listen: { port: ${backendPort} }`,
    'catalog:',
    '  locations:',
    `    - { type: file, target: ${JSON.stringify(entityFile)} }`,
    '',
  ].join('\n');
}

/** The example service of the front-end README's Annotations section, as an entity file. */
function exampleServiceEntity(appDir) {
  const yaml = yamlUnder(
    join(ROOT, 'plugins/observability/README.md'),
    'Annotations',
  );
  if (!/^kind:\s*Component/m.test(yaml)) {
    fail(
      'plugins/observability/README.md, "Annotations": the first yaml block is not a Component',
    );
  }
  const file = join(appDir, 'examples/observability-service.yaml');
  writeFileSync(file, yaml);
  return {
    file,
    name: /^\s{2}name:\s*(\S+)/m.exec(yaml)?.[1] ?? fail('no metadata.name'),
  };
}

async function checkBackend({ base, service }) {
  const { backstageIdentity } = await fetch(`${base}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  }).then(r => (r.ok ? r.json() : fail(`guest sign-in: HTTP ${r.status}`)));
  const token = backstageIdentity.token;

  log(
    'GET /api/observability/v1/fleet: the demo clusters, each signal with a real status',
  );
  const fleet = await getJson(`${base}/api/observability/v1/fleet`, token);
  const names = fleet.clusters.map(c => c.name);
  for (const name of DEMO_CLUSTERS) {
    if (!names.includes(name))
      fail(`fleet answer lacks ${name} (has ${names.join(', ')})`);
  }
  for (const cluster of fleet.clusters) {
    for (const [signal, health] of Object.entries(cluster.signals)) {
      const notConfigured = health.checks.filter(c =>
        /not configured/i.test(c.summary ?? ''),
      );
      if (health.status === 'unknown' || notConfigured.length > 0) {
        fail(
          `${cluster.name} ${signal} is ${health.status}: ${health.checks
            .map(c => `${c.id}=${c.status} ${c.summary ?? ''}`)
            .join('; ')}`,
        );
      }
    }
  }
  log(`  ${fleet.clusters.map(c => `${c.name}=${c.status}`).join(' ')}`);

  log(`GET /api/observability/v1/entity/component/default/${service}/signals`);
  const to = new Date();
  const from = new Date(to.getTime() - 3600_000);
  const signals = await waitFor(
    `the catalog to have component:default/${service}`,
    async () => {
      try {
        return await getJson(
          `${base}/api/observability/v1/entity/component/default/${service}/signals?from=${from.toISOString()}&to=${to.toISOString()}`,
          token,
        );
      } catch (e) {
        if (/HTTP 404/.test(e.message)) return undefined;
        throw e;
      }
    },
    { timeoutMs: 120_000 },
  );
  for (const part of ['metrics', 'logs', 'traces']) {
    if (signals[part].status !== 'ok') {
      fail(
        `signals of ${service}: ${part} is ${signals[part].status}: ${signals[part].error}`,
      );
    }
  }
  const rate = signals.metrics.metrics.rate;
  if (!(rate.series.length > 0)) {
    fail(`signals of ${service}: no request rate series (query ${rate.query})`);
  }
  if (!(signals.logs.total > 0)) fail(`signals of ${service}: no error logs`);
  if (!(signals.traces.traces.length > 0))
    fail(`signals of ${service}: no traces`);
  log(
    `  metrics ok, ${signals.logs.total} error logs, ${signals.traces.traces.length} traces`,
  );

  log(
    'GET /api/scaffolder/v2/actions: every obs:* action the module README documents',
  );
  const actions = (
    await getJson(`${base}/api/scaffolder/v2/actions`, token)
  ).map(a => a.id);
  const documented = documentedActions(
    join(ROOT, 'plugins/scaffolder-backend-module-obs/README.md'),
  );
  const missing = documented.filter(id => !actions.includes(id));
  if (missing.length) fail(`actions not registered: ${missing.join(', ')}`);
  const undocumented = actions.filter(
    id => id.startsWith('obs:') && !documented.includes(id),
  );
  if (undocumented.length)
    fail(
      `actions registered but not in the README: ${undocumented.join(', ')}`,
    );
  log(`  ${documented.length} actions: ${documented.join(', ')}`);
}

async function main() {
  if (Number(process.versions.node.split('.')[0]) < 22) {
    fail(
      `Node ${process.version}: run through the repository's bootstrap (npm test) or with Node 22`,
    );
  }
  // Native modules of the app build against the running Node's headers (nodejs.org is not
  // always reachable for node-gyp to download them).
  // Set from the running binary, not inherited: under `yarn run` the `node` on PATH is a
  // shim in a temporary folder, and a nodedir derived from it points at /tmp.
  process.env.npm_config_nodedir = resolve(dirname(process.execPath), '..');
  // An adopter's shell, not CI: the app's lockfile is theirs to change (`yarn add`).
  process.env.YARN_ENABLE_IMMUTABLE_INSTALLS = 'false';
  const keep = Boolean(process.env.ADOPTION_WORKDIR);
  const workDir = keep
    ? resolve(process.env.ADOPTION_WORKDIR)
    : mkdtempSync(join(tmpdir(), 'fleetobs-adoption-'));
  if (keep) rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const logDir = join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  log(`working in ${workDir}`);

  // Parse the READMEs first: a README the test cannot apply fails in seconds.
  const steps = READMES.flatMap(r => installSteps(join(ROOT, r)));
  const readmeConfig = yamlUnder(
    join(ROOT, 'plugins/observability-backend/README.md'),
    'Config',
  );

  let passed = false;
  const tarballs = await packTarballs(workDir);
  const registry = await startLocalRegistry(tarballs, {
    publishedAt: new Date(),
  });
  try {
    const appDir = await createStockApp(workDir);
    // The registry stands in for npmjs.org for the @fleetobs scope only.
    appendFileSync(
      join(appDir, '.yarnrc.yml'),
      `\nnpmScopes:\n  fleetobs:\n    npmRegistryServer: "${registry.url}"\nunsafeHttpWhitelist: [localhost]\n`,
    );
    log(
      "aligning the app's @backstage/* dependencies with the repository's lockfile",
    );
    alignToBackstageLine(appDir);
    log('yarn install (the stock app)');
    await run('yarn', ['install'], { cwd: appDir });

    log(`applying ${steps.length} install steps of ${READMES.join(', ')}`);
    for (const step of steps) await applyStep(step, appDir);

    const simulatorPort = await freePort();
    const backendPort = await freePort();
    // The README's minimum config, with the simulator where the README says it listens.
    writeFileSync(
      join(appDir, 'app-config.local.yaml'),
      readmeConfig.replaceAll('localhost:7011', `localhost:${simulatorPort}`),
    );
    const service = exampleServiceEntity(appDir);
    writeFileSync(
      join(appDir, 'app-config.adoption.yaml'),
      testConfig({ backendPort, entityFile: service.file }),
    );

    log('yarn tsc (the app)');
    await run('yarn', ['tsc'], { cwd: appDir });

    log(`starting the fleet simulator on ${simulatorPort}`);
    const simulator = start(
      'simulator',
      'yarn',
      ['workspace', '@fleetobs/fleet-simulator', 'start'],
      {
        cwd: ROOT,
        env: { FLEET_SIMULATOR_PORT: String(simulatorPort) },
        logDir,
      },
    );
    await waitFor(
      'the simulator',
      async () => (/listening on/.test(simulator.output()) ? true : undefined),
      {
        timeoutMs: 120_000,
        proc: simulator,
      },
    );

    log(`starting the app's back end on ${backendPort}`);
    const backend = start(
      'backend',
      'yarn',
      [
        'workspace',
        'backend',
        'start',
        ...[
          'app-config.yaml',
          'app-config.local.yaml',
          'app-config.adoption.yaml',
        ].flatMap(f => ['--config', join(appDir, f)]),
      ],
      { cwd: appDir, env: { NODE_ENV: 'development' }, logDir },
    );
    const base = `http://localhost:${backendPort}`;
    await waitFor(
      'the back end to be ready',
      async () =>
        (
          await fetch(`${base}/.backstage/health/v1/readiness`)
        ).ok
          ? true
          : undefined,
      { timeoutMs: 300_000, proc: backend },
    );
    await checkBackend({ base, service: service.name });

    log('building the front end (yarn workspace app build)');
    await run('yarn', ['workspace', 'app', 'build'], { cwd: appDir });
    const dist = join(appDir, 'packages/app/dist/static');
    const bundled = readdirSync(dist).some(
      f =>
        f.endsWith('.js') &&
        readFileSync(join(dist, f), 'utf8').includes(
          '@fleetobs/plugin-observability',
        ),
    );
    if (!bundled)
      fail(
        `the app's bundle (${dist}) does not contain @fleetobs/plugin-observability`,
      );
    log(
      `adoption test passed in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    passed = true;
  } finally {
    stopAll();
    await registry.close();
  }
  // After the processes are stopped: they write their logs into it until then.
  if (passed && !keep) rmSync(workDir, { recursive: true, force: true });
}

main().catch(error => {
  stopAll();
  log(`FAILED: ${error.message}`);
  process.exit(1);
});
