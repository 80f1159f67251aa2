import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { createClusterRegistry } from './service/ClusterRegistry';
import { FleetHealthService } from './service/FleetHealthService';
import { createRouter } from './service/router';

/**
 * Fleet health of Thanos, Elasticsearch and Jaeger per cluster.
 *
 * @public
 */
export const observabilityPlugin = createBackendPlugin({
  pluginId: 'observability',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        cache: coreServices.cache,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        cache,
        scheduler,
        auth,
        httpAuth,
        httpRouter,
        catalog,
      }) {
        const frequency: HumanDuration = config.has(
          'observability.refresh.frequency',
        )
          ? readDurationFromConfig(config, {
              key: 'observability.refresh.frequency',
            })
          : { seconds: 30 };
        const registry = createClusterRegistry({
          config,
          catalog,
          auth,
          logger,
        });
        const fleet = new FleetHealthService({
          registry,
          checker: async () => ({ clusters: {}, platform: {} }),
          cache,
          logger,
          ttlMs: durationToMilliseconds(frequency) * 2,
        });

        await scheduler.scheduleTask({
          id: 'observability-fleet-refresh',
          frequency,
          timeout: { minutes: 2 },
          initialDelay: { seconds: 5 },
          fn: async () => {
            await fleet.refresh();
          },
        });

        httpRouter.use(await createRouter({ httpAuth, fleet }));
      },
    });
  },
});
