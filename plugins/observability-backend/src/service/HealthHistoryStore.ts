import { HealthStatus } from '@fleetobs/plugin-observability-common';
import { Knex } from 'knex';

/** The status of one scope of a cluster: `overall`, a signal, or `signal/check-id`. */
export interface ScopeStatus {
  cluster: string;
  scope: string;
  status: HealthStatus;
  summary?: string;
}

export interface HealthTransition {
  scope: string;
  from: HealthStatus | null;
  to: HealthStatus;
  summary: string | null;
  at: string;
}

const STATE = 'obs_health_state';
const TRANSITIONS = 'obs_health_transitions';

function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}

/**
 * Stores the current status of every cluster scope and the transitions between them.
 * Writes are compare-and-set on the stored status, so two replicas that record the
 * same round write each transition once.
 */
export class HealthHistoryStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records the statuses of one round; returns since when each scope has had its
   * status, keyed `cluster|scope`.
   */
  async record(
    statuses: ScopeStatus[],
    now: Date,
  ): Promise<Map<string, string>> {
    const rows: Array<{
      cluster: string;
      scope: string;
      status: string;
      since: any;
    }> = await this.db(STATE).select('cluster', 'scope', 'status', 'since');
    const current = new Map(rows.map(r => [`${r.cluster}|${r.scope}`, r]));
    const since = new Map(
      rows.map(r => [`${r.cluster}|${r.scope}`, toIso(r.since)]),
    );

    const changed = statuses.filter(
      s => current.get(`${s.cluster}|${s.scope}`)?.status !== s.status,
    );
    if (changed.length === 0) {
      return since;
    }

    await this.db.transaction(async tx => {
      for (const s of changed) {
        const key = `${s.cluster}|${s.scope}`;
        const before = current.get(key);
        let won: boolean;
        if (before) {
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
          won = updated === 1;
        } else {
          const inserted = await tx(STATE)
            .insert({
              cluster: s.cluster,
              scope: s.scope,
              status: s.status,
              summary: s.summary ?? null,
              since: now,
            })
            .onConflict(['cluster', 'scope'])
            .ignore()
            .returning('cluster');
          won = inserted.length === 1;
        }
        if (won) {
          await tx(TRANSITIONS).insert({
            cluster: s.cluster,
            scope: s.scope,
            from_status: before?.status ?? null,
            to_status: s.status,
            summary: s.summary ?? null,
            at: now,
          });
          since.set(key, now.toISOString());
        }
      }
    });
    return since;
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
}
