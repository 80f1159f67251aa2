import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { ObservabilityApi } from './ObservabilityApi';

/** @public */
export class ObservabilityClient implements ObservabilityApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getFleet() {
    return this.get('/v1/fleet');
  }

  getCluster(name: string) {
    return this.get(`/v1/clusters/${encodeURIComponent(name)}`);
  }

  getClusterHistory(name: string, options?: { limit?: number }) {
    const query = options?.limit ? `?limit=${options.limit}` : '';
    return this.get(`/v1/clusters/${encodeURIComponent(name)}/history${query}`);
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
