import { createApiRef } from '@backstage/core-plugin-api';
import {
  ClusterHealth,
  FleetHealth,
} from '@fleetobs/plugin-observability-common';

/**
 * Client of the observability backend (`/api/observability`).
 *
 * @public
 */
export interface ObservabilityApi {
  getFleet(): Promise<FleetHealth>;
  getCluster(
    name: string,
  ): Promise<{ generatedAt: string; cluster: ClusterHealth }>;
}

/** @public */
export const observabilityApiRef = createApiRef<ObservabilityApi>({
  id: 'plugin.observability.service',
});
