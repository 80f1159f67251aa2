import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  FLEET_WIDE_RETENTION,
  RETENTION_VALUE_PATHS,
  RetentionRequest,
} from '@fleetobs/plugin-observability-common';
import { DEFAULT_APPLY_TEMPLATE } from '../config';
import { RetentionApplyLauncher } from './ApplyLauncher';
import { ApplyRefusedError, RetentionApplier } from './RetentionApplier';
import { RetentionRequestStore } from './RetentionRequestStore';

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
  // A fleet-wide signal (traces) changes every cluster's data, in the owner's file.
  const whose = FLEET_WIDE_RETENTION[request.signal]
    ? `the fleet's ${request.signal} (in ${request.cluster})`
    : `${request.cluster} ${request.signal}`;
  const title = `Retention of ${whose}: ${changes.join(', ') || 'no change'}`;
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

/**
 * Starts the apply template (default `template:default/apply-retention-change`, config
 * `observability.retention.applyTemplate`) as a scaffolder task for an approved
 * request, with the plugin's own service credentials and the request id as its only
 * value. The task's `obs:retention:apply` step reads the approved change back from this
 * plugin (GET /v1/retention-requests/:id/apply) and applies it only when the task is the
 * one recorded for the request. The approver stays in the request's audit trail; the
 * scaffolder sees the service `plugin:observability`, which the permission policy may
 * allow to run internal templates that people may not. Returns the task id;
 * RetentionTaskPoller records how the task ended.
 */
export class ScaffolderApplier implements RetentionApplier {
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

  async start(request: RetentionRequest): Promise<{ taskId: string }> {
    const { auth, discovery } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    const baseUrl = await discovery.getBaseUrl('scaffolder');
    const response = await fetch(`${baseUrl}/v2/tasks`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        templateRef: this.templateRef,
        values: { requestId: request.id },
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      const message = `the scaffolder did not start ${this.templateRef} (${
        response.status
      }): ${await errorMessage(response)}`;
      // A 4xx other than a timeout or rate limit will not change on a retry.
      const final =
        response.status >= 400 &&
        response.status < 500 &&
        ![408, 429].includes(response.status);
      throw final ? new ApplyRefusedError(message) : new Error(message);
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
  /** Approved requests without a task whose task this round started. */
  started: string[];
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
 * Drives approved requests to their end. An approved request without a recorded task
 * (its approver's replica died before starting it, or could not record it) gets its
 * task started, once, through the launcher's claim. A recorded task is read with the
 * plugin's own service token and, once it has ended, the request moves to `applied`
 * (recording the pull request link and branch) or `failed` (with the task's error).
 * The store's compare-and-set makes each move happen once even when several replicas
 * poll; the scheduler usually runs one at a time anyway.
 */
export class RetentionTaskPoller {
  constructor(
    private readonly options: {
      store: RetentionRequestStore;
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      launcher: RetentionApplyLauncher;
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
      started: [],
      applied: [],
      failed: [],
      running: [],
    };
    const approved = await store.list({ state: 'approved' });
    for (const request of approved) {
      const taskId = request.pullRequest?.taskId;
      if (!taskId) {
        try {
          const launch = await this.options.launcher.launch(request.id);
          if (launch.outcome === 'started') {
            result.started.push(request.id);
          } else if (launch.outcome === 'failed') {
            result.failed.push(request.id);
          }
        } catch (error) {
          logger.warn(
            `Could not start the apply task of retention request ${
              request.id
            }; retrying next round: ${(error as Error).message}`,
          );
        }
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
            expect: { taskId },
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
            expect: { taskId },
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
            expect: { taskId },
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
    if (
      result.started.length ||
      result.applied.length ||
      result.failed.length
    ) {
      logger.info(
        `Retention requests started: ${
          result.started.join(', ') || 'none'
        }; applied: ${result.applied.join(', ') || 'none'}; failed: ${
          result.failed.join(', ') || 'none'
        }`,
      );
    }
    return result;
  }
}
