import { LoggerService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { RetentionRequestStore } from './RetentionRequestStore';
import { ApplyRefusedError, RetentionApplier } from './RetentionApplier';
import { DEFAULT_CLAIM_TIMEOUT_MS } from '../config';

/** What one launch did. */
export type ApplyLaunch =
  /** This call started the task and recorded it on the request. */
  | { outcome: 'started'; taskId: string }
  /** Nothing to do here: not approved, a task is recorded, or another replica is starting it. */
  | { outcome: 'busy' }
  /** The request is now `failed`: the task was refused, or too many starts failed. */
  | { outcome: 'failed'; reason: string }
  /** The start failed for now; the claim is given back and the poller retries. */
  | { outcome: 'retry'; reason: string }
  /**
   * The task started but could not be recorded (or the claim was taken over first). It
   * is not the request's task, so it refuses to apply anything; the request stays
   * `approved` and the poller starts another task once the claim expires.
   */
  | { outcome: 'unrecorded'; taskId: string; reason: string };

/** Who launches and fails requests, in the audit trail. */
const ACTOR = 'plugin:observability';

export const DEFAULT_MAX_ATTEMPTS = 10;
/** Delays before the attempts to record a started task's id (first one right away). */
const RECORD_DELAYS_MS = [0, 250, 1000, 3000];

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Starts the apply task of an approved request exactly once, whichever replica or
 * poller round asks and whenever one dies:
 *
 * 1. claim: compare-and-set on the request row (`approved`, no task recorded, no claim
 *    or a claim older than the claim timeout); the loser does nothing;
 * 2. start the task (the applier, i.e. POST /api/scaffolder/v2/tasks);
 * 3. record its id, compare-and-set on the claim: once recorded, only that task may
 *    apply the change (the apply action checks it), and nothing starts another.
 *
 * A replica that dies after 1 leaves a claim that expires; the poller (any replica)
 * then claims and starts again. A task whose id could not be recorded refuses to apply,
 * so a second start never applies the change twice. A failure to record never marks the
 * request `failed`: its task may be running.
 */
export class RetentionApplyLauncher {
  private readonly claimTimeoutMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly options: {
      store: RetentionRequestStore;
      applier: RetentionApplier;
      logger: LoggerService;
      /** How old a claim must be before another replica takes it over. */
      claimTimeoutMs?: number;
      /** Starts that may fail before the request becomes `failed`. */
      maxAttempts?: number;
      /** The time of claims (default the system clock). */
      clock?: () => Date;
    },
  ) {
    this.claimTimeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  }

  async launch(id: string): Promise<ApplyLaunch> {
    const { store, applier, logger } = this.options;
    const token = randomUUID();
    const now = this.options.clock?.() ?? new Date();
    const attempt = await store.claimApply({
      id,
      token,
      now,
      staleBefore: new Date(now.getTime() - this.claimTimeoutMs),
    });
    if (attempt === undefined) {
      return { outcome: 'busy' };
    }
    if (attempt > this.maxAttempts) {
      return this.fail(
        id,
        token,
        `no apply task was recorded after ${this.maxAttempts} attempts`,
      );
    }
    const request = await store.get(id);
    if (!request) {
      return { outcome: 'busy' };
    }

    let taskId: string;
    try {
      ({ taskId } = await applier.start(request));
    } catch (error) {
      const reason = (error as Error).message;
      if (error instanceof ApplyRefusedError || attempt >= this.maxAttempts) {
        return this.fail(id, token, reason);
      }
      await store.releaseApply({ id, token }).catch(() => {});
      logger.warn(
        `Could not start the apply task of retention request ${id} (attempt ${attempt} of ${this.maxAttempts}); retrying next round: ${reason}`,
      );
      return { outcome: 'retry', reason };
    }

    let lastError: Error | undefined;
    for (const delay of RECORD_DELAYS_MS) {
      await sleep(delay);
      try {
        const at = this.options.clock?.() ?? new Date();
        if (await store.recordApplyTask({ id, token, taskId, now: at })) {
          logger.info(
            `Started apply task ${taskId} of retention request ${id} (attempt ${attempt})`,
          );
          return { outcome: 'started', taskId };
        }
        const reason = `the start of retention request ${id} was taken over (claim older than ${this.claimTimeoutMs} ms) before task ${taskId} was recorded`;
        logger.warn(`${reason}; that task will refuse to apply anything`);
        return { outcome: 'unrecorded', taskId, reason };
      } catch (error) {
        lastError = error as Error;
      }
    }
    const reason = `could not record apply task ${taskId} of retention request ${id}: ${lastError?.message}`;
    logger.error(
      `${reason}. The request stays approved; that task refuses to apply anything, and another one starts once the claim expires (${this.claimTimeoutMs} ms)`,
    );
    return { outcome: 'unrecorded', taskId, reason };
  }

  private async fail(
    id: string,
    token: string,
    reason: string,
  ): Promise<ApplyLaunch> {
    try {
      await this.options.store.transition({
        id,
        to: 'failed',
        actor: ACTOR,
        comment: `Could not start the apply task: ${reason}`,
        expect: { claim: token },
      });
      return { outcome: 'failed', reason };
    } catch (error) {
      if ((error as Error).name === 'ConflictError') {
        // The claim was taken over meanwhile: that replica decides.
        return { outcome: 'busy' };
      }
      throw error;
    }
  }
}
