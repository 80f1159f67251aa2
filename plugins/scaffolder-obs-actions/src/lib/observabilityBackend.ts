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
  RetentionPlan,
  RetentionRequest,
  RetentionSettings,
  RetentionSignal,
} from '@fleetobs/plugin-observability-common';

/** The answer of `POST /api/observability/v1/retention/plan`. */
export type RetentionPlanResponse = RetentionPlan;

/** A change as the observability back end takes it. */
export interface RetentionChangeBody {
  cluster: string;
  signal: RetentionSignal;
  requested: RetentionSettings;
}

/**
 * The retention API of the observability back end, called with a token on behalf of
 * the user who runs the template (never the scaffolder's own identity), so that the
 * back end's permission checks apply to that user.
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

export function createObservabilityBackend(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}): ObservabilityBackend {
  const { discovery, auth } = options;

  async function call<T>(
    credentials: BackstageCredentials,
    path: string,
    body: object,
  ): Promise<T> {
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'observability',
    });
    const baseUrl = await discovery.getBaseUrl('observability');
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new Error(
        `The observability back end could not be reached at ${baseUrl}: ${
          (e as Error).message
        }`,
      );
    }
    if (response.ok) {
      // Parsed here rather than with response.json(): the objects then belong to this
      // realm, and the scaffolder's template engine only accepts plain records.
      return JSON.parse(await response.text()) as T;
    }
    const message = await errorMessage(response);
    switch (response.status) {
      case 400:
        throw new InputError(message);
      case 401:
        throw new AuthenticationError(
          `The observability back end did not accept the user's credentials: ${message}`,
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
  };
}
