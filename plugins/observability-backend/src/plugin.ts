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
import { createFleetChecker, readCheckOptions } from './service/fleetChecker';
import { RetentionPlanner } from './retention/planner';
import { readPricing } from './retention/costEstimate';
import { createRouter } from './service/router';
import { createEntitySignalsRouter } from './signals';
import { KubernetesClusterSource } from './kubernetes';
import { observabilityPermissions } from '@fleetobs/plugin-observability-common';
import { createRetentionRouter, readRetentionBounds } from './retention/router';
import { RetentionRequestStore } from './retention/RetentionRequestStore';
import {
  RetentionTaskPoller,
  ScaffolderApplier,
} from './retention/ScaffolderApplier';
import { createGitopsValuesSource } from './retention/GitopsValuesSource';
import { RetentionApplyLauncher } from './retention/ApplyLauncher';

const REFRESH_TASK_ID = 'observability-fleet-refresh';

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
        discovery: coreServices.discovery,
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
        let refreshing = false;
        await scheduler.scheduleTask({
          id: REFRESH_TASK_ID,
          frequency,
          // A replica that dies mid-round holds the task until this expires: keep it short.
          timeout: { milliseconds: durationToMilliseconds(timeout) * 3 },
          initialDelay: readDuration(
            config,
            'observability.refresh.initialDelay',
            { seconds: 5 },
          ),
          fn: async () => {
            refreshing = true;
            try {
              await fleet.refresh();
              await fleet.flush();
            } finally {
              refreshing = false;
            }
          },
        });
        // Plugin shutdown runs before the database closes: hand an unfinished round back
        // so that another replica runs the next interval.
        deps.lifecycle.addShutdownHook(async () => {
          if (refreshing) {
            await scheduler
              .cancelTask(REFRESH_TASK_ID)
              .catch(error =>
                logger.warn(`Could not hand back the fleet refresh: ${error}`),
              );
          }
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
        // Approved retention changes are applied by a scaffolder task (the pull
        // request), started once per request by the launcher's claim: right after the
        // approval, or by the poller when that did not happen (a replica died, the task
        // id could not be stored). The poller also records each task's outcome, once.
        const retentionStore = new RetentionRequestStore(db);
        const retentionPollInterval = readDuration(
          config,
          'observability.retention.applyPollInterval',
          { seconds: 10 },
        );
        const retentionLauncher = new RetentionApplyLauncher({
          store: retentionStore,
          applier: ScaffolderApplier.fromConfig(config, {
            discovery: deps.discovery,
            auth: deps.auth,
          }),
          logger,
          claimTimeoutMs: durationToMilliseconds(
            readDuration(config, 'observability.retention.applyClaimTimeout', {
              seconds: 60,
            }),
          ),
        });
        const retentionPoller = new RetentionTaskPoller({
          store: retentionStore,
          discovery: deps.discovery,
          auth: deps.auth,
          logger,
          launcher: retentionLauncher,
        });
        await scheduler.scheduleTask({
          id: 'observability-retention-apply-poll',
          frequency: retentionPollInterval,
          // A replica that dies mid-round holds the round until this expires; rounds
          // are idempotent (compare-and-set), so an overlap is harmless.
          timeout: {
            milliseconds: Math.max(
              durationToMilliseconds(retentionPollInterval) * 6,
              5_000,
            ),
          },
          initialDelay: retentionPollInterval,
          fn: async () => {
            await retentionPoller.pollOnce();
          },
        });
        const bounds = readRetentionBounds(config);
        const values = createGitopsValuesSource(deps);
        const checkOptions = readCheckOptions(config);
        deps.permissionsRegistry.addPermissions(observabilityPermissions);
        deps.httpRouter.use(await createRouter({ httpAuth, fleet, history }));
        deps.httpRouter.use(
          await createEntitySignalsRouter({
            httpAuth,
            auth: deps.auth,
            catalog: deps.catalog,
            config,
            cache,
            clients,
            logger,
            kubernetes: new KubernetesClusterSource({
              discovery: deps.discovery,
              auth: deps.auth,
            }),
          }),
        );
        deps.httpRouter.use(
          createRetentionRouter({
            httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            store: retentionStore,
            launcher: retentionLauncher,
            logger,
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
