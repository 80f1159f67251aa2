import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterRetention,
  RetentionRequest,
  RetentionRequestState,
  RetentionSettings,
  RetentionSignal,
} from '@fleetobs/plugin-observability-common';

export type {
  ClusterRetention,
  SignalRetention,
} from '@fleetobs/plugin-observability-common';

/** Client of the retention routes of the observability backend. @public */
export interface RetentionApi {
  getEffectiveRetention(): Promise<{ clusters: ClusterRetention[] }>;
  listRequests(filter?: {
    state?: RetentionRequestState;
    cluster?: string;
  }): Promise<{ items: RetentionRequest[] }>;
  createRequest(input: {
    cluster: string;
    signal: RetentionSignal;
    requested: RetentionSettings;
    justification: string;
  }): Promise<RetentionRequest>;
  decide(
    id: string,
    decision: 'approve' | 'reject' | 'cancel',
    comment?: string,
  ): Promise<RetentionRequest>;
}

/** @public */
export const retentionApiRef = createApiRef<RetentionApi>({
  id: 'plugin.observability.retention',
});

/** @public */
export class RetentionClient implements RetentionApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getEffectiveRetention() {
    return this.request('GET', '/v1/retention');
  }

  listRequests(filter: { state?: string; cluster?: string } = {}) {
    const query = new URLSearchParams(
      Object.entries(filter).filter(([, v]) => !!v) as [string, string][],
    ).toString();
    return this.request(
      'GET',
      `/v1/retention-requests${query ? `?${query}` : ''}`,
    );
  }

  createRequest(input: object) {
    return this.request('POST', '/v1/retention-requests', input);
  }

  decide(id: string, decision: string, comment?: string) {
    return this.request(
      'POST',
      `/v1/retention-requests/${encodeURIComponent(id)}/${decision}`,
      comment ? { comment } : {},
    );
  }

  private async request(method: string, path: string, body?: object) {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('observability');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}
