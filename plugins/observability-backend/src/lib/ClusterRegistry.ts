import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CLUSTER_RESOURCE_TYPE } from '@fleetobs/plugin-observability-common';
import { FleetCluster, clusterFromEntity, mergeClusters } from './clusters';

/** Knows the clusters of the fleet: config merged with catalog Resources. */
export interface ClusterRegistry {
  list(): Promise<FleetCluster[]>;
}

export function createClusterRegistry(options: {
  /** The clusters of config (`observability.clusters`). */
  configured: FleetCluster[];
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): ClusterRegistry {
  const { configured } = options;
  return {
    async list() {
      let fromCatalog: FleetCluster[] = [];
      try {
        const { items } = await options.catalog.getEntities(
          {
            filter: { kind: 'Resource', 'spec.type': CLUSTER_RESOURCE_TYPE },
            fields: [
              'kind',
              'metadata.name',
              'metadata.namespace',
              'metadata.labels',
              'spec',
            ],
          },
          { credentials: await options.auth.getOwnServiceCredentials() },
        );
        fromCatalog = items.flatMap(e => clusterFromEntity(e) ?? []);
      } catch (error) {
        // The configured clusters are still worth reporting when the catalog is down.
        options.logger.warn(
          `Could not read cluster Resources from the catalog: ${error}`,
        );
      }
      return mergeClusters(configured, fromCatalog);
    },
  };
}
