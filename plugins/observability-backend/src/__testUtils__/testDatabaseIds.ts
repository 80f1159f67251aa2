import { TestDatabaseId } from '@backstage/backend-test-utils';

/**
 * The database ids that store tests run on: SQLite always, and the PostgreSQL whose
 * connection string the test setup exported (`scripts/postgres-env.sh`). Missing
 * PostgreSQL fails the run unless OBS_SKIP_POSTGRES=1 says to go without.
 */
export function storeTestDatabaseIds(): TestDatabaseId[] {
  const pg = Object.keys(process.env)
    .map(k =>
      /^BACKSTAGE_TEST_DATABASE_POSTGRES(\d+)_CONNECTION_STRING$/.exec(k),
    )
    .find(Boolean);
  if (pg) {
    return ['SQLITE_3', `POSTGRES_${pg[1]}` as TestDatabaseId];
  }
  if (process.env.OBS_SKIP_POSTGRES === '1') {
    return ['SQLITE_3'];
  }
  throw new Error(
    'No PostgreSQL for the database tests: run them through `npm test` (which starts one), ' +
      'export BACKSTAGE_TEST_DATABASE_POSTGRES<version>_CONNECTION_STRING, or set OBS_SKIP_POSTGRES=1',
  );
}
