/*
 * Issue 14, finding 8: an approved retention request must not get stuck when the replica
 * that approved it dies between committing `approved` and starting the apply task.
 *
 * Replica A (a process of its own, retentionReplica.ts) approves a request on the real
 * PostgreSQL; the fake scaffolder never answers A's POST /v2/tasks, so A is inside that
 * call, after the commit, when the test kills it with SIGKILL. Replica B then starts on
 * the same database; through the public API only (GET the request) the test waits until
 * B's poller has taken over A's claim, started the task and recorded its end: `applied`,
 * once. The fake scaffolder counts the tasks started.
 *
 * Needs the PostgreSQL that `npm test` starts (scripts/postgres-env.sh exports
 * BACKSTAGE_TEST_DATABASE_POSTGRES<N>_CONNECTION_STRING). Without it the test fails,
 * unless OBS_SKIP_POSTGRES=1 says to go without.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { startFakeScaffolderServer } from '../__testUtils__/fakeScaffolder';

jest.setTimeout(120_000);

const pgKey = Object.keys(process.env).find(k =>
  /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
);
const pgConnection = pgKey ? process.env[pgKey] : undefined;
const skipped = !pgConnection && process.env.OBS_SKIP_POSTGRES === '1';

const alice = 'user:default/alice';
const bob = 'user:default/bob';
const base = '/api/observability/v1/retention-requests';
/** Poll interval and claim timeout of the replicas (production: 10 s and 60 s). */
const POLL_S = 1;
const CLAIM_TIMEOUT_S = 3;

