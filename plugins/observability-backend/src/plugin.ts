import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { createClusterRegistry } from './service/ClusterRegistry';
import { FleetHealthService } from './service/FleetHealthService';
import { HealthHistoryStore } from './service/HealthHistoryStore';
import { migratedDatabase } from './service/migrations';
import {
  createFleetChecker,
  readCheckOptions,
} from './service/fleetChecker';
import { RetentionPlanner } from './retention/planner';
import { readPricing } from './retention/costEstimate';
import { createRouter } from './service/router';
import { observabilityPermissions } from '@fleetobs/plugin-observability-common';
import { createRetentionRouter, readRetentionBounds } from './retention/router';
import { RetentionRequestStore } from './retention/RetentionRequestStore';
import { createGitopsValuesSource } from './retention/GitopsValuesSource';

function readDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  return config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

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
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        urlReader: coreServices.urlReader,
        lifecycle: coreServices.lifecycle,
      },
      async init(deps) {
        const { config, logger, cache, scheduler, httpAuth } = deps;
        const frequency = readDuration(
          config,
          'observability.refresh.frequency',
          { seconds: 30 },
        );
        const historyRetention = readDuration(
          config,
          'observability.historyRetention',
          { days: 30 },
        );

        const timeout = readDuration(config, 'observability.refresh.timeout', {
          seconds: 10,
        });
        const { checker, clients } = createFleetChecker(config, {
          timeoutMs: durationToMilliseconds(timeout),
        });
        const db = await migratedDatabase(deps.database);
        const history = new HealthHistoryStore(db);
        const registry = createClusterRegistry(deps);
        const fleet = new FleetHealthService({
          registry,
          checker,
          cache,
          logger,
          // Outlives one missed refresh, so replicas keep answering from the cache.
          ttlMs: durationToMilliseconds(frequency) * 2,
          history,
        });

        // The scheduler runs each task once per interval across all replicas that
        // share the database: one round of upstream requests per interval.
        await scheduler.scheduleTask({
          id: 'observability-fleet-refresh',
          frequency,
          timeout: { minutes: 2 },
          initialDelay: { seconds: 5 },
          fn: async () => {
            await fleet.refresh();
          },
        });
        await scheduler.scheduleTask({
          id: 'observability-history-prune',
          frequency: { hours: 1 },
          timeout: { minutes: 5 },
          fn: async () => {
            const cutoff = new Date(
              Date.now() - durationToMilliseconds(historyRetention),
            );
            const pruned = await history.prune(cutoff);
            logger.info(
              `Pruned ${pruned} health transitions before ${cutoff.toISOString()}`,
            );
          },
        });

        deps.lifecycle.addShutdownHook(async () => {
          await clients.close?.();
        });
        const bounds = readRetentionBounds(config);
        const values = createGitopsValuesSource(deps);
        const checkOptions = readCheckOptions(config);
        deps.permissionsRegistry.addPermissions(observabilityPermissions);
        deps.httpRouter.use(await createRouter({ httpAuth, fleet, history }));
        deps.httpRouter.use(
          createRetentionRouter({
            httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            store: new RetentionRequestStore(db),
            registry,
            bounds,
            values,
            planner: new RetentionPlanner({
              values,
              bounds,
              pricing: readPricing(config),
              thanos: clients.thanos,
              elasticsearch: clients.elasticsearch,
              clusterLabel: checkOptions.labels.cluster,
              spanIndexPattern:
                checkOptions.elasticsearch.spanIndexPattern ?? 'jaeger-span-*',
              spanClusterField:
                checkOptions.elasticsearch.spanClusterField ??
                'process.tag.cluster',
              clusterCount: async () => (await registry.list()).length,
            }),
          }),
        );
      },
    });
  },
});
