import {
  CLUSTER_ENVIRONMENT_LABEL,
  CLUSTER_RESOURCE_TYPE,
  ClusterSource,
} from '@fleetobs/plugin-observability-common';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';

/** A cluster of the fleet, known from config and/or the catalog. */
export interface FleetCluster {
  name: string;
  environment: string;
  entityRef?: string;
  sources: ClusterSource[];
}

// Cluster names reach PromQL label matchers and ES term queries: keep them to the
// DNS-label alphabet so that nothing in them needs escaping to be safe.
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isValidClusterName(name: string): boolean {
  return CLUSTER_NAME.test(name);
}

/** The cluster a catalog Resource entity of `spec.type: kubernetes-cluster` stands for. */
export function clusterFromEntity(entity: Entity): FleetCluster | undefined {
  const name = entity.metadata.name;
  if (
    entity.spec?.type !== CLUSTER_RESOURCE_TYPE ||
    !isValidClusterName(name)
  ) {
    return undefined;
  }
  const environment =
    entity.metadata.labels?.[CLUSTER_ENVIRONMENT_LABEL] ??
    (typeof entity.spec?.environment === 'string'
      ? entity.spec.environment
      : undefined);
  return {
    name,
    environment: environment ?? 'unknown',
    entityRef: stringifyEntityRef(entity),
    sources: ['catalog'],
  };
}

/**
 * Merges clusters from config and catalog by name. Config wins for the environment
 * (it is what the operator wrote down); the catalog adds the entity ref.
 */
export function mergeClusters(
  configured: FleetCluster[],
  fromCatalog: FleetCluster[],
): FleetCluster[] {
  const byName = new Map<string, FleetCluster>();
  for (const cluster of configured) {
    byName.set(cluster.name, { ...cluster });
  }
  for (const cluster of fromCatalog) {
    const known = byName.get(cluster.name);
    if (!known) {
      byName.set(cluster.name, { ...cluster });
      continue;
    }
    known.entityRef = cluster.entityRef;
    known.sources = [...known.sources, 'catalog'];
    if (known.environment === 'unknown') {
      known.environment = cluster.environment;
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
