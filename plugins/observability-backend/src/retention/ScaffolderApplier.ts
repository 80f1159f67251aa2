import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  RETENTION_VALUE_PATHS,
  RetentionRequest,
} from '@fleetobs/plugin-observability-common';
import { RetentionRequestStore } from './RetentionRequestStore';
import { RetentionApplier } from './router';

/** The template that applies an approved change, unless config names another. */
export const DEFAULT_APPLY_TEMPLATE = 'template:default/apply-retention-change';

/** Who the poller's transitions are recorded as in the audit trail. */
const ACTOR = 'plugin:observability';

const TIMEOUT_MS = 15_000;

/** The message of a Backstage JSON error body, or the start of the text. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string') {
      return message;
    }
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300) || response.statusText;
}

/** `prod-01 logs: delete.minAge 90d → 180d` — the pull request title of a request. */
export function retentionChangeTitle(request: RetentionRequest): string {
  const paths = RETENTION_VALUE_PATHS[request.signal] as Record<
    string,
    string[]
  >;
  const current = (request.current ?? {}) as Record<string, string>;
  const requested = request.requested as unknown as Record<string, string>;
  const changes = Object.keys(paths)
    .filter(field => current[field] !== requested[field])
    .map(field => {
      const name = paths[field].slice(-2).join('.');
      return current[field]
        ? `${name} ${current[field]} → ${requested[field]}`
        : `${name} ${requested[field]}`;
    });
  const title = `Retention of ${request.cluster} ${request.signal}: ${
    changes.join(', ') || 'no change'
  }`;
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

/**
 * Applies an approved retention change by running the apply template (default
 * `template:default/apply-retention-change`, config
 * `observability.retention.applyTemplate`) as a scaffolder task on behalf of the
 * approver: the scaffolder's own permissions and audit then see the approver, and
 * the template opens the pull request. Returns the task id; RetentionTaskPoller
 * records how the task ended.
 */
export class ScaffolderApplier implements RetentionApplier {
  static fromConfig(
    config: Config,
    options: { discovery: DiscoveryService; auth: AuthService },
  ) {
    return new ScaffolderApplier({
      ...options,
      templateRef:
        config.getOptionalString('observability.retention.applyTemplate') ??
        DEFAULT_APPLY_TEMPLATE,
    });
  }

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      templateRef?: string;
    },
  ) {}

  get templateRef() {
    return this.options.templateRef ?? DEFAULT_APPLY_TEMPLATE;
  }

  async apply(
    request: RetentionRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ taskId: string }> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'scaffolder',
    });
    const baseUrl = await this.options.discovery.getBaseUrl('scaffolder');
    const response = await fetch(`${baseUrl}/v2/tasks`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        templateRef: this.templateRef,
        values: {
          requestId: request.id,
          cluster: request.cluster,
          signal: request.signal,
          requested: request.requested,
          title: retentionChangeTitle(request),
        },
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new Error(
        `the scaffolder did not start ${this.templateRef} (${
          response.status
        }): ${await errorMessage(response)}`,
      );
    }
    const { id } = (await response.json()) as { id?: string };
    if (!id) {
      throw new Error(
        `the scaffolder started ${this.templateRef} but returned no task id`,
      );
    }
    return { taskId: id };
  }
}

/** A scaffolder task as `GET /v2/tasks/:id` returns it. */
interface ScaffolderTask {
  id: string;
  status:
    | 'open'
    | 'processing'
    | 'completed'
    | 'failed'
    | 'cancelled'
    | 'skipped';
}

/** One event of `GET /v2/tasks/:id/events`. */
interface ScaffolderTaskEvent {
  type: 'log' | 'completion' | 'cancelled' | 'recovered';
  body: {
    message?: string;
    output?: Record<string, unknown>;
    error?: { name?: string; message?: string };
  };
}

/** What one round of the poller did. */
export interface RetentionPollResult {
  applied: string[];
  failed: string[];
  running: string[];
}

