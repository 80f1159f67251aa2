import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CLUSTER_RESOURCE_TYPE } from '@fleetobs/plugin-observability-common';
import {
  FleetCluster,
  clusterFromEntity,
  mergeClusters,
  readConfiguredClusters,
} from './clusters';

/** Knows the clusters of the fleet: config merged with catalog Resources. */
export interface ClusterRegistry {
  list(): Promise<FleetCluster[]>;
}

export function createClusterRegistry(options: {
  config: RootConfigService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): ClusterRegistry {
  const configured = readConfiguredClusters(options.config);
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
