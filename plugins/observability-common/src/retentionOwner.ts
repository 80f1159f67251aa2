import { RetentionBounds, RetentionSignal } from './retention';

/**
 * Signals whose retention is one setting for the whole fleet, and the environment whose
 * values file holds it. Spans of every cluster share the `jaeger-span-*` indices (seed
 * §0.3, §4), and the Jaeger ES rollover / ILM init job runs once, in the ops cluster
 * (seed §2 step 5): one ILM policy, owned by the ops cluster's values file. Metrics and
 * logs are per cluster (a bucket and a `logs-<cluster>-*` rollover alias of their own).
 *
 * @public
 */
export const FLEET_WIDE_RETENTION: Partial<
  Record<RetentionSignal, { environment: string; indices: string }>
> = {
  traces: { environment: 'ops', indices: 'jaeger-span-*' },
};

/** A cluster of the fleet, as far as retention ownership needs it. @public */
export interface RetentionFleetMember {
  name: string;
  environment: string;
}

/**
 * Which cluster's values file holds the retention of `signal` for `cluster`: the cluster
 * itself, or for a fleet-wide signal the one cluster of the owning environment. `problem`
 * says why a change requested for `cluster` cannot be made (another cluster owns it, or
 * the fleet has no or several clusters of the owning environment), naming the owner.
 *
 * @public
 */
export function retentionOwner(
  signal: RetentionSignal,
  cluster: string,
  fleet: readonly RetentionFleetMember[],
): { owner?: string; fleetWide: boolean; problem?: string } {
  const rule = FLEET_WIDE_RETENTION[signal];
  if (!rule) return { owner: cluster, fleetWide: false };
  const owners = fleet.filter(c => c.environment === rule.environment);
  if (owners.length !== 1) {
    return {
      fleetWide: true,
      problem: `${signal} retention is one ILM policy for the shared ${
        rule.indices
      } indices of every cluster, kept in the values file of the ${
        rule.environment
      } cluster, but the fleet has ${
        owners.length === 0
          ? `no ${rule.environment} cluster`
          : `${owners.length} ${rule.environment} clusters (${owners
              .map(c => c.name)
              .join(', ')})`
      }`,
    };
  }
  const owner = owners[0].name;
  if (owner !== cluster) {
    return {
      owner,
      fleetWide: true,
      problem: `${signal} retention is one ILM policy for the shared ${rule.indices} indices of every cluster, set in ${owner}'s values file: request the change for ${owner} (it applies to the whole fleet)`,
    };
  }
  return { owner, fleetWide: true };
}

/**
 * Bounds of a fleet-wide setting: it must satisfy every environment whose data it holds,
 * so the largest minimum and the smallest maximum of their bounds.
 *
 * @public
 */
export function intersectBounds(
  bounds: readonly RetentionBounds[],
): RetentionBounds {
  const mins = bounds.flatMap(b =>
    b.minDays === undefined ? [] : [b.minDays],
  );
  const maxs = bounds.flatMap(b =>
    b.maxDays === undefined ? [] : [b.maxDays],
  );
  return {
    minDays: mins.length ? Math.max(...mins) : undefined,
    maxDays: maxs.length ? Math.min(...maxs) : undefined,
  };
}
