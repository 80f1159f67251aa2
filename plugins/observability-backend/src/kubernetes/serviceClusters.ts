import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ANNOTATION_CLUSTERS } from '@fleetobs/plugin-observability-common';
import {
  hasKubernetesAnnotation,
  KubernetesClusterSource,
} from './KubernetesClusterSource';

/**
 * Where the clusters of a service came from:
 * - `kubernetes`: the Kubernetes plugin found its pods/workloads there;
 * - `annotation`: `observability.fleetobs.io/clusters`;
 * - `all`: neither; every cluster that has data for the service.
 */
export type ServiceClustersSource = 'kubernetes' | 'annotation' | 'all';

export interface ServiceClusters {
  source: ServiceClustersSource;
  /** Absent for `all`. */
  clusters?: string[];
  /** Why the Kubernetes plugin was not used, or what it could not read. */
  notes: string[];
}

function annotatedClusters(entity: Entity): string[] | undefined {
  const list = entity.metadata.annotations?.[ANNOTATION_CLUSTERS]?.split(',')
    .map(s => s.trim())
    .filter(Boolean);
  return list && list.length > 0 ? list : undefined;
}

/**
 * The clusters where a service runs: from the Kubernetes plugin when the entity has
 * `backstage.io/kubernetes-id` (or `backstage.io/kubernetes-label-selector`) and the
 * Kubernetes backend finds its workloads, else `observability.fleetobs.io/clusters`,
 * else all clusters with data. Never throws for the Kubernetes backend's sake: a
 * failure there is a note and a fallback.
 */
export async function resolveServiceClusters(
  entity: Entity,
  options: {
    kubernetes?: KubernetesClusterSource;
    credentials: BackstageCredentials;
    logger?: LoggerService;
    /** Timeout of the Kubernetes backend call (`observability.kubernetes.timeout`). */
    timeoutMs?: number;
    /** Cap of its answer (`observability.kubernetes.maxResponseBytes`). */
    maxResponseBytes?: number;
  },
): Promise<ServiceClusters> {
  const notes: string[] = [];
  if (options.kubernetes && hasKubernetesAnnotation(entity)) {
    try {
      const found = await options.kubernetes.getClusters(entity, {
        credentials: options.credentials,
        timeoutMs: options.timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
      });
      for (const { cluster, message, detail } of found.clusterErrors) {
        // Users get the short reason; what the Kubernetes API said goes to the log.
        notes.push(
          `Kubernetes plugin could not fully read ${cluster}: ${message}`,
        );
        if (detail) {
          options.logger?.warn(
            `Kubernetes plugin could not fully read ${cluster} for ${stringifyEntityRef(
              entity,
            )}: ${message}: ${detail}`,
          );
        }
      }
      if (found.clusters.length > 0) {
        return { source: 'kubernetes', clusters: found.clusters, notes };
      }
      notes.push('Kubernetes plugin found no workloads of this service');
    } catch (error) {
      const message = (error as Error).message;
      const detail = (error as { detail?: unknown }).detail;
      options.logger?.warn(
        `Falling back from the Kubernetes plugin for ${stringifyEntityRef(
          entity,
        )}: ${message}${
          typeof detail === 'string' ? `; it said: ${detail}` : ''
        }`,
      );
      notes.push(message);
    }
  } else if (options.kubernetes) {
    notes.push('Entity has no backstage.io/kubernetes-id annotation');
  }
  const annotated = annotatedClusters(entity);
  if (annotated) return { source: 'annotation', clusters: annotated, notes };
  return { source: 'all', notes };
}
