import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  ANNOTATION_ARGOCD_APP_NAME,
  ANNOTATION_ARGOCD_APP_SELECTOR,
  ANNOTATION_ARGOCD_INSTANCE_NAME,
  EntityGitopsInstance,
  EntityGitopsResponse,
} from '@fleetobs/plugin-observability-common';
import { createHash } from 'crypto';
import type { ClusterRegistry } from '../lib/ClusterRegistry';
import type { ServiceClusters } from '../kubernetes';
import type { ArgoCdClient } from '../upstream/ArgoCdClient';
import { describeError } from '../upstream/UpstreamError';
import {
  applicationsByCluster,
  clusterOf,
  toClusterApplications,
} from './applications';
import {
  matchesRule,
  requestSelector,
  resolveGitopsTarget,
} from './entityRule';

/** What `argocd/instance-name` names an Argo CD by: the host of its API URL. */
export function instanceName(apiUrl: string): string {
  return new URL(apiUrl).host.toLowerCase();
}

/**
 * The Argo CD applications of one entity, per cluster and Argo CD instance: one
 * request per instance, answers cached for `cacheTtlMs` per entity and target, and
 * concurrent requests for the same answer share one round (as the signals do).
 */
export class EntityGitopsService {
  private readonly inFlight = new Map<string, Promise<EntityGitopsResponse>>();

  constructor(
    private readonly options: {
      argocd?: ArgoCdClient;
      registry: ClusterRegistry;
      cache: CacheService;
      logger: LoggerService;
      cacheTtlMs: number;
      now?: () => number;
    },
  ) {}

  async getApplications(
    entity: Entity,
    runsIn: ServiceClusters,
  ): Promise<EntityGitopsResponse> {
    const { argocd, registry, cache, logger } = this.options;
    if (!argocd) {
      throw new ServiceUnavailableError(
        'Argo CD is not configured (observability.argocd)',
      );
    }
    const target = resolveGitopsTarget(entity);
    const { rule } = target;
    const fleet = await registry.list();

    // The default rule looks in the service's clusters; the annotations name the
    // applications, so every cluster of the fleet is asked (Argo CD narrows).
    const serviceClusters =
      rule.source === 'default' && runsIn.clusters
        ? new Set(runsIn.clusters)
        : undefined;
    const instanceOfCluster = new Map<string, string>();
    for (const c of fleet) {
      const instance = argocd.instanceOf(c.name);
      if (instance)
        instanceOfCluster.set(c.name, instanceName(instance.apiUrl));
    }
    if (target.instances) {
      const configured = new Set(instanceOfCluster.values());
      const unknown = target.instances.filter(i => !configured.has(i));
      if (unknown.length > 0) {
        throw new InputError(
          `The entity's annotation ${ANNOTATION_ARGOCD_INSTANCE_NAME} names ${unknown
            .map(i => `"${i}"`)
            .join(
              ', ',
            )}, not a configured Argo CD (observability.argocd): use ${
            [...configured].sort().join(', ') || 'none is configured'
          }`,
        );
      }
    }
    const clusters = fleet.filter(c => {
      if (serviceClusters && !serviceClusters.has(c.name)) return false;
      const instance = instanceOfCluster.get(c.name);
      return (
        !target.instances || (instance && target.instances.includes(instance))
      );
    });

    const entityRef = stringifyEntityRef(entity);
    const names = clusters.map(c => c.name);
    const key = `entity-gitops:v1:${createHash('sha256')
      .update(JSON.stringify([entityRef, rule, names, target.instances]))
      .digest('hex')}`;
    const early = this.inFlight.get(key);
    if (early) return early;
    const cached = await cache.get(key).catch(() => undefined);
    if (cached) return cached as unknown as EntityGitopsResponse;
    const running = this.inFlight.get(key);
    if (running) return running;

    const work = (async () => {
      const answers = await argocd.applications(names, {
        selector: requestSelector(argocd.selector, rule),
      });
      const instances: EntityGitopsInstance[] = answers.map(a => ({
        name: instanceName(a.apiUrl),
        uiUrl: a.uiUrl,
        clusters: a.clusters,
        ...(a.answer.ok ? {} : { error: a.answer.error }),
      }));
      for (const i of instances) {
        if (i.error) {
          logger.warn(`Argo CD ${i.name} for ${entityRef}: ${i.error}`);
        }
      }
      const own = answers.map(a => {
        if (!a.answer.ok) return a;
        const served = new Set(a.clusters);
        return {
          ...a,
          answer: {
            ok: true as const,
            value: a.answer.value.filter(app =>
              matchesRule(
                rule,
                app,
                clusterOf(app, argocd.clusterLabel, served),
              ),
            ),
          },
        };
      });
      const byCluster = applicationsByCluster(own, names, argocd.clusterLabel);
      const perCluster = toClusterApplications(byCluster, clusters)
        .map(c => ({
          ...c,
          ...(instanceOfCluster.has(c.cluster)
            ? { instance: instanceOfCluster.get(c.cluster) }
            : {}),
        }))
        // With annotations, only the clusters the applications are in: the others
        // would be a list of every cluster of the fleet.
        .filter(c => rule.source === 'default' || c.applications.length > 0)
        .sort((a, b) => a.cluster.localeCompare(b.cluster));
      const answer: EntityGitopsResponse = {
        entityRef,
        generatedAt: new Date(this.options.now?.() ?? Date.now()).toISOString(),
        rule,
        clustersSource: serviceClusters
          ? (runsIn.source as 'kubernetes' | 'annotation')
          : 'all',
        instances,
        clusters: perCluster,
        missingAnnotations:
          rule.source === 'default'
            ? [ANNOTATION_ARGOCD_APP_NAME, ANNOTATION_ARGOCD_APP_SELECTOR]
            : [],
        ...(rule.source === 'default' && runsIn.notes.length
          ? { notes: runsIn.notes }
          : {}),
      };
      await cache
        .set(key, answer as any, { ttl: this.options.cacheTtlMs })
        .catch(error =>
          logger.warn(
            `Could not cache Argo CD applications: ${describeError(error)}`,
          ),
        );
      return answer;
    })();
    this.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(key);
    }
  }
}
