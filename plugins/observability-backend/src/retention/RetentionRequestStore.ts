import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  RetentionAuditEntry,
  RetentionCostEstimate,
  RetentionRequest,
  RetentionRequestState,
  RetentionSettings,
  RetentionSignal,
  RETENTION_TRANSITIONS,
} from '@fleetobs/plugin-observability-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const REQUESTS = 'obs_retention_requests';
const AUDIT = 'obs_retention_audit';

export interface NewRetentionRequest {
  cluster: string;
  signal: RetentionSignal;
  requested: RetentionSettings;
  current?: RetentionSettings;
  estimate?: RetentionCostEstimate;
  justification: string;
  requestedBy: string;
}

export interface RetentionRequestFilter {
  cluster?: string;
  state?: RetentionRequestState;
  requestedBy?: string;
}

const json = (value: unknown) =>
  value === undefined ? null : JSON.stringify(value);
const parse = (text: string | null) => (text ? JSON.parse(text) : undefined);
const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Retention requests on the plugin's database. Transitions are compare-and-set on the
 * stored state, so of two racing approvers (on any replica) exactly one wins.
 */
export class RetentionRequestStore {
  constructor(private readonly db: Knex) {}

  async create(input: NewRetentionRequest, now = new Date()) {
    const id = randomUUID();
    await this.db.transaction(async tx => {
      await tx(REQUESTS).insert({
        id,
        cluster: input.cluster,
        signal: input.signal,
        state: 'pending',
        requested: json(input.requested),
        current: json(input.current),
        estimate: json(input.estimate),
        justification: input.justification,
        requested_by: input.requestedBy,
        created_at: now,
        updated_at: now,
      });
      await tx(AUDIT).insert({
        request_id: id,
        actor: input.requestedBy,
        from_state: null,
        to_state: 'pending',
        comment: input.justification,
        at: now,
      });
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<RetentionRequest | undefined> {
    const row = await this.db(REQUESTS).where({ id }).first();
    if (!row) {
      return undefined;
    }
    const audit = await this.db(AUDIT)
      .where({ request_id: id })
      .orderBy('id', 'asc');
    return toRequest(row, audit);
  }

  async list(filter: RetentionRequestFilter, limit = 200) {
    const query = this.db(REQUESTS).orderBy('created_at', 'desc').limit(limit);
    if (filter.cluster) query.where({ cluster: filter.cluster });
    if (filter.state) query.where({ state: filter.state });
    if (filter.requestedBy) query.where({ requested_by: filter.requestedBy });
    const rows = await query;
    if (rows.length === 0) {
      return [];
    }
    const audit = await this.db(AUDIT)
      .whereIn(
        'request_id',
        rows.map(r => r.id),
      )
      .orderBy('id', 'asc');
    return rows.map(row =>
      toRequest(
        row,
        audit.filter(a => a.request_id === row.id),
      ),
    );
  }

  /**
   * Moves a request from the state it has to `to`, recording who and why. Throws
   * NotFoundError for an unknown id and ConflictError when the request is not in a
   * state that allows the transition (including losing a race). `expect` narrows the
   * compare-and-set further: the apply claim still held by the caller (and no task
   * recorded), or the apply task the caller followed.
   */
  async transition(options: {
    id: string;
    to: RetentionRequestState;
    actor: string;
    comment?: string;
    pullRequest?: RetentionRequest['pullRequest'];
    expect?: { claim: string } | { taskId: string };
    now?: Date;
  }): Promise<RetentionRequest> {
    const now = options.now ?? new Date();
    const before = await this.get(options.id);
    if (!before) {
      throw new NotFoundError(`No retention request ${options.id}`);
    }
    if (!RETENTION_TRANSITIONS[before.state].includes(options.to)) {
      throw new ConflictError(
        `Retention request ${options.id} is ${before.state}; it cannot become ${options.to}`,
      );
    }
    await this.db.transaction(async tx => {
      const query = tx(REQUESTS).where({ id: options.id, state: before.state });
      if (options.expect && 'claim' in options.expect) {
        query
          .where({ apply_claim: options.expect.claim })
          .whereNull('apply_task_id');
      } else if (options.expect) {
        query.where({ apply_task_id: options.expect.taskId });
      }
      const link = linkOf({ ...before.pullRequest, ...options.pullRequest });
      const updated = await query.update({
        state: options.to,
        updated_at: now,
        ...(options.pullRequest ? { pull_request: json(link) } : {}),
      });
      if (updated !== 1) {
        throw new ConflictError(
          `Retention request ${options.id} changed while it was being ${options.to}; reload it`,
        );
      }
      await tx(AUDIT).insert({
        request_id: options.id,
        actor: options.actor,
        from_state: before.state,
        to_state: options.to,
        comment: options.comment ?? null,
        at: now,
      });
    });
    return (await this.get(options.id))!;
  }

  /**
   * Claims the start of the apply task of an approved request that has none: a
   * compare-and-set on the request row (the idempotency key is the request id), so that
   * of any number of replicas and poller rounds one starts the task. A claim older than
   * `staleBefore` belongs to a replica that died (or gave up) before recording a task and
   * can be taken over. Returns how many times a start was claimed, counting this one, or
   * undefined when the request is not approved, already has its task, or is claimed.
   */
  async claimApply(options: {
    id: string;
    token: string;
    staleBefore: Date;
    now?: Date;
  }): Promise<number | undefined> {
    const now = options.now ?? new Date();
    const updated = await this.db(REQUESTS)
      .where({ id: options.id, state: 'approved' })
      .whereNull('apply_task_id')
      .where(q =>
        q
          .whereNull('apply_claim')
          .orWhere('apply_claimed_at', '<', options.staleBefore),
      )
      .update({
        apply_claim: options.token,
        apply_claimed_at: now,
        apply_attempts: this.db.raw('?? + 1', ['apply_attempts']),
      });
    if (updated !== 1) {
      return undefined;
    }
    const row = await this.db(REQUESTS)
      .where({ id: options.id, apply_claim: options.token })
      .first('apply_attempts');
    return row ? Number(row.apply_attempts) : undefined;
  }

  /**
   * Records the apply task started under `token`, once: false when the claim was taken
   * over (or the request left `approved`) meanwhile. Only the recorded task may apply
   * the change (GET /v1/retention-requests/:id/apply).
   */
  async recordApplyTask(options: {
    id: string;
    token: string;
    taskId: string;
    now?: Date;
  }): Promise<boolean> {
    const updated = await this.db(REQUESTS)
      .where({ id: options.id, state: 'approved', apply_claim: options.token })
      .whereNull('apply_task_id')
      .update({
        apply_task_id: options.taskId,
        updated_at: options.now ?? new Date(),
      });
    return updated === 1;
  }

  /** Gives a claim back (a start that may be retried right away). */
  async releaseApply(options: { id: string; token: string }) {
    await this.db(REQUESTS)
      .where({ id: options.id, apply_claim: options.token })
      .whereNull('apply_task_id')
      .update({ apply_claim: null, apply_claimed_at: null });
  }
}

/** The link part of a pull request (the task id has its own column). */
function linkOf(pullRequest: RetentionRequest['pullRequest']) {
  const { url, branch } = pullRequest ?? {};
  return url || branch
    ? { ...(url ? { url } : {}), ...(branch ? { branch } : {}) }
    : undefined;
}

function pullRequestOf(row: any): RetentionRequest['pullRequest'] {
  const link = parse(row.pull_request) ?? {};
  const taskId = row.apply_task_id ?? link.taskId;
  const pullRequest = { ...linkOf(link), ...(taskId ? { taskId } : {}) };
  return Object.keys(pullRequest).length ? pullRequest : undefined;
}

function toRequest(row: any, audit: any[]): RetentionRequest {
  return {
    id: row.id,
    cluster: row.cluster,
    signal: row.signal,
    state: row.state,
    requested: parse(row.requested),
    current: parse(row.current),
    estimate: parse(row.estimate),
    justification: row.justification,
    requestedBy: row.requested_by,
    pullRequest: pullRequestOf(row),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    audit: audit.map(
      (a): RetentionAuditEntry => ({
        at: iso(a.at),
        actor: a.actor,
        from: a.from_state,
        to: a.to_state,
        ...(a.comment ? { comment: a.comment } : {}),
      }),
    ),
  };
}
