import { createApiRef } from '@backstage/core-plugin-api';
import {
  ClusterDetail,
  EntitySignals,
  EntityTrace,
  FleetHealth,
  FleetHealthSummary,
  HealthTransition,
} from '@fleetobs/plugin-observability-common';

/**
 * Kind, namespace and name of a catalog entity.
 *
 * @public
 */
export interface EntityRefParts {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * The range and clusters of an entity signals request.
 *
 * @public
 */
export interface EntitySignalsOptions {
  from: Date;
  to: Date;
  /** Narrow to some of the service's clusters. */
  clusters?: string[];
}

/**
 * Client of the observability backend (`/api/observability`).
 *
 * @public
 */
export interface ObservabilityApi {
  /** Every cluster with every check in full (`GET /v1/fleet`). */
  getFleet(): Promise<FleetHealth>;
  /**
   * Every cluster with its statuses and summaries (`GET /v1/fleet?view=summary`):
   * checks that are `ok` come without evidence, failure mode, mitigation and links;
   * {@link ObservabilityApi.getCluster} has them in full.
   */
  getFleetSummary(): Promise<FleetHealthSummary>;
  /** One cluster with every check in full and its onboarding checklist. */
  getCluster(name: string): Promise<ClusterDetail>;
  getClusterHistory(
    name: string,
    options?: { limit?: number },
  ): Promise<{ cluster: string; transitions: HealthTransition[] }>;
  /** RED metrics, error logs and recent traces of an entity's service. */
  getEntitySignals(
    entity: EntityRefParts,
    options: EntitySignalsOptions,
  ): Promise<EntitySignals>;
  /** One trace of an entity's service, with its spans and its log lines. */
  getEntityTrace(entity: EntityRefParts, traceId: string): Promise<EntityTrace>;
}

/** @public */
export const observabilityApiRef = createApiRef<ObservabilityApi>({
  id: 'plugin.observability.service',
});
