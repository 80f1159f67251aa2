/*
 * Two replicas of the observability back end on one PostgreSQL and one Redis, the way
 * the production profile runs them (app-config.production.yaml, deploy/helm):
 * the real database, cache and scheduler services of @backstage/backend-defaults, each
 * replica a test backend with its own HTTP server.
 *
 * Needs the servers that `npm test` starts (scripts/postgres-env.sh, scripts/redis-env.sh):
 * BACKSTAGE_TEST_DATABASE_POSTGRES<N>_CONNECTION_STRING and OBS_TEST_REDIS_URL. Without
 * them the test fails, unless OBS_SKIP_POSTGRES=1 / OBS_SKIP_REDIS=1 says to go without.
 *
 * A refresh round is counted where it starts: the cluster registry's catalog read, which
 * every round does once (FleetHealthService.runRound). The upstream requests of those
 * rounds are counted too, at one local stub server standing in for Thanos,
 * Elasticsearch, Jaeger and Alertmanager (it answers 503, so every round asks the same
 * and every status stays `unknown`). The measurements are printed after the tests.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { fakeScaffolder } from '../__testUtils__/fakeScaffolder';
import { Entity } from '@backstage/catalog-model';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { observabilityPlugin } from '../plugin';

const INTERVAL_S = 2;
const INTERVAL_MS = INTERVAL_S * 1000;
/** Intervals over which rounds are counted. */
const INTERVALS = 5;
/** How long the catalog read of a round takes: long enough to see two rounds overlap. */
const ROUND_MS = 300;
/** The plugin waits this long after start before the first scheduled round. */
const INITIAL_DELAY_MS = 5000;

jest.setTimeout(180_000);

// --- servers of the test set-up ---------------------------------------------------

function postgresConnection(): string | undefined {
  const key = Object.keys(process.env).find(k =>
    /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
  );
  return key ? process.env[key] : undefined;
}

const pgConnection = postgresConnection();
const redisUrl = process.env.OBS_TEST_REDIS_URL;

function missingServers(): string[] {
  const missing: string[] = [];
  if (!pgConnection && process.env.OBS_SKIP_POSTGRES !== '1') {
    missing.push(
      'PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES<version>_CONNECTION_STRING, exported by scripts/postgres-env.sh; OBS_SKIP_POSTGRES=1 to go without)',
    );
  }
  if (!redisUrl && process.env.OBS_SKIP_REDIS !== '1') {
    missing.push(
      'Redis (OBS_TEST_REDIS_URL, exported by scripts/redis-env.sh; OBS_SKIP_REDIS=1 to go without)',
    );
  }
  return missing;
}

const canRun = Boolean(pgConnection && redisUrl);

