import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterDetail,
  EntitySignals,
  EntityTrace,
  FleetHealth,
  FleetHealthSummary,
} from '@fleetobs/plugin-observability-common';
import {
  EntityRefParts,
  EntitySignalsOptions,
  ObservabilityApi,
} from './ObservabilityApi';

const entityPath = (entity: EntityRefParts) =>
  `/v1/entity/${[entity.kind, entity.namespace, entity.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/')}`;

/** @public */
export class ObservabilityClient implements ObservabilityApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getFleet(): Promise<FleetHealth> {
    return this.get('/v1/fleet');
  }

  getFleetSummary(): Promise<FleetHealthSummary> {
    return this.get('/v1/fleet?view=summary');
  }

  getCluster(name: string): Promise<ClusterDetail> {
    return this.get(`/v1/clusters/${encodeURIComponent(name)}`);
  }

  getClusterHistory(name: string, options?: { limit?: number }) {
    const query = options?.limit ? `?limit=${options.limit}` : '';
    return this.get(`/v1/clusters/${encodeURIComponent(name)}/history${query}`);
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
    return this.get(`${entityPath(entity)}/signals?${query}`);
  }

  getEntityTrace(
    entity: EntityRefParts,
    traceId: string,
  ): Promise<EntityTrace> {
    return this.get(
      `${entityPath(entity)}/traces/${encodeURIComponent(traceId)}`,
    );
  }

  private async get(path: string) {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('observability');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
