import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  GitopsApplicationsResponse,
  HealthTransition,
  RetentionApplySpec,
  RetentionPlan,
  RetentionRequest,
  RetentionSettings,
  RetentionSignal,
  AlertsAnswer,
} from '@fleetobs/plugin-observability-common';
import { BACKEND_TIMEOUT_KEY, DEFAULT_BACKEND_TIMEOUT_MS } from './settings';

/**
 * The answer of `POST /api/observability/v1/retention/plan`.
 *
 * @public
 */
export type RetentionPlanResponse = RetentionPlan;

/**
 * A change as the observability back end takes it.
 *
 * @public
 */
export interface RetentionChangeBody {
  cluster: string;
  signal: RetentionSignal;
  requested: RetentionSettings;
}

/**
 * The retention API of the observability back end. Planning and filing are called
 * with a token on behalf of the user who runs the template (never the scaffolder's own
 * identity), so that the back end's permission checks apply to that user. Reading what
 * an apply task may apply is called with the scaffolder's own service credentials: it
 * is the back end's record, not the user's word, that decides.
 *
 * @public
 */
export interface ObservabilityBackend {
  plan(
    credentials: BackstageCredentials,
    body: RetentionChangeBody,
  ): Promise<RetentionPlanResponse>;
  createRequest(
    credentials: BackstageCredentials,
    body: RetentionChangeBody & { justification: string },
  ): Promise<RetentionRequest>;
  /** `GET /v1/retention-requests/:id/apply`; NotFoundError for an unknown id. */
  applySpec(requestId: string): Promise<RetentionApplySpec>;
  /**
   * `GET /v1/gitops/applications?environment=`: the Argo CD applications of an
   * environment's clusters, asked by the back end (which holds the Argo CD token).
   */
  gitopsApplications(environment: string): Promise<GitopsApplicationsResponse>;
  /** `GET /v1/alerts?cluster=`: the firing alerts of one cluster, from its Alertmanager. */
  firingAlerts(cluster: string): Promise<AlertsAnswer>;
  /** `GET /v1/clusters/:name/history?scope=&limit=`: the newest health transitions. */
  clusterHistory(
    cluster: string,
    query: { scope: string; limit: number },
  ): Promise<{ cluster: string; transitions: HealthTransition[] }>;
}

/** The message of a Backstage JSON error body, or the status text. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (typeof body?.error?.message === 'string') {
      return body.error.message;
    }
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300) || response.statusText;
}

/** @public */
export function createObservabilityBackend(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  /**
   * Timeout of one call (request and answer): `backendTimeoutMs` of the module's
   * settings (`observability.scaffolder.backendTimeout`); default 30 s.
   */
  timeoutMs?: number;
}): ObservabilityBackend {
  const { discovery, auth } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS;

  /** A POST with `body` on behalf of a user, or a GET with the scaffolder's own token. */
  async function call<T>(
    credentials: BackstageCredentials,
    path: string,
    body?: object,
  ): Promise<T> {
    const whose = body ? "the user's" : "the scaffolder's";
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'observability',
    });
    const baseUrl = await discovery.getBaseUrl('observability');
    // One timeout for the whole call: connecting, the answer's headers and its body.
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = () =>
      new Error(
        `The observability back end did not answer ${path} within ${timeoutMs} ms (${BACKEND_TIMEOUT_KEY})`,
      );
    const timed = (url: string, init: RequestInit) =>
      fetch(url, { ...init, signal });
    let response: Response;
    try {
      response = await timed(
        `${baseUrl}${path}`,
        body
          ? {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json',
              },
              body: JSON.stringify(body),
            }
          : { headers: { Authorization: `Bearer ${token}` } },
      );
    } catch (e) {
      if (signal.aborted) throw timedOut();
      throw new Error(
        `The observability back end could not be reached at ${baseUrl}: ${
          (e as Error).message
        }`,
      );
    }
    if (response.ok) {
      // Parsed here rather than with response.json(): the objects then belong to this
      // realm, and the scaffolder's template engine only accepts plain records.
      // Raced against the timeout: a body that stalls must not hold the task.
      const text = await new Promise<string>((resolve, reject) => {
        const onTimeout = () => {
          response.body?.cancel().catch(() => undefined);
          reject(timedOut());
        };
        if (signal.aborted) {
          onTimeout();
          return;
        }
        signal.addEventListener('abort', onTimeout, { once: true });
        response
          .text()
          .then(resolve, e => reject(signal.aborted ? timedOut() : e))
          .finally(() => signal.removeEventListener('abort', onTimeout));
      });
      return JSON.parse(text) as T;
    }
    const message = await errorMessage(response);
    switch (response.status) {
      case 400:
        throw new InputError(message);
      case 401:
        throw new AuthenticationError(
          `The observability back end did not accept ${whose} credentials: ${message}`,
        );
      case 403:
        throw new NotAllowedError(message);
      case 404:
        throw new NotFoundError(message);
      default:
        throw new Error(
          `The observability back end answered ${response.status} on ${path}: ${message}`,
        );
    }
  }

  return {
    plan: (credentials, body) =>
      call<RetentionPlanResponse>(credentials, '/v1/retention/plan', body),
    createRequest: (credentials, body) =>
      call<RetentionRequest>(credentials, '/v1/retention-requests', body),
    applySpec: async requestId =>
      call<RetentionApplySpec>(
        await auth.getOwnServiceCredentials(),
        `/v1/retention-requests/${encodeURIComponent(requestId)}/apply`,
      ),
    // The promotion gate reads the back end's record with the scaffolder's identity.
    gitopsApplications: async environment =>
      call<GitopsApplicationsResponse>(
        await auth.getOwnServiceCredentials(),
        `/v1/gitops/applications?${new URLSearchParams({ environment })}`,
      ),
    firingAlerts: async cluster =>
      call<AlertsAnswer>(
        await auth.getOwnServiceCredentials(),
        `/v1/alerts?${new URLSearchParams({ cluster })}`,
      ),
    clusterHistory: async (cluster, query) =>
      call<{ cluster: string; transitions: HealthTransition[] }>(
        await auth.getOwnServiceCredentials(),
        `/v1/clusters/${encodeURIComponent(
          cluster,
        )}/history?${new URLSearchParams({
          scope: query.scope,
          limit: String(query.limit),
        })}`,
      ),
  };
}