interface Replica {
  name: string;
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts a replica process and resolves once it serves. */
function startReplica(
  name: string,
  config: object,
  scaffolderUrl: string,
): Promise<Replica> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'retentionReplica.ts'),
    ],
    {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        OBS_REPLICA_CONFIG: JSON.stringify(config),
        OBS_REPLICA_SCAFFOLDER: scaffolderUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let seen = '';
  const keep = (data: Buffer) => {
    seen = (seen + String(data)).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(
        new Error(
          `replica ${name} exited (${code ?? signal}) before serving:\n${seen}`,
        ),
      );
    const onData = () => {
      const ready = /replica ready on (\d+)/.exec(seen);
      if (ready) {
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve({
          name,
          child,
          url: `http://127.0.0.1:${ready[1]}`,
          output: () => seen,
        });
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
  });
}

function killed(replica: Replica, signal: NodeJS.Signals) {
  return new Promise<NodeJS.Signals | null>(resolve => {
    if (replica.child.exitCode !== null || replica.child.signalCode) {
      resolve(replica.child.signalCode);
      return;
    }
    replica.child.once('exit', (_code, sig) => resolve(sig));
    replica.child.kill(signal);
  });
}

/** Asks `read` until `done` holds of its answer, at most `timeoutMs`; no fixed sleeps. */
async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(value)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

(skipped ? describe.skip : describe)(
  'retention apply: a replica killed between the approval and the task start (PostgreSQL)',
  () => {
    const runId = randomBytes(4).toString('hex');
    const prefix = `obs_crash_${runId}_`;
    const database = `${prefix}observability`;
    let admin: Knex | undefined;
    let scaffolder: Awaited<ReturnType<typeof startFakeScaffolderServer>>;
    const replicas: Replica[] = [];

    const config = () => ({
      backend: {
        baseUrl: 'http://localhost:7007',
        // backstage_plugin_<id> becomes <prefix><id>: a fresh database per run.
        database: { client: 'pg', connection: pgConnection, prefix },
      },
      observability: {
        // No fleet refresh round during the test (no upstreams here anyway).
        refresh: { initialDelay: { hours: 1 } },
        clusters: [{ name: 'prod-01', environment: 'prod' }],
        retention: {
          applyPollInterval: { seconds: POLL_S },
          applyClaimTimeout: { seconds: CLAIM_TIMEOUT_S },
          bounds: { prod: { logs: { minDays: 30 } } },
        },
      },
    });

    beforeAll(async () => {
      if (!pgConnection) {
        throw new Error(
          'The retention crash test needs PostgreSQL: run it through `npm test` or source scripts/postgres-env.sh, which export BACKSTAGE_TEST_DATABASE_POSTGRES<version>_CONNECTION_STRING (OBS_SKIP_POSTGRES=1 to go without)',
        );
      }
      admin = knexFactory({
        client: 'pg',
        connection: pgConnection,
        pool: { min: 0, max: 1 },
      });
      await admin.raw('select 1');
      scaffolder = await startFakeScaffolderServer({ hangFirstStart: true });
    });

    afterAll(async () => {
      for (const replica of replicas) {
        await killed(replica, 'SIGKILL');
      }
      await scaffolder?.close();
      if (admin) {
        await admin
          .raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database])
          .catch(() => {});
        await admin.destroy();
      }
    });

    it('ends applied exactly once, started once by the other replica', async () => {
      const started = Date.now();
      const a = await startReplica('a', config(), scaffolder.baseUrl);
      replicas.push(a);
      const replicaStartMs = Date.now() - started;

      const created = await request(a.url)
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
      const id = created.body.id as string;

      // Bob approves on A; A commits `approved` and calls the scaffolder, which holds
      // the call: A is between the commit and the task start.
      const approval = request(a.url)
        .post(`${base}/${id}/approve`)
        .set('Authorization', mockCredentials.user.header(bob))
        .send({ comment: 'ok' })
        .then(
          res => ({ status: res.status }),
          error => ({ error: String(error) }),
        );
      await expect(scaffolder.waitForHangingStart()).resolves.toEqual({
        requestId: id,
      });
      const committed = await request(a.url)
        .get(`${base}/${id}`)
        .set('Authorization', mockCredentials.user.header(bob));
      expect(committed.body.state).toBe('approved');
      expect(committed.body.pullRequest).toBeUndefined();

      const killedAt = Date.now();
      await expect(killed(a, 'SIGKILL')).resolves.toBe('SIGKILL');
      // The approver never got an answer.
      await expect(approval).resolves.toEqual({
        error: expect.stringMatching(/socket hang up|ECONNRESET/),
      });
      expect(scaffolder.tasks).toEqual([]);

      const b = await startReplica('b', config(), scaffolder.baseUrl);
      replicas.push(b);
      const applied = await waitFor(
        `request ${id} applied through replica b`,
        async () =>
          (
            await request(b.url)
              .get(`${base}/${id}`)
              .set('Authorization', mockCredentials.user.header(alice))
          ).body,
        body => body.state !== 'approved',
        90_000,
      ).catch(error => {
        throw new Error(`${error.message}\nreplica b:\n${b.output()}`);
      });
      const recoveryMs = Date.now() - killedAt;

      expect(applied.state).toBe('applied');
      expect(applied.audit.map((e: any) => [e.to, e.actor])).toEqual([
        ['pending', alice],
        ['approved', bob],
        ['applied', 'plugin:observability'],
      ]);
      expect(scaffolder.tasks).toEqual([
        {
          id: 'task-1',
          templateRef: 'template:default/apply-retention-change',
          values: { requestId: id },
        },
      ]);
      expect(applied.pullRequest).toEqual({
        taskId: 'task-1',
        branch: `retention/${id}`,
        url: 'https://git.example.com/gitops/pull/task-1',
      });

      // One start was received by the scaffolder and never answered (A's, killed), one
      // made the task (B's poller, after A's claim expired).
      expect(scaffolder.received).toHaveLength(2);

      // eslint-disable-next-line no-console
      console.log(
        `retention crash test: replica start ${replicaStartMs} ms; SIGKILL → applied ${recoveryMs} ms (poll ${POLL_S} s, claim timeout ${CLAIM_TIMEOUT_S} s); POST /v2/tasks received ${scaffolder.received.length}, tasks created ${scaffolder.tasks.length}`,
      );
    });
  },
);
