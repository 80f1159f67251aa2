import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { HealthHistoryStore } from './HealthHistoryStore';
import { migratedDatabase } from '../lib/migrations';
import { storeTestDatabaseIds } from '../__testUtils__/testDatabaseIds';

describe('HealthHistoryStore', () => {
  const databases = TestDatabases.create({ ids: storeTestDatabaseIds() });

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    const database = mockServices.database.mock({
      getClient: async () => knex,
    });
    return {
      knex,
      store: new HealthHistoryStore(await migratedDatabase(database)),
    };
  }

  const t0 = new Date('2026-11-25T10:00:00Z');
  const t1 = new Date('2026-11-25T10:00:30Z');
  const t2 = new Date('2026-11-25T10:01:00Z');

  it.each(databases.eachSupportedId())(
    'records a transition only when the status changes, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.record(
        [
          {
            cluster: 'dev-01',
            scope: 'metrics',
            status: 'ok',
            summary: 'fine',
          },
        ],
        t0,
      );
      const same = await store.record(
        [{ cluster: 'dev-01', scope: 'metrics', status: 'ok' }],
        t1,
      );
      expect(same.get('dev-01|metrics')).toBe(t0.toISOString());

      const changed = await store.record(
        [
          {
            cluster: 'dev-01',
            scope: 'metrics',
            status: 'critical',
            summary: 'sidecar down',
          },
        ],
        t2,
      );
      expect(changed.get('dev-01|metrics')).toBe(t2.toISOString());

      const history = await store.transitions('dev-01', { limit: 10 });
      expect(history).toEqual([
        {
          scope: 'metrics',
          from: 'ok',
          to: 'critical',
          summary: 'sidecar down',
          at: t2.toISOString(),
        },
        {
          scope: 'metrics',
          from: null,
          to: 'ok',
          summary: 'fine',
          at: t0.toISOString(),
        },
      ]);
      expect(await store.transitions('prod-01', { limit: 10 })).toEqual([]);
      expect(
        await store.transitions('dev-01', { limit: 10, since: t1 }),
      ).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'writes each transition once when two replicas record the same round, on %p',
    async databaseId => {
      const { knex } = await createStore(databaseId);
      const replicaA = new HealthHistoryStore(knex);
      const replicaB = new HealthHistoryStore(knex);
      const round = [
        { cluster: 'prod-01', scope: 'logs', status: 'warn' as const },
        { cluster: 'prod-01', scope: 'traces', status: 'ok' as const },
      ];
      await Promise.all([
        replicaA.record(round, t0),
        replicaB.record(round, t0),
      ]);
      expect(await replicaA.transitions('prod-01', { limit: 10 })).toHaveLength(
        2,
      );
      // And when both see the same change in the next round.
      const changed = round.map(r => ({ ...r, status: 'critical' as const }));
      await Promise.all([
        replicaA.record(changed, t1),
        replicaB.record(changed, t1),
      ]);
      expect(await replicaA.transitions('prod-01', { limit: 10 })).toHaveLength(
        4,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps history across a restart and prunes old transitions, on %p',
    async databaseId => {
      const { knex, store } = await createStore(databaseId);
      await store.record(
        [{ cluster: 'ops-01', scope: 'overall', status: 'ok' }],
        t0,
      );
      await store.record(
        [{ cluster: 'ops-01', scope: 'overall', status: 'warn' }],
        t2,
      );

      // A new store on the same database stands for a restarted back end.
      const restarted = new HealthHistoryStore(
        await migratedDatabase(
          mockServices.database.mock({ getClient: async () => knex }),
        ),
      );
      expect(await restarted.transitions('ops-01', { limit: 10 })).toHaveLength(
        2,
      );
      expect(await restarted.prune(t1)).toBe(1);
      expect(
        (await restarted.transitions('ops-01', { limit: 10 })).map(t => t.to),
      ).toEqual(['warn']);
    },
  );

  it.each(databases.eachSupportedId())(
    'records a first round of a large fleet in batches, once, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const round = Array.from({ length: 400 }, (_, i) => ({
        cluster: `edge-${i}`,
        scope: 'overall',
        status: 'ok' as const,
      }));
      const since = await store.record(round, t0);
      expect(since.size).toBe(400);
      expect(await store.record(round, t1)).toEqual(since);
      expect(await store.transitions('edge-399', { limit: 10 })).toEqual([
        {
          scope: 'overall',
          from: null,
          to: 'ok',
          summary: null,
          at: t0.toISOString(),
        },
      ]);
    },
  );
});
