import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
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
  SilenceCreated,
  SilenceRequest,
} from '@fleetobs/plugin-observability-common';
import {
  EntityRefParts,
  EntitySignalsOptions,
  ObservabilityApi,
  RetentionDecision,
  RetentionPlanInput,
} from './ObservabilityApi';
import { ObservabilityApiError } from './ObservabilityApiError';

const entityPath = (entity: EntityRefParts) =>
  `/v1/entity/${[entity.kind, entity.namespace, entity.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/')}`;

const withQuery = (path: string, query: URLSearchParams) => {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
};

/**
 * {@link ObservabilityApi} over HTTP: the back end found through the discovery API,
 * called through the fetch API (which adds the user's token).
 *
 * @public
 */
export class ObservabilityClient implements ObservabilityApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getFleet(): Promise<FleetHealth> {
    return this.request('GET', '/v1/fleet');
  }

  getFleetSummary(): Promise<FleetHealthSummary> {
    return this.request('GET', '/v1/fleet?view=summary');
  }

  getFleetPage(
    query: FleetPageQuery = {},
    options?: { signal?: AbortSignal },
  ): Promise<FleetSummaryPage> {
    const params = new URLSearchParams({ view: 'summary' });
    for (const [key, value] of Object.entries(query)) {
      // Empty filters are no filters (the server rejects an empty environment).
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    return this.request('GET', withQuery('/v1/fleet', params), {
      signal: options?.signal,
    });
  }

  getCluster(name: string): Promise<ClusterDetail> {
    return this.request('GET', `/v1/clusters/${encodeURIComponent(name)}`);
  }

  getClusterHistory(
    name: string,
    options?: { limit?: number },
  ): Promise<{ cluster: string; transitions: HealthTransition[] }> {
    const query = new URLSearchParams();
    if (options?.limit) {
      query.set('limit', String(options.limit));
    }
    return this.request(
      'GET',
      withQuery(`/v1/clusters/${encodeURIComponent(name)}/history`, query),
    );
  }

  getEntitySignals(
    entity: EntityRefParts,
    options: EntitySignalsOptions,
  ): Promise<EntitySignals> {
    const query = new URLSearchParams({
      from: options.from.toISOString(),
      to: options.to.toISOString(),
    });
    if (options.clusters && options.clusters.length > 0) {
      query.set('clusters', options.clusters.join(','));
    }
    return this.request(
      'GET',
      withQuery(`${entityPath(entity)}/signals`, query),
    );
  }

  getEntityTrace(
    entity: EntityRefParts,
    traceId: string,
  ): Promise<EntityTrace> {
    return this.request(
      'GET',
      `${entityPath(entity)}/traces/${encodeURIComponent(traceId)}`,
    );
  }

  getEntityGitops(entity: EntityRefParts): Promise<EntityGitopsResponse> {
    return this.request('GET', `${entityPath(entity)}/gitops`);
  }

  getEffectiveRetention(): Promise<{ clusters: ClusterRetention[] }> {
    return this.request('GET', '/v1/retention');
  }

  planRetention(
    input: RetentionPlanInput,
    options?: { signal?: AbortSignal },
  ): Promise<RetentionPlan> {
    return this.request('POST', '/v1/retention/plan', {
      body: input,
      signal: options?.signal,
    });
  }

  listRequests(
    filter: { state?: RetentionRequestState; cluster?: string } = {},
  ): Promise<{ items: RetentionRequest[] }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) {
      if (value) {
        query.set(key, value);
      }
    }
    return this.request('GET', withQuery('/v1/retention-requests', query));
  }

  createRequest(
    input: RetentionPlanInput & { justification: string },
  ): Promise<RetentionRequest> {
    return this.request('POST', '/v1/retention-requests', { body: input });
  }

  decide(
    id: string,
    decision: RetentionDecision,
    comment?: string,
  ): Promise<RetentionRequest> {
    return this.request(
      'POST',
      `/v1/retention-requests/${encodeURIComponent(id)}/${decision}`,
      { body: comment ? { comment } : {} },
    );
  }

  getAlerts(
    query: { cluster?: string; entityRef?: string } = {},
  ): Promise<AlertsAnswer> {
    const params = new URLSearchParams();
    if (query.cluster) params.set('cluster', query.cluster);
    if (query.entityRef) params.set('entity', query.entityRef);
    return this.request('GET', withQuery('/v1/alerts', params));
  }

  createSilence(request: SilenceRequest): Promise<SilenceCreated> {
    return this.request('POST', '/v1/silences', { body: request });
  }

  async expireSilence(input: {
    cluster: string;
    silenceId: string;
    entityRef?: string;
  }): Promise<void> {
    const params = new URLSearchParams({ cluster: input.cluster });
    if (input.entityRef) params.set('entity', input.entityRef);
    await this.request(
      'DELETE',
      withQuery(`/v1/silences/${encodeURIComponent(input.silenceId)}`, params),
    );
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { body?: object; signal?: AbortSignal } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('observability');
    const { body, signal } = options;
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
      signal,
    });
    if (!response.ok) {
      throw await ObservabilityApiError.fromResponse(response);
    }
    // 204 No Content (DELETE) has no body to parse.
    if (response.status === 204) return undefined as T;
    return response.json();
  }
}