/** PING over RESP, so that an unreachable Redis fails here and not as a cold cache. */
function pingRedis(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 6379), hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis at ${url} did not answer PING`));
    }, 3000);
    socket.on('error', error => {
      clearTimeout(timer);
      reject(new Error(`Redis at ${url} is not reachable: ${error.message}`));
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', data => {
      clearTimeout(timer);
      socket.end();
      if (data.toString().startsWith('+PONG')) {
        resolve();
      } else {
        reject(new Error(`Redis at ${url} answered ${data.toString().trim()}`));
      }
    });
  });
}

/** Stands in for every upstream: records when it is asked, answers 503 at once. */
async function startUpstreamStub() {
  const requests: number[] = [];
  const server = http.createServer((_req, res) => {
    requests.push(Date.now());
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"error":"stub upstream of the multi-replica test"}');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requestTimes: () => requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// --- rounds -----------------------------------------------------------------------

interface RoundStart {
  replica: string;
  at: number;
}

/** What every replica's catalog read reports: one entry per refresh round. */
class Rounds {
  readonly starts: RoundStart[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private held: Array<() => void> | undefined;

  async onRound(replica: string): Promise<void> {
    this.starts.push({ replica, at: Date.now() });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.held) {
        await new Promise<void>(resolve => this.held!.push(resolve));
      }
      await sleep(ROUND_MS);
    } finally {
      this.inFlight -= 1;
    }
  }

  /** From now on, rounds block in their catalog read until `release()`. */
  hold() {
    this.held = [];
  }

  release() {
    const held = this.held ?? [];
    this.held = undefined;
    held.forEach(resolve => resolve());
  }

  resetConcurrency() {
    this.maxInFlight = this.inFlight;
  }

  /** Waits for a round that starts after `index` (a position in `starts`). */
  async next(index: number, timeoutMs: number): Promise<RoundStart> {
    const deadline = Date.now() + timeoutMs;
    while (this.starts.length <= index) {
      if (Date.now() > deadline) {
        throw new Error(
          `No refresh round started within ${timeoutMs} ms (rounds so far: ${JSON.stringify(
            this.starts,
          )})`,
        );
      }
      await sleep(25);
    }
    return this.starts[index];
  }

  /**
   * Counts the rounds that start over `intervals` intervals, from a round start on,
   * the gaps between consecutive starts, and the upstream requests of those rounds:
   * the requests from the first round's start until the catalog read of the round
   * after the window ends (a round asks the upstreams only after that read).
   */
  async countOver(intervals: number, upstreamRequestTimes: () => number[]) {
    const first = await this.next(
      this.starts.length,
      INITIAL_DELAY_MS + 2 * INTERVAL_MS + 2000,
    );
    const firstIndex = this.starts.indexOf(first);
    this.resetConcurrency();
    // Half an interval of slack after the last expected start.
    await sleep(intervals * INTERVAL_MS + INTERVAL_MS / 2);
    const window = this.starts.slice(firstIndex + 1);
    const maxInFlight = this.maxInFlight;
    const after = await this.next(
      firstIndex + 1 + window.length,
      3 * INTERVAL_MS,
    );
    await sleep(Math.max(0, after.at + ROUND_MS - Date.now()));
    const upstreamRequests = upstreamRequestTimes().filter(
      at => at >= first.at && at < after.at + ROUND_MS,
    ).length;

    const byReplica: Record<string, number> = {};
    for (const s of window) {
      byReplica[s.replica] = (byReplica[s.replica] ?? 0) + 1;
    }
    const starts = [first, ...window].map(s => s.at);
    const gaps = starts.slice(1).map((at, i) => at - starts[i]);
    return {
      intervals,
      rounds: window.length,
      byReplica,
      maxInFlight,
      minGapMs: Math.min(...gaps),
      meanGapMs: Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length),
      /** Requests of the first round and of the `rounds` counted after it. */
      upstreamRequests,
      upstreamRequestsPerRound: upstreamRequests / (window.length + 1),
    };
  }
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

type Count = Awaited<ReturnType<Rounds['countOver']>>;

/**
 * One round per interval, across however many replicas: about as many rounds as
 * intervals (the scheduler notices a due task at its next poll, one interval at most,
 * so a round can slip; twice as many would mean each replica refreshes on its own),
 * and never two at once. (How far apart rounds are is a matter of time, which a busy
 * test machine stretches: counts only.)
 */
function expectOneRoundPerInterval(count: Count) {
  expect(count.rounds).toBeGreaterThanOrEqual(Math.ceil(count.intervals * 0.6));
  expect(count.rounds).toBeLessThanOrEqual(count.intervals + 1);
  expect(count.maxInFlight).toBe(1);
}

// --- replicas ---------------------------------------------------------------------

const clusterNames = ['dev-01', 'stag-01', 'prod-01', 'ops-01'];

const alice = 'user:default/alice';
const bob = 'user:default/bob';
const carol = 'user:default/carol';

const clusterEntity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    labels: {
      'observability.fleetobs.io/environment': name.replace(/-\d+$/, ''),
    },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform-team' },
});

interface Replica {
  name: string;
  backend: Awaited<ReturnType<typeof startTestBackend>>;
  stopped: boolean;
}

/** One deployment: a database prefix and a cache namespace shared by its replicas. */
function deployment(
  runId: string,
  name: string,
  upstreamUrl: string,
  rounds: Rounds,
) {
  const prefix = `obs_mr_${runId}_${name}_`;
  const config = {
    backend: {
      baseUrl: 'http://localhost:7007',
      database: {
        client: 'pg',
        connection: pgConnection,
        // backstage_plugin_<id> becomes <prefix><id>: a fresh database per run.
        prefix,
      },
      cache: {
        store: 'redis',
        connection: redisUrl,
        redis: { client: { namespace: prefix } },
      },
    },
    observability: {
      refresh: {
        frequency: { seconds: INTERVAL_S },
        timeout: { seconds: 1 },
      },
      thanos: { url: upstreamUrl },
      elasticsearch: { url: upstreamUrl },
      jaeger: { url: upstreamUrl },
      alertmanager: { url: upstreamUrl },
    },
  };
  const replicas: Replica[] = [];

  async function start(replicaName: string): Promise<Replica> {
    const catalog = catalogServiceMock.mock({
      getEntities: async () => {
        await rounds.onRound(replicaName);
        return { items: clusterNames.map(clusterEntity) };
      },
    });
    const backend = await startTestBackend({
      features: [
        observabilityPlugin,
        // Approvals start the apply template as a scaffolder task.
        fakeScaffolder().plugin,
        mockServices.rootConfig.factory({ data: config }),
        // The real services, as in the production back end: plugin databases on
        // PostgreSQL, the cache on Redis, and the scheduler whose task locks live in the
        // plugin database (the test backend's default scheduler runs tasks in-process).
        databaseServiceFactory,
        cacheServiceFactory,
        schedulerServiceFactory,
        catalog.factory,
      ],
    });
    const replica = { name: replicaName, backend, stopped: false };
    replicas.push(replica);
    return replica;
  }

  async function stop(replica: Replica) {
    if (!replica.stopped) {
      replica.stopped = true;
      await replica.backend.stop();
    }
  }

  return {
    name,
    database: `${prefix}observability`,
    rounds,
    replicas,
    start,
    stop,
    stopAll: () => Promise.all(replicas.map(stop)),
  };
}

type Deployment = ReturnType<typeof deployment>;

// --- the tests --------------------------------------------------------------------

const describeWithServers =
  canRun || missingServers().length > 0 ? describe : describe.skip;

describeWithServers(
  'observability back end, two replicas on one PostgreSQL and one Redis',
  () => {
    const runId = randomBytes(4).toString('hex');
    let admin: Knex;
    let upstream: Awaited<ReturnType<typeof startUpstreamStub>>;
    const deployments: Deployment[] = [];
    const measured: Record<string, unknown> = {};

    beforeAll(async () => {
      const missing = missingServers();
      if (missing.length > 0) {
        throw new Error(
          `The multi-replica test needs real servers; run it through \`npm test\`, which starts them. Missing: ${missing.join(
            '; ',
          )}`,
        );
      }
      await pingRedis(redisUrl!);
      admin = knexFactory({
        client: 'pg',
        connection: pgConnection,
        pool: { min: 0, max: 2 },
      });
      await admin.raw('select 1');
      upstream = await startUpstreamStub();
    });

    afterAll(async () => {
      for (const d of deployments) {
        d.rounds.release();
        await d.stopAll().catch(() => {});
      }
      // Rounds released above finish against closed pools; let them settle.
      await sleep(ROUND_MS + 200);
      if (admin) {
        for (const d of deployments) {
          await admin
            .raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [d.database])
            .catch(() => {});
        }
        await admin.destroy();
      }
      await upstream?.close();
      // eslint-disable-next-line no-console
      console.log(
        `multi-replica measurements (interval ${INTERVAL_S} s):\n${JSON.stringify(
          measured,
          null,
          2,
        )}`,
      );
    });

    function newDeployment(name: string, rounds = new Rounds()) {
      const d = deployment(runId, name, upstream.url, rounds);
      deployments.push(d);
      return d;
    }

    /** Reads the plugin database of a deployment, as any replica sees it. */
    async function query<T>(d: Deployment, read: (db: Knex) => Promise<T>) {
      const db = knexFactory({
        client: 'pg',
        connection: { ...parseConnection(pgConnection!), database: d.database },
        pool: { min: 0, max: 1 },
      });
      try {
        return await read(db);
      } finally {
        await db.destroy();
      }
    }

    /** Resolves once the replica's rounds are in the history and the shared cache. */
    async function flushed(replica: Replica) {
      const res = await request(replica.backend.server)
        .get(`/api/observability/v1/clusters/${clusterNames[0]}/history`)
        .set('Authorization', mockCredentials.user.header(alice));
      expect(res.status).toBe(200);
    }

    /** Polls the replica's fleet answer until it is from a round that began at `at` or later. */
    async function servedSince(replica: Replica, at: number) {
      // A bound for a slow machine, not a measurement.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await request(replica.backend.server).get(
          '/api/observability/v1/fleet',
        );
        if (res.status === 200 && Date.parse(res.body.generatedAt) >= at) {
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `replica ${
              replica.name
            } did not answer with a round from after ${new Date(
              at,
            ).toISOString()} (last: ${res.status} ${res.body?.generatedAt})`,
          );
        }
        await sleep(50);
      }
    }

    /**
     * The history rows of a deployment once every running replica has written the
     * rounds it answered with. A round answers before its history write lands; the
     * history route waits for this replica's pending write (read-your-writes), so
     * asking it on each replica is the public way to wait for those writes.
     */
    async function transitions(d: Deployment) {
      for (const replica of d.replicas.filter(r => !r.stopped)) {
        await flushed(replica);
      }
      return query(d, db =>
        db('obs_health_transitions').select(
          'cluster',
          'scope',
          'from_status',
          'to_status',
        ),
      );
    }

    /** The scheduler's row of the fleet refresh: who holds it, until when. */
    function refreshTask(d: Deployment) {
      return query(d, db =>
        db('backstage_backend_tasks__tasks')
          .where({ id: 'observability-fleet-refresh' })
          .first(
            'current_run_ticket',
            'current_run_expires_at',
            'next_run_start_at',
          ),
      );
    }

    it('one replica: one refresh round per interval', async () => {
      const single = newDeployment('one');
      await single.start('a');
      const count = await single.rounds.countOver(
        INTERVALS,
        upstream.requestTimes,
      );
      measured.oneReplica = count;
      expectOneRoundPerInterval(count);
      expect(count.byReplica).toEqual({ a: count.rounds });
      await single.stopAll();
    });

    it('control: two replicas on separate databases refresh each on their own', async () => {
      // What the count would show if the replicas did not share the scheduler's
      // task table: a round per replica per interval.
      const both = new Rounds();
      const left = newDeployment('left', both);
      const right = newDeployment('right', both);
      await Promise.all([left.start('left'), right.start('right')]);
      const count = await both.countOver(INTERVALS, upstream.requestTimes);
      measured.twoReplicasUncoordinated = count;
      expect(count.rounds).toBeGreaterThanOrEqual(INTERVALS + 2);
      await Promise.all([left.stopAll(), right.stopAll()]);
    });

    describe('two replicas', () => {
      let two: Deployment;
      let a: Replica;
      let b: Replica;

      beforeAll(async () => {
        two = newDeployment('two');
        // Like a rollout: the second pod starts while the first is up.
        a = await two.start('a');
        b = await two.start('b');
      });

      it('both answer a cold cache, and the history records each transition once', async () => {
        // Before the first scheduled round: both replicas find the cache cold and run a
        // round of their own at the same time; both record the same statuses.
        const [resA, resB] = await Promise.all([
          request(a.backend.server).get('/api/observability/v1/fleet'),
          request(b.backend.server).get('/api/observability/v1/fleet'),
        ]);
        expect(resA.status).toBe(200);
        expect(resB.status).toBe(200);
        expect(resA.body.clusters.map((c: any) => c.name)).toEqual(
          [...clusterNames].sort(),
        );

        const rows = await transitions(two);
        const perScope = new Map<string, number>();
        for (const row of rows) {
          const key = `${row.cluster}|${row.scope}`;
          perScope.set(key, (perScope.get(key) ?? 0) + 1);
        }
        measured.coldStart = {
          roundsRun: two.rounds.starts.map(s => s.replica),
          transitions: rows.length,
          scopes: perScope.size,
        };
        expect(perScope.size).toBeGreaterThan(0);
        expect([...perScope.values()].every(n => n === 1)).toBe(true);
        expect(rows.every(r => r.from_status === null)).toBe(true);
      });

      it('still one refresh round per interval, never two at once', async () => {
        const count = await two.rounds.countOver(
          INTERVALS,
          upstream.requestTimes,
        );
        measured.twoReplicas = count;
        expectOneRoundPerInterval(count);
        // Upstream side: every round asks the same (one request per check for the
        // whole fleet), and no replica asks outside the rounds counted here.
        expect(count.upstreamRequestsPerRound).toBe(
          (measured.oneReplica as Count).upstreamRequestsPerRound,
        );

        // Still the one transition per scope of the cold start: unchanged statuses
        // are not transitions, whichever replica ran the round.
        const rows = await transitions(two);
        expect(rows).toHaveLength(
          (measured.coldStart as { transitions: number }).transitions,
        );
      });

      it('both replicas answer from the shared cache: the same generatedAt', async () => {
        const round = await two.rounds.next(
          two.rounds.starts.length,
          3 * INTERVAL_MS,
        );
        // Wait for that round's answer on the replica that ran it, then for its writes.
        const runner = round.replica === 'a' ? a : b;
        await servedSince(runner, round.at);
        await flushed(runner);
        const roundsBefore = two.rounds.starts.length;
        const [resA, resB] = await Promise.all([
          request(a.backend.server).get('/api/observability/v1/fleet'),
          request(b.backend.server).get('/api/observability/v1/fleet'),
        ]);
        expect(resA.status).toBe(200);
        expect(resB.status).toBe(200);
        expect(resA.body.generatedAt).toBe(resB.body.generatedAt);
        expect(Date.parse(resA.body.generatedAt)).toBeGreaterThanOrEqual(
          round.at,
        );
        // Answered from the cache: the requests started no round of their own.
        expect(
          two.rounds.starts.slice(roundsBefore).every(s => s.at > round.at),
        ).toBe(true);
        measured.sharedCache = {
          roundBy: round.replica,
          generatedAt: resA.body.generatedAt,
        };
      });

      it('retention approvals race across the replicas: one wins, the other gets 409', async () => {
        // (Creating a request reads the clusters from the catalog: after the counts.)
        const base = '/api/observability/v1/retention-requests';
        const created = await request(a.backend.server)
          .post(base)
          .set('Authorization', mockCredentials.user.header(alice))
          .send({
            cluster: 'prod-01',
            signal: 'logs',
            requested: {
              rolloverMaxAge: '1d',
              rolloverMaxSize: '50gb',
              warmAfter: '7d',
              deleteAfter: '45d',
            },
            justification: 'Audit needs 45 days of logs',
          });
        expect(created.status).toBe(201);
        const results = await Promise.all(
          [
            { replica: a, user: bob },
            { replica: b, user: carol },
          ].map(({ replica, user }) =>
            request(replica.backend.server)
              .post(`${base}/${created.body.id}/approve`)
              .set('Authorization', mockCredentials.user.header(user))
              .send({}),
          ),
        );
        measured.approvalRace = results.map(r => r.status);
        expect(results.map(r => r.status).sort()).toEqual([200, 409]);
        const final = await request(b.backend.server)
          .get(`${base}/${created.body.id}`)
          .set('Authorization', mockCredentials.user.header(bob));
        expect(final.body.state).toBe('approved');
        expect(
          final.body.audit.filter((e: { to: string }) => e.to === 'approved'),
        ).toHaveLength(1);
      });

      it('when the replica running a round stops, the other runs the next interval', async () => {
        // The next round blocks in its catalog read: the replica that runs it is the
        // one to stop, mid-refresh.
        two.rounds.hold();
        const held = await two.rounds.next(
          two.rounds.starts.length,
          3 * INTERVAL_MS,
        );
        const stopping = held.replica === 'a' ? a : b;
        const survivor = stopping === a ? b : a;
        const stoppedAt = Date.now();
        await two.stop(stopping);
        // The stopped replica's round never completes (as if its process had exited).
        const index = two.rounds.starts.length;
        let takeover: RoundStart | undefined;
        try {
          takeover = await two.rounds.next(index, 4 * INTERVAL_MS);
        } catch (error) {
          // Most likely the stopped replica still holds the task until it times out.
          throw new Error(
            `${(error as Error).message}; task row: ${JSON.stringify(
              await refreshTask(two),
            )}`,
          );
        } finally {
          two.rounds.release();
          measured.stopMidRefresh = {
            stopped: stopping.name,
            takeoverBy: takeover?.replica ?? null,
            takeoverAfterMs: takeover ? takeover.at - stoppedAt : null,
          };
        }
        expect(takeover.replica).toBe(survivor.name);
        const res = await request(survivor.backend.server).get(
          '/api/observability/v1/fleet',
        );
        expect(res.status).toBe(200);
      });
    });
  },
);

function parseConnection(connection: string): Knex.PgConnectionConfig {
  const url = new URL(connection);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}
