import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { observabilityPermissions } from '@fleetobs/plugin-observability-common';
import { readObservabilityConfig } from './config';
import {
  AlertsService,
  fleetAlertsRequest,
  createAlertsRouter,
} from './alerts';
import { answerOf } from './checks/runFleetChecks';
import { createFleetChecker } from './fleet/fleetChecker';
import { FleetHealthService } from './fleet/FleetHealthService';
import { HealthHistoryStore } from './fleet/HealthHistoryStore';
import { createRouter } from './fleet/router';
import { KubernetesClusterSource } from './kubernetes';
import { createClusterRegistry } from './lib/ClusterRegistry';
import { migratedDatabase } from './lib/migrations';
import { RetentionApplyLauncher } from './retention/ApplyLauncher';
import { retentionBoundsLookup } from './retention/bounds';
import { createEntityGitopsRouter, createGitopsRouter } from './gitops';
import { createGitopsValuesSource } from './retention/GitopsValuesSource';
import { RetentionPlanner } from './retention/planner';
import { RetentionRequestStore } from './retention/RetentionRequestStore';
import { createRetentionRouter } from './retention/router';
import {
  RetentionTaskPoller,
  ScaffolderApplier,
} from './retention/ScaffolderApplier';
import { createEntitySignalsRouter } from './signals';
import { createUpstreamClients } from './upstream';

const REFRESH_TASK_ID = 'observability-fleet-refresh';

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
        const { logger, cache, scheduler, httpAuth, auth, discovery } = deps;
        const { refresh, retention, checks, alerts, ...options } =
          readObservabilityConfig(deps.config);

        const clients = createUpstreamClients(options.upstreams, {
          timeoutMs: refresh.timeoutMs,
        });
        const db = await migratedDatabase(deps.database);
        const history = new HealthHistoryStore(db, {
          retentionMs: refresh.historyRetentionMs,
          logger,
        });
        const registry = createClusterRegistry({
          configured: options.clusters,
          catalog: deps.catalog,
          auth,
          logger,
        });
        const alertsService = new AlertsService({
          pool: clients.alertmanagers,
          clusterLabel: checks.labels.cluster,
          ui: checks.ui,
          silenceMaxMs: alerts.silenceMaxMs,
          heartbeatAlertName: checks.watchdogAlertName,
        });
        const fleet = new FleetHealthService({
          registry,
          checker: createFleetChecker(clients, checks),
          cache,
          logger,
          // Outlives one missed refresh, so replicas keep answering from the cache.
          ttlMs: refresh.frequencyMs * 2,
          history,
          alertCounts: (run, clusterNames) =>
            alertsService.countsOf(
              answerOf(run, fleetAlertsRequest),
              clusterNames,
            ),
        });

        // The scheduler runs each task once per interval across all replicas that
        // share the database: one round of upstream requests per interval.
        await scheduler.scheduleTask({
          id: REFRESH_TASK_ID,
          frequency: refresh.frequency,
          // A replica that dies mid-round holds the task until this expires: keep it short.
          timeout: { milliseconds: refresh.timeoutMs * 3 },
          initialDelay: refresh.initialDelay,
          fn: () => fleet.runScheduledRound(),
        });
        // Plugin shutdown runs before the database closes: hand an unfinished round back
        // so that another replica runs the next interval.
        deps.lifecycle.addShutdownHook(async () => {
          if (fleet.scheduledRoundRunning) {
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
            await history.pruneExpired();
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
        const retentionLauncher = new RetentionApplyLauncher({
          store: retentionStore,
          applier: new ScaffolderApplier({
            discovery,
            auth,
            templateRef: retention.applyTemplate,
          }),
          logger,
          claimTimeoutMs: retention.applyClaimTimeoutMs,
        });
        const retentionPoller = new RetentionTaskPoller({
          store: retentionStore,
          discovery,
          auth,
          logger,
          launcher: retentionLauncher,
        });
        await scheduler.scheduleTask({
          id: 'observability-retention-apply-poll',
          frequency: retention.applyPollInterval,
          // A replica that dies mid-round holds the round until this expires; rounds
          // are idempotent (compare-and-set), so an overlap is harmless.
          timeout: {
            milliseconds: Math.max(retention.applyPollIntervalMs * 6, 5_000),
          },
          initialDelay: retention.applyPollInterval,
          fn: async () => {
            await retentionPoller.pollOnce();
          },
        });

        const bounds = retentionBoundsLookup(retention.bounds);
        const values = createGitopsValuesSource({
          gitops: options.gitops,
          urlReader: deps.urlReader,
          integrations: ScmIntegrations.fromConfig(deps.config),
          logger,
        });
        // `revision-drift` reads the values files' target revisions; the fleet checker
        // holds this same clients object.
        clients.gitopsValues = values;
        deps.permissionsRegistry.addPermissions(observabilityPermissions);
        deps.httpRouter.use(
          await createRouter({ httpAuth, fleet, history, gitops: values }),
        );
        deps.httpRouter.use(
          createGitopsRouter({
            httpAuth,
            registry,
            argocd: clients.argocd,
            promotionSoakMs: options.gitops.promotionSoakMs,
          }),
        );
        deps.httpRouter.use(
          createEntityGitopsRouter({
            httpAuth,
            catalog: deps.catalog,
            registry,
            argocd: clients.argocd,
            cache,
            logger,
            cacheTtlMs: options.signals.cacheTtlMs,
            kubernetesCall: options.kubernetes,
            kubernetes: new KubernetesClusterSource({ discovery, auth }),
          }),
        );
        deps.httpRouter.use(
          await createEntitySignalsRouter({
            httpAuth,
            auth,
            catalog: deps.catalog,
            signals: options.signals,
            kubernetesCall: options.kubernetes,
            cache,
            clients,
            logger,
            kubernetes: new KubernetesClusterSource({ discovery, auth }),
          }),
        );
        deps.httpRouter.use(
          createAlertsRouter({
            httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            catalog: deps.catalog,
            registry,
            signals: options.signals,
            alerts: alertsService,
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
              pricing: retention.pricing,
              thanos: clients.thanos,
              elasticsearch: clients.elasticsearch,
              clusterLabel: checks.labels.cluster,
              spanIndexPattern: checks.elasticsearch.spanIndexPattern,
              spanClusterField: checks.elasticsearch.spanClusterField,
              clusterCount: async () => (await registry.list()).length,
            }),
          }),
        );
      },
    });
  },
});
