import { createApiRef } from '@backstage/core-plugin-api';
import {
  ClusterDetail,
  FleetHealth,
  HealthTransition,
} from '@fleetobs/plugin-observability-common';

/**
 * Client of the observability backend (`/api/observability`).
 *
 * @public
 */
export interface ObservabilityApi {
  getFleet(): Promise<FleetHealth>;
  getCluster(name: string): Promise<ClusterDetail>;
  getClusterHistory(
    name: string,
    options?: { limit?: number },
  ): Promise<{ cluster: string; transitions: HealthTransition[] }>;
}

/** @public */
export const observabilityApiRef = createApiRef<ObservabilityApi>({
  id: 'plugin.observability.service',
});
