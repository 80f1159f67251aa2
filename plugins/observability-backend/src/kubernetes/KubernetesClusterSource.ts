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
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  formatBytes,
  readCappedText,
  ResponseTooLargeError,
} from '../upstream/readCappedBody';

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
  /**
   * Clusters the Kubernetes backend could not read completely (the entity may run
   * there too): `message` is short (error type, status, resource path) and may be
   * shown to users; `detail` is the Kubernetes API's own text, for the log only.
   */
  clusterErrors: Array<{ cluster: string; message: string; detail?: string }>;
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

/**
 * The Kubernetes backend could not be asked (not installed, failing, slow, or no
 * answer). `message` is a short reason that may be shown to users; `detail` holds
 * what the Kubernetes backend said (its error body), for the log only.
 */
export class KubernetesSourceError extends Error {
  readonly name = 'KubernetesSourceError';
  constructor(
    message: string,
    readonly status?: number,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Of an error body, this much is kept for the log. */
const MAX_ERROR_DETAIL_BYTES = 4096;

/** The `error.name` of a Backstage JSON error body, when it looks like one. */
function backstageErrorName(body: string): string | undefined {
  try {
    const name = JSON.parse(body)?.error?.name;
    return typeof name === 'string' && /^[A-Za-z]{1,60}$/.test(name)
      ? name
      : undefined;
  } catch {
    return undefined;
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
  private readonly maxResponseBytes: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    /** Default 10 s (covers the answer's body too); a call may override it. */
    timeoutMs?: number;
    /** Largest answer read; default 32 MiB; a call may override it. */
    maxResponseBytes?: number;
    /** For tests; default the global fetch. */
    fetch?: typeof fetch;
  }) {
    this.discovery = options.discovery;
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes =
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.fetchFn = options.fetch ?? ((...args) => fetch(...args));
  }

  /**
   * The clusters where the entity has pods or workloads, per the Kubernetes backend.
   * Throws {@link KubernetesSourceError} when the Kubernetes backend cannot answer.
   */
  async getClusters(
    entity: Entity | CompoundEntityRef | string,
    options: {
      credentials: BackstageCredentials;
      /** Overrides the source's timeout for this call. */
      timeoutMs?: number;
      /** Overrides the source's answer cap for this call. */
      maxResponseBytes?: number;
    },
  ): Promise<KubernetesClusters> {
    const entityRef =
      typeof entity === 'string' ? entity : stringifyEntityRef(entity);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const maxResponseBytes = options.maxResponseBytes ?? this.maxResponseBytes;
    const timeout = AbortSignal.timeout(timeoutMs);
    const dropped = new AbortController();
    const unreachable = (error: unknown) =>
      new KubernetesSourceError(
        `Kubernetes backend could not be asked about ${entityRef}: ${
          timeout.aborted || (error as Error).name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : (error as Error).message
        }`,
      );
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
        signal: AbortSignal.any([timeout, dropped.signal]),
      });
    } catch (error) {
      throw unreachable(error);
    }
    if (!response.ok) {
      // The body is the Kubernetes backend's (or a proxy's) own text: it goes to the
      // log (see resolveServiceClusters), the user gets the status and error name.
      const body = await readCappedText(response, MAX_ERROR_DETAIL_BYTES, {
        truncate: true,
        abort: () => dropped.abort(),
      }).catch(() => '');
      const name = backstageErrorName(body);
      throw new KubernetesSourceError(
        response.status === 404 && !name
          ? `Kubernetes backend not found (HTTP 404); is @backstage/plugin-kubernetes-backend installed?`
          : `Kubernetes backend answered HTTP ${response.status}${
              name ? ` (${name})` : ''
            } for ${entityRef}`,
        response.status,
        body.trim() || undefined,
      );
    }
    let parsed: ObjectsByEntityResponse;
    try {
      parsed = JSON.parse(
        await readCappedText(response, maxResponseBytes, {
          abort: () => dropped.abort(),
        }),
      ) as ObjectsByEntityResponse;
    } catch (error) {
      if (error instanceof ResponseTooLargeError) {
        throw new KubernetesSourceError(
          `Kubernetes backend answered more than ${formatBytes(
            maxResponseBytes,
          )} for ${entityRef}; the answer was dropped unread (observability.kubernetes.maxResponseBytes)`,
          response.status,
        );
      }
      if (!(error instanceof SyntaxError)) throw unreachable(error);
      throw new KubernetesSourceError(
        `Kubernetes backend sent invalid JSON for ${entityRef}`,
        response.status,
        (error as Error).message,
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
      // The Kubernetes API's own message may hold anything (object names, tokens
      // echoed by a proxy): for the log only.
      const details = errors
        .map(e => (typeof e.message === 'string' ? e.message.trim() : ''))
        .filter(Boolean);
      clusterErrors.push({
        cluster: name,
        message: errors
          .map(e =>
            [e.errorType, e.statusCode, e.resourcePath]
              .filter(part => part !== undefined && part !== '')
              .join(' '),
          )
          .join('; '),
        ...(details.length > 0
          ? { detail: details.join('; ').slice(0, MAX_ERROR_DETAIL_BYTES) }
          : {}),
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
