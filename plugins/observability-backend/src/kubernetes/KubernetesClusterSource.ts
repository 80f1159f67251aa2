import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ANNOTATION_KUBERNETES_ID } from '@fleetobs/plugin-observability-common';

/** The Kubernetes plugin's label-selector annotation (an alternative to the id). */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';

/** Object types that mean "the service runs here" (not config maps, services, …). */
export const WORKLOAD_TYPES = [
  'pods',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
] as const;

/** What the Kubernetes backend said about one entity. */
export interface KubernetesClusters {
  /** Clusters with pods or workloads of the entity, sorted by name. */
  clusters: string[];
  /** Clusters the Kubernetes backend could not read completely (the entity may run there too). */
  clusterErrors: Array<{ cluster: string; message: string }>;
}

/** The part of the Kubernetes backend's `ObjectsByEntityResponse` read here. */
interface ObjectsByEntityResponse {
  items?: Array<{
    cluster?: { name?: string };
    resources?: Array<{ type?: string; resources?: unknown[] }>;
    errors?: Array<{
      errorType?: string;
      statusCode?: number;
      resourcePath?: string;
      message?: string;
    }>;
  }>;
}

/** The Kubernetes backend could not be asked (not installed, failing, slow, or no answer). */
export class KubernetesSourceError extends Error {
  readonly name = 'KubernetesSourceError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** Whether the Kubernetes plugin can find objects for the entity. */
export function hasKubernetesAnnotation(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[ANNOTATION_KUBERNETES_ID]?.trim() ||
      annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR]?.trim(),
  );
}

/**
 * Asks the Kubernetes backend (`@backstage/plugin-kubernetes-backend`, plugin id
 * `kubernetes`) which clusters an entity runs in: `POST /resources/workloads/query`
 * with the entity ref, on behalf of the caller, and keeps the clusters whose answer
 * holds pods or workloads. The Kubernetes backend reads the entity from the catalog
 * itself, finds the clusters with its cluster locators (the catalog's
 * `kubernetes-cluster` Resources) and selects by `backstage.io/kubernetes-id`.
 */
export class KubernetesClusterSource {
  private readonly discovery: DiscoveryService;
  private readonly auth: AuthService;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    /** Default 10 s. */
    timeoutMs?: number;
    /** For tests; default the global fetch. */
    fetch?: typeof fetch;
  }) {
    this.discovery = options.discovery;
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
  }

  /**
   * The clusters where the entity has pods or workloads, per the Kubernetes backend.
   * Throws {@link KubernetesSourceError} when the Kubernetes backend cannot answer.
   */
  async getClusters(
    entity: Entity | CompoundEntityRef | string,
    options: { credentials: BackstageCredentials },
  ): Promise<KubernetesClusters> {
    const entityRef =
      typeof entity === 'string' ? entity : stringifyEntityRef(entity);
    let response: Response;
    try {
      const baseUrl = await this.discovery.getBaseUrl('kubernetes');
      const { token } = await this.auth.getPluginRequestToken({
        onBehalfOf: options.credentials,
        targetPluginId: 'kubernetes',
      });
      response = await this.fetchFn(`${baseUrl}/resources/workloads/query`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
        // `auth: {}`: server-side auth providers only (the browser adds OIDC/Google
        // tokens for the Kubernetes tab; a back-end caller has none).
        body: JSON.stringify({ entityRef, auth: {} }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const message =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : (error as Error).message;
      throw new KubernetesSourceError(
        `Kubernetes backend could not be asked about ${entityRef}: ${message}`,
      );
    }
    if (!response.ok) {
      const body = (await response.text().catch(() => '')).slice(0, 300);
      throw new KubernetesSourceError(
        response.status === 404 && !body.includes('"error"')
          ? `Kubernetes backend not found (HTTP 404); is @backstage/plugin-kubernetes-backend installed?`
          : `Kubernetes backend answered ${response.status} for ${entityRef}: ${body}`,
        response.status,
      );
    }
    let parsed: ObjectsByEntityResponse;
    try {
      parsed = (await response.json()) as ObjectsByEntityResponse;
    } catch (error) {
      throw new KubernetesSourceError(
        `Kubernetes backend sent invalid JSON for ${entityRef}: ${
          (error as Error).message
        }`,
        response.status,
      );
    }
    return summarize(parsed);
  }
}

function summarize(response: ObjectsByEntityResponse): KubernetesClusters {
  const clusters = new Set<string>();
  const clusterErrors: KubernetesClusters['clusterErrors'] = [];
  for (const item of response.items ?? []) {
    const name = item.cluster?.name;
    if (!name) continue;
    const runs = (item.resources ?? []).some(
      r =>
        (WORKLOAD_TYPES as readonly string[]).includes(r.type ?? '') &&
        (r.resources?.length ?? 0) > 0,
    );
    if (runs) clusters.add(name);
    // Pod metrics failing does not hide the workloads; anything else is a gap.
    const errors = (item.errors ?? []).filter(
      e => !e.resourcePath?.includes('/metrics.k8s.io/'),
    );
    if (errors.length > 0) {
      clusterErrors.push({
        cluster: name,
        message: errors
          .map(e =>
            [e.errorType, e.statusCode, e.resourcePath, e.message]
              .filter(part => part !== undefined && part !== '')
              .join(' '),
          )
          .join('; '),
      });
    }
  }
  return {
    clusters: [...clusters].sort(),
    clusterErrors: clusterErrors.sort((a, b) =>
      a.cluster.localeCompare(b.cluster),
    ),
  };
}
