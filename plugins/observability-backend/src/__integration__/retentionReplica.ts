/* eslint-disable @backstage/no-undeclared-imports -- a test process, started by retentionApplyCrash.test.ts, never shipped */
/*
 * One replica of the observability back end in a process of its own, so that a test can
 * kill it (SIGKILL) at any point: the plugin in a test backend (mock auth: the test
 * calls it with mockCredentials headers) with the real database and scheduler services
 * of @backstage/backend-defaults on the PostgreSQL of the config, and its discovery of
 * `scaffolder` pointing at a fake scaffolder of the test.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs retentionReplica.ts
 *
 * with OBS_REPLICA_CONFIG (the app config, JSON) and OBS_REPLICA_SCAFFOLDER (base URL).
 * Prints `replica ready on <port>` once it serves.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { observabilityPlugin } from '../plugin';

async function main() {
  const config = JSON.parse(process.env.OBS_REPLICA_CONFIG ?? '');
  const scaffolder = process.env.OBS_REPLICA_SCAFFOLDER;
  if (!scaffolder) {
    throw new Error('OBS_REPLICA_SCAFFOLDER is not set');
  }
  const backend = await startTestBackend({
    features: [
      observabilityPlugin,
      mockServices.rootConfig.factory({ data: config }),
      databaseServiceFactory,
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities: [] }),
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => {
          const url = async (pluginId: string) =>
            pluginId === 'scaffolder'
              ? `${scaffolder}/api/scaffolder`
              : `http://127.0.0.1:0/api/${pluginId}`;
          return { getBaseUrl: url, getExternalBaseUrl: url };
        },
      }),
    ],
  });
  process.stdout.write(`replica ready on ${backend.server.port()}\n`);
  process.on('SIGTERM', () => {
    backend.stop().finally(() => process.exit(0));
  });
}

main().catch(error => {
  process.stderr.write(`replica failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
