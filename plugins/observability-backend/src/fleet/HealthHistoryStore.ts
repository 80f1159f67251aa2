import { LoggerService } from '@backstage/backend-plugin-api';
import { HealthStatus } from '@fleetobs/plugin-observability-common';
import { Knex } from 'knex';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The status of one scope of a cluster: `overall`, a signal, or `signal/check-id`. */
export interface ScopeStatus {
  cluster: string;
  scope: string;
  status: HealthStatus;
  summary?: string;
}

/** What one round changes, worked out before it is written. */
export interface PlannedRecord {
  /** Since when each scope has had its status, keyed `cluster|scope`. */
  since: Map<string, string>;
  /** Writes the round's changes (compare-and-set; exactly once across replicas). */
  commit(): Promise<void>;
}

interface StoredRow {
  cluster: string;
  scope: string;
  status: string;
  since: Date | string | number;
}

/** Stored status per scope, keyed `cluster|scope`. */
export type StoredState = Map<string, StoredRow>;

export interface HealthTransition {
  scope: string;
  from: HealthStatus | null;
  to: HealthStatus;
  summary: string | null;
  at: string;
}

const STATE = 'obs_health_state';
// Rows per insert: 5 columns each stays under SQLite's 999 bound variables.
const CHUNK = 150;
const TRANSITIONS = 'obs_health_transitions';

/** Scopes planned between two turns of the event loop. */
const SCOPES_PER_TURN = 5000;

function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}

/**
 * Stores the current status of every cluster scope and the transitions between them.
 * Writes are compare-and-set on the stored status, so two replicas that record the
 * same round write each transition once.
 */
export class HealthHistoryStore {
  constructor(
    private readonly db: Knex,
    private readonly options: {
      /** How long transitions are kept (`observability.historyRetention`), for pruneExpired. */
      retentionMs?: number;
      logger?: LoggerService;
    } = {},
  ) {}

  /**
   * Records the statuses of one round; returns since when each scope has had its
   * status, keyed `cluster|scope`.
   */
  async record(
    statuses: ScopeStatus[],
    now: Date,
  ): Promise<Map<string, string>> {
    const planned = await this.plan(statuses, now, await this.readState());
    await planned.commit();
    return planned.since;
  }

  /** The stored status of every scope (read while a round's checks are running). */
  async readState(): Promise<StoredState> {
    const rows: StoredRow[] = await this.db(STATE).select(
      'cluster',
      'scope',
      'status',
      'since',
    );
    return new Map(rows.map(r => [`${r.cluster}|${r.scope}`, r]));
  }

  /**
   * Works out what one round changes against the stored state: `since` for every
   * scope (a changed scope's is `now`) and `commit`, which writes the changes.
   * Splitting the two lets the caller answer with `since` before the write is done;
   * a state read before another replica's write is safe, as every write is a
   * compare-and-set.
   */
  async plan(
    statuses: ScopeStatus[],
    now: Date,
    current: StoredState,
  ): Promise<PlannedRecord> {
    // 4,000 clusters are some 60,000 scopes: the event loop runs between slices.
    let done = 0;
    const step = async () => {
      if (++done % SCOPES_PER_TURN === 0) await nextTurn();
    };
    const since = new Map<string, string>();
    for (const [key, r] of current) {
      await step();
      since.set(key, toIso(r.since));
    }
    const nowIso = toIso(now);
    const changed: ScopeStatus[] = [];
    for (const s of statuses) {
      await step();
      const key = `${s.cluster}|${s.scope}`;
      if (current.get(key)?.status !== s.status) {
        changed.push(s);
        since.set(key, nowIso);
      }
    }
    const fresh = changed.filter(s => !current.has(`${s.cluster}|${s.scope}`));
    const moved = changed.filter(s => current.has(`${s.cluster}|${s.scope}`));
    const commit = async () => {
      if (changed.length === 0) return;
      await this.db.transaction(async tx => {
        await insertFresh(tx, fresh, now);
        // Changed scopes: compare-and-set on the stored status, one row each (a
        // round changes few). A replica that recorded the same change first wins.
        for (const s of moved) {
          const before = current.get(`${s.cluster}|${s.scope}`)!;
          const updated = await tx(STATE)
            .where({
              cluster: s.cluster,
              scope: s.scope,
              status: before.status,
            })
            .update({
              status: s.status,
              summary: s.summary ?? null,
              since: now,
            });
          if (updated === 1) {
            await tx(TRANSITIONS).insert(transitionRow(s, before.status, now));
          }
        }
      });
    };
    return { since, commit };
  }

  async transitions(
    cluster: string,
    options: { limit: number; since?: Date; scope?: string },
  ): Promise<HealthTransition[]> {
    let query = this.db(TRANSITIONS)
      .where({ cluster })
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.since) {
      query = query.where('at', '>=', options.since);
    }
    if (options.scope) {
      query = query.where({ scope: options.scope });
    }
    const rows = await query;
    return rows.map(r => ({
      scope: r.scope,
      from: r.from_status,
      to: r.to_status,
      summary: r.summary,
      at: toIso(r.at),
    }));
  }

  /** Deletes transitions older than the given time; returns how many. */
  async prune(olderThan: Date): Promise<number> {
    return this.db(TRANSITIONS).where('at', '<', olderThan).delete();
  }

  /**
   * The scheduled prune: deletes the transitions older than the retention and logs how
   * many. Without a retention it keeps everything.
   */
  async pruneExpired(): Promise<number> {
    const { retentionMs, logger } = this.options;
    if (retentionMs === undefined) return 0;
    const cutoff = new Date(Date.now() - retentionMs);
    const pruned = await this.prune(cutoff);
    logger?.info(
      `Pruned ${pruned} health transitions before ${cutoff.toISOString()}`,
    );
    return pruned;
  }
}

/**
 * Scopes seen for the first time go in in batches (a new fleet of 400 clusters is
 * thousands of rows); a row another replica inserted first is skipped.
 */
async function insertFresh(
  tx: Knex.Transaction,
  fresh: ScopeStatus[],
  now: Date,
) {
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    const inserted: Array<{ cluster: string; scope: string }> = await tx(STATE)
      .insert(
        chunk.map(s => ({
          cluster: s.cluster,
          scope: s.scope,
          status: s.status,
          summary: s.summary ?? null,
          since: now,
        })),
      )
      .onConflict(['cluster', 'scope'])
      .ignore()
      .returning(['cluster', 'scope']);
    const won = new Set(inserted.map(r => `${r.cluster}|${r.scope}`));
    const transitions = chunk
      .filter(s => won.has(`${s.cluster}|${s.scope}`))
      .map(s => transitionRow(s, null, now));
    if (transitions.length > 0) {
      await tx(TRANSITIONS).insert(transitions);
    }
  }
}

function transitionRow(s: ScopeStatus, from: string | null, at: Date) {
  return {
    cluster: s.cluster,
    scope: s.scope,
    from_status: from,
    to_status: s.status,
    summary: s.summary ?? null,
    at,
  };
}