/** The pull request link and branch of the apply template's output. */
function pullRequestOf(output: Record<string, unknown> = {}) {
  const links = Array.isArray(output.links)
    ? (output.links as Array<{ url?: unknown }>)
    : [];
  const url = [output.pullRequestUrl, output.remoteUrl, links[0]?.url].find(
    (u): u is string => typeof u === 'string' && u.length > 0,
  );
  const branch =
    typeof output.branch === 'string' && output.branch
      ? output.branch
      : undefined;
  return { ...(url ? { url } : {}), ...(branch ? { branch } : {}) };
}

/**
 * Follows the apply tasks of approved requests: reads each task with the plugin's own
 * service token and, once it has ended, moves the request to `applied` (recording the
 * pull request link and branch) or `failed` (with the task's error). The store's
 * compare-and-set makes each move happen once even when several replicas poll; the
 * scheduler usually runs one at a time anyway.
 */
export class RetentionTaskPoller {
  constructor(
    private readonly options: {
      store: RetentionRequestStore;
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  private async get<T>(
    path: string,
  ): Promise<{ status: number; body?: T; message?: string }> {
    const { auth, discovery } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const baseUrl = await discovery.getBaseUrl('scaffolder');
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      return { status: response.status, message: await errorMessage(response) };
    }
    return { status: response.status, body: (await response.json()) as T };
  }

  /** The completion event of an ended task. */
  private async completion(taskId: string) {
    const events = await this.get<ScaffolderTaskEvent[]>(
      `/v2/tasks/${encodeURIComponent(taskId)}/events`,
    );
    if (!events.body) {
      throw new Error(
        `could not read the events of task ${taskId} (${events.status}): ${events.message}`,
      );
    }
    return [...events.body].reverse().find(e => e.type === 'completion');
  }

  /** Checks the apply task of every approved request once. */
  async pollOnce(): Promise<RetentionPollResult> {
    const { store, logger } = this.options;
    const result: RetentionPollResult = {
      applied: [],
      failed: [],
      running: [],
    };
    const approved = await store.list({ state: 'approved' });
    for (const request of approved) {
      const taskId = request.pullRequest?.taskId;
      if (!taskId) {
        continue;
      }
      try {
        const task = await this.get<ScaffolderTask>(
          `/v2/tasks/${encodeURIComponent(taskId)}`,
        );
        if (task.status === 404) {
          await store.transition({
            id: request.id,
            to: 'failed',
            actor: ACTOR,
            comment: `The apply task ${taskId} no longer exists in the scaffolder`,
          });
          result.failed.push(request.id);
          continue;
        }
        if (!task.body) {
          throw new Error(
            `could not read task ${taskId} (${task.status}): ${task.message}`,
          );
        }
        const status = task.body.status;
        if (status === 'completed') {
          const pullRequest = pullRequestOf(
            (await this.completion(taskId))?.body.output,
          );
          await store.transition({
            id: request.id,
            to: 'applied',
            actor: ACTOR,
            pullRequest,
            comment: pullRequest.url
              ? `Pull request ${pullRequest.url}${
                  pullRequest.branch ? ` (branch ${pullRequest.branch})` : ''
                }`
              : `The apply task ${taskId} completed`,
          });
          result.applied.push(request.id);
        } else if (['failed', 'cancelled', 'skipped'].includes(status)) {
          const error = (await this.completion(taskId))?.body.error?.message;
          await store.transition({
            id: request.id,
            to: 'failed',
            actor: ACTOR,
            comment: `The apply task ${taskId} ${status}${
              error ? `: ${error}` : ''
            }`,
          });
          result.failed.push(request.id);
        } else {
          result.running.push(request.id);
        }
      } catch (error) {
        if ((error as Error).name === 'ConflictError') {
          // Another replica (or an operator) moved it first: nothing left to do.
          continue;
        }
        logger.warn(
          `Could not follow the apply task ${taskId} of retention request ${
            request.id
          }; retrying next round: ${(error as Error).message}`,
        );
        result.running.push(request.id);
      }
    }
    if (result.applied.length || result.failed.length) {
      logger.info(
        `Retention requests applied: ${
          result.applied.join(', ') || 'none'
        }; failed: ${result.failed.join(', ') || 'none'}`,
      );
    }
    return result;
  }
}
