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
   * state that allows the transition (including losing a race).
   */
  async transition(options: {
    id: string;
    to: RetentionRequestState;
    actor: string;
    comment?: string;
    pullRequest?: RetentionRequest['pullRequest'];
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
      const updated = await tx(REQUESTS)
        .where({ id: options.id, state: before.state })
        .update({
          state: options.to,
          updated_at: now,
          ...(options.pullRequest
            ? {
                pull_request: json({
                  ...before.pullRequest,
                  ...options.pullRequest,
                }),
              }
            : {}),
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

  /** Records where the change is being applied, without a state change. */
  async setPullRequest(
    id: string,
    pullRequest: RetentionRequest['pullRequest'],
  ) {
    const before = await this.get(id);
    if (!before) {
      throw new NotFoundError(`No retention request ${id}`);
    }
    await this.db(REQUESTS)
      .where({ id })
      .update({
        pull_request: json({ ...before.pullRequest, ...pullRequest }),
      });
  }
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
    pullRequest: parse(row.pull_request),
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
