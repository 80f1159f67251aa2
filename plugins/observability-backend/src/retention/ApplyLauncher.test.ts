import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { RetentionRequest } from '@fleetobs/plugin-observability-common';
import { storeTestDatabaseIds } from '../__testUtils__/testDatabaseIds';
import { migratedDatabase } from '../lib/migrations';
import { RetentionApplyLauncher } from './ApplyLauncher';
import { ApplyRefusedError, RetentionApplier } from './RetentionApplier';
import { RetentionRequestStore } from './RetentionRequestStore';

jest.setTimeout(60_000);

const alice = 'user:default/alice';
const bob = 'user:default/bob';
const CLAIM_TIMEOUT_MS = 60_000;

/** An applier that counts starts; `next` decides each one (default: a new task id). */
function countingApplier() {
  const started: string[] = [];
  const applier: RetentionApplier & {
    started: string[];
    next?: (request: RetentionRequest) => Promise<{ taskId: string }>;
  } = {
    started,
    async start(request) {
      started.push(request.id);
      if (applier.next) {
        return applier.next(request);
      }
      return { taskId: `task-${started.length}` };
    },
  };
  return applier;
}

describe('RetentionApplyLauncher (issue 14, finding 8)', () => {
  const databases = TestDatabases.create({ ids: storeTestDatabaseIds() });

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const store = new RetentionRequestStore(
      await migratedDatabase(
        mockServices.database.mock({ getClient: async () => knex }),
      ),
    );
    const applier = countingApplier();
    const logger = mockServices.logger.mock();
    let now = new Date('2026-12-02T10:00:00Z');
    const clock = {
      now: () => now,
      advance: (ms: number) => {
        now = new Date(now.getTime() + ms);
      },
    };
    const launcher = (options: { maxAttempts?: number } = {}) =>
      new RetentionApplyLauncher({
        store,
        applier,
        logger,
        claimTimeoutMs: CLAIM_TIMEOUT_MS,
        clock: clock.now,
        ...options,
      });
    const approved = async () => {
      const { id } = await store.create({
        cluster: 'prod-01',
        signal: 'logs',
        requested: {
          rolloverMaxAge: '1d',
          rolloverMaxSize: '50gb',
          warmAfter: '7d',
          deleteAfter: '45d',
        },
        justification: 'audit',
        requestedBy: alice,
      });
      await store.transition({ id, to: 'approved', actor: bob });
      return id;
    };
    return { store, applier, logger, clock, launcher, approved };
  }

  it.each(databases.eachSupportedId())(
    'starts the task of an approved request once, however many replicas race, on %p',
    async databaseId => {
      const { store, applier, launcher, approved } = await setup(databaseId);
      const id = await approved();
      const launches = await Promise.all(
        Array.from({ length: 5 }, () => launcher().launch(id)),
      );
      expect(launches.filter(l => l.outcome === 'started')).toEqual([
        { outcome: 'started', taskId: 'task-1' },
      ]);
      expect(launches.filter(l => l.outcome === 'busy')).toHaveLength(4);
      expect(applier.started).toEqual([id]);
      expect((await store.get(id))!.pullRequest).toEqual({ taskId: 'task-1' });
      // Once recorded, nothing starts it again, even long after.
      await expect(launcher().launch(id)).resolves.toEqual({ outcome: 'busy' });
      expect(applier.started).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'takes over the claim of a replica that died before starting the task, only once it expired, on %p',
    async databaseId => {
      const { store, applier, clock, launcher, approved } = await setup(
        databaseId,
      );
      const id = await approved();
      // The approver's replica claimed the start and died (SIGKILL) before starting.
      expect(
        await store.claimApply({
          id,
          token: 'claim-of-a-dead-replica',
          now: clock.now(),
          staleBefore: new Date(0),
        }),
      ).toBe(1);
      clock.advance(CLAIM_TIMEOUT_MS - 1000);
      await expect(launcher().launch(id)).resolves.toEqual({ outcome: 'busy' });
      expect(applier.started).toEqual([]);
      clock.advance(2000);
      await expect(launcher().launch(id)).resolves.toEqual({
        outcome: 'started',
        taskId: 'task-1',
      });
      const request = (await store.get(id))!;
      expect(request.state).toBe('approved');
      expect(request.pullRequest).toEqual({ taskId: 'task-1' });
      // The dead replica's claim cannot record a task any more.
      await expect(
        store.recordApplyTask({
          id,
          token: 'claim-of-a-dead-replica',
          taskId: 'task-x',
        }),
      ).resolves.toBe(false);
      expect(request.audit.map(a => a.to)).toEqual(['pending', 'approved']);
    },
  );

  it.each(databases.eachSupportedId())(
    'a task id that cannot be stored leaves the request approved (never failed) and it is restarted once, on %p',
    async databaseId => {
      const { store, applier, clock, launcher, approved, logger } = await setup(
        databaseId,
      );
      const id = await approved();
      const record = jest
        .spyOn(store, 'recordApplyTask')
        .mockRejectedValue(new Error('Connection terminated unexpectedly'));
      const first = await launcher().launch(id);
      expect(first).toEqual({
        outcome: 'unrecorded',
        taskId: 'task-1',
        reason: `could not record apply task task-1 of retention request ${id}: Connection terminated unexpectedly`,
      });
      expect(record).toHaveBeenCalledTimes(4);
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(/The request stays approved/),
      );
      record.mockRestore();
      let request = (await store.get(id))!;
      expect(request.state).toBe('approved');
      expect(request.pullRequest).toBeUndefined();
      expect(request.audit.map(a => a.to)).toEqual(['pending', 'approved']);

      // Its task may be running; nothing starts another until the claim expires.
      await expect(launcher().launch(id)).resolves.toEqual({ outcome: 'busy' });
      clock.advance(CLAIM_TIMEOUT_MS + 1);
      await expect(launcher().launch(id)).resolves.toEqual({
        outcome: 'started',
        taskId: 'task-2',
      });
      request = (await store.get(id))!;
      // Only task-2 is recorded: task-1 refuses to apply (obs:retention:apply).
      expect(request.pullRequest).toEqual({ taskId: 'task-2' });
      expect(applier.started).toEqual([id, id]);
      await expect(launcher().launch(id)).resolves.toEqual({ outcome: 'busy' });
    },
  );

  it.each(databases.eachSupportedId())(
    'a replica whose claim was taken over while it was starting does not record its task, on %p',
    async databaseId => {
      const { store, applier, clock, launcher, approved } = await setup(
        databaseId,
      );
      const id = await approved();
      let release!: () => void;
      applier.next = () =>
        new Promise(resolve => {
          release = () => resolve({ taskId: 'task-slow' });
        });
      const slow = launcher().launch(id);
      await new Promise<void>(resolve => {
        const waitForStart = () =>
          applier.started.length ? resolve() : setImmediate(waitForStart);
        waitForStart();
      });
      clock.advance(CLAIM_TIMEOUT_MS + 1);
      applier.next = undefined;
      await expect(launcher().launch(id)).resolves.toEqual({
        outcome: 'started',
        taskId: 'task-2',
      });
      release();
      await expect(slow).resolves.toMatchObject({
        outcome: 'unrecorded',
        taskId: 'task-slow',
      });
      expect((await store.get(id))!.pullRequest).toEqual({ taskId: 'task-2' });
    },
  );

  it.each(databases.eachSupportedId())(
    'fails the request when the scaffolder refuses the task, retries passing failures up to a limit, on %p',
    async databaseId => {
      const { store, applier, launcher, approved } = await setup(databaseId);
      const refused = await approved();
      applier.next = async () => {
        throw new ApplyRefusedError(
          'the scaffolder did not start template:default/apply-retention-change (403): not allowed',
        );
      };
      await expect(launcher().launch(refused)).resolves.toMatchObject({
        outcome: 'failed',
      });
      expect((await store.get(refused))!.audit.at(-1)).toMatchObject({
        actor: 'plugin:observability',
        from: 'approved',
        to: 'failed',
        comment:
          'Could not start the apply task: the scaffolder did not start template:default/apply-retention-change (403): not allowed',
      });

      const flaky = await approved();
      applier.next = async () => {
        throw new Error('fetch failed');
      };
      await expect(launcher({ maxAttempts: 2 }).launch(flaky)).resolves.toEqual(
        { outcome: 'retry', reason: 'fetch failed' },
      );
      // The claim was given back: the next round may start at once.
      expect((await store.get(flaky))!.state).toBe('approved');
      await expect(launcher({ maxAttempts: 2 }).launch(flaky)).resolves.toEqual(
        { outcome: 'failed', reason: 'fetch failed' },
      );
      expect((await store.get(flaky))!.state).toBe('failed');
    },
  );

  it.each(databases.eachSupportedId())(
    'starts nothing for requests that are not approved, on %p',
    async databaseId => {
      const { store, applier, launcher } = await setup(databaseId);
      const { id } = await store.create({
        cluster: 'prod-01',
        signal: 'logs',
        requested: {
          rolloverMaxAge: '1d',
          rolloverMaxSize: '50gb',
          warmAfter: '7d',
          deleteAfter: '45d',
        },
        justification: 'audit',
        requestedBy: alice,
      });
      await expect(launcher().launch(id)).resolves.toEqual({ outcome: 'busy' });
      await expect(launcher().launch('nope')).resolves.toEqual({
        outcome: 'busy',
      });
      expect(applier.started).toEqual([]);
    },
  );
});
