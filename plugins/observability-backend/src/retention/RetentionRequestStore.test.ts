import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { storeTestDatabaseIds } from '../__testUtils__/testDatabaseIds';
import { migratedDatabase } from '../lib/migrations';
import { RetentionRequestStore } from './RetentionRequestStore';

jest.setTimeout(60_000);

describe('RetentionRequestStore', () => {
  const databases = TestDatabases.create({ ids: storeTestDatabaseIds() });

  async function createStore(id: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(id);
    return new RetentionRequestStore(
      await migratedDatabase(
        mockServices.database.mock({ getClient: async () => knex }),
      ),
    );
  }

  const newRequest = {
    cluster: 'prod-01',
    signal: 'logs' as const,
    requested: {
      rolloverMaxAge: '1d',
      rolloverMaxSize: '50gb',
      warmAfter: '7d',
      deleteAfter: '45d',
    },
    justification: 'audit',
    requestedBy: 'user:default/alice',
  };

  it.each(databases.eachSupportedId())(
    'lets exactly one of two concurrent transitions win, on %p',
    async id => {
      const store = await createStore(id);
      const { id: requestId } = await store.create(newRequest);
      const results = await Promise.allSettled([
        store.transition({
          id: requestId,
          to: 'approved',
          actor: 'user:default/bob',
        }),
        store.transition({
          id: requestId,
          to: 'rejected',
          actor: 'user:default/carol',
          comment: 'no',
        }),
      ]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult;
      expect(rejected.reason.name).toBe('ConflictError');
      const final = (await store.get(requestId))!;
      expect(final.audit.map(a => a.to)).toEqual(['pending', final.state]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses transitions the state machine does not allow, on %p',
    async id => {
      const store = await createStore(id);
      const { id: requestId } = await store.create(newRequest);
      await expect(
        store.transition({
          id: requestId,
          to: 'applied',
          actor: 'plugin:observability',
        }),
      ).rejects.toThrow(/is pending; it cannot become applied/);
      await expect(
        store.transition({ id: 'nope', to: 'approved', actor: 'x' }),
      ).rejects.toThrow(/No retention request nope/);
    },
  );
});
