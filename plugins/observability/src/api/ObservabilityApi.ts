import { createApiRef } from '@backstage/core-plugin-api';
import {
  AlertsAnswer,
  ClusterDetail,
  ClusterRetention,
  EntityGitopsResponse,
  EntitySignals,
  EntityTrace,
  FleetHealth,
  FleetHealthSummary,
  FleetPageQuery,
  FleetSummaryPage,
  HealthTransition,
  RetentionPlan,
  RetentionRequest,
  RetentionRequestState,
  RetentionSettings,
  RetentionSignal,
  SilenceCreated,
  SilenceRequest,
} from '@fleetobs/plugin-observability-common';

export type {
  ClusterRetention,
  SignalRetention,
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
 * A retention change as the plan and request routes take it.
 *
 * @public
 */
export interface RetentionPlanInput {
  cluster: string;
  signal: RetentionSignal;
  requested: RetentionSettings;
}

/**
 * A decision on a retention change request.
 *
 * @public
 */
export type RetentionDecision = 'approve' | 'reject' | 'cancel';

/**
 * Client of the observability back end (`/api/observability`): every route the front
 * end uses. A failed call rejects with an {@link ObservabilityApiError}.
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
  /**
   * One page of the fleet summary, filtered and sorted on the server
   * (`GET /v1/fleet?view=summary&status=&environment=&q=&sort=&order=&limit=&cursor=`),
   * with the counts by status and the environments of the whole fleet.
   */
  getFleetPage(
    query?: FleetPageQuery,
    options?: { signal?: AbortSignal },
  ): Promise<FleetSummaryPage>;
  /** One cluster with every check in full and its onboarding checklist (`GET /v1/clusters/:name`). */
  getCluster(name: string): Promise<ClusterDetail>;
  /** Status changes of one cluster (`GET /v1/clusters/:name/history`). */
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
  /**
   * The Argo CD applications of an entity per cluster and Argo CD instance
   * (`GET /v1/entity/:kind/:namespace/:name/gitops`).
   */
  getEntityGitops(entity: EntityRefParts): Promise<EntityGitopsResponse>;
  /** The retention of every cluster and signal today (`GET /v1/retention`). */
  getEffectiveRetention(): Promise<{ clusters: ClusterRetention[] }>;
  /**
   * Validation, diff against today and cost of a change, with no side effects
   * (`POST /v1/retention/plan`).
   */
  planRetention(
    input: RetentionPlanInput,
    options?: { signal?: AbortSignal },
  ): Promise<RetentionPlan>;
  /** Retention change requests with their audit trail (`GET /v1/retention-requests`). */
  listRequests(filter?: {
    state?: RetentionRequestState;
    cluster?: string;
  }): Promise<{ items: RetentionRequest[] }>;
  /** Files a retention change request (`POST /v1/retention-requests`). */
  createRequest(
    input: RetentionPlanInput & { justification: string },
  ): Promise<RetentionRequest>;
  /** Approves, rejects or cancels a request (`POST /v1/retention-requests/:id/:decision`). */
  decide(
    id: string,
    decision: RetentionDecision,
    comment?: string,
  ): Promise<RetentionRequest>;
  /**
   * Firing alerts of a cluster, of an entity (its alert selector, in the answer) or of
   * the fleet (`GET /v1/alerts?cluster=&entity=`).
   */
  getAlerts(query?: {
    cluster?: string;
    entityRef?: string;
  }): Promise<AlertsAnswer>;
  /** Silences one alert's labels in its cluster's Alertmanager (`POST /v1/silences`). */
  createSilence(request: SilenceRequest): Promise<SilenceCreated>;
  /** Expires a silence (`DELETE /v1/silences/:id?cluster=&entity=`). */
  expireSilence(input: {
    cluster: string;
    silenceId: string;
    entityRef?: string;
  }): Promise<void>;
}

/**
 * The observability back end's client.
 *
 * @public
 */
export const observabilityApiRef = createApiRef<ObservabilityApi>({
  id: 'plugin.observability.service',
});
