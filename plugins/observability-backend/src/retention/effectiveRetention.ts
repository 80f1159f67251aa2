import {
  ClusterRetention,
  SignalRetention,
  RETENTION_SIGNALS,
  RetentionSettings,
  RetentionSignal,
  longestRetentionDays,
  readRetentionFromValues,
  retentionOwner,
} from '@fleetobs/plugin-observability-common';
import { FleetCluster } from '../lib/clusters';
import { RetentionBoundsLookup, signalBounds } from './bounds';
import { GitopsValuesSource } from './GitopsValuesSource';

export type { ClusterRetention, SignalRetention };

/** A values file read once: its parsed values, or why there are none. */
type ValuesRead = { values?: unknown; error?: string };

async function readValues(
  cluster: string,
  source: GitopsValuesSource | undefined,
): Promise<ValuesRead> {
  if (!source) {
    return {
      error: 'No GitOps repository is configured (observability.gitops)',
    };
  }
  try {
    const values = await source.read(cluster);
    return values === undefined
      ? {
          error: `No values file for ${cluster} in ${source.describe(cluster)}`,
        }
      : { values };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * The retention each cluster runs with today, per signal, and where it says so. A
 * fleet-wide signal (traces) is read from its owner's values file (the ops cluster, see
 * FLEET_WIDE_RETENTION) for every cluster, with the bounds of every environment at once.
 * `fleet` is every cluster (owner and bounds); default `clusters`.
 */
export async function readEffectiveRetention(options: {
  clusters: FleetCluster[];
  fleet?: FleetCluster[];
  source?: GitopsValuesSource;
  bounds: RetentionBoundsLookup;
}): Promise<ClusterRetention[]> {
  const { source } = options;
  const fleet = options.fleet ?? options.clusters;
  const reads = new Map<string, Promise<ValuesRead>>();
  const read = (cluster: string) => {
    if (!reads.has(cluster)) reads.set(cluster, readValues(cluster, source));
    return reads.get(cluster)!;
  };
  return Promise.all(
    options.clusters.map(async cluster => {
      const signals = Object.fromEntries(
        await Promise.all(
          RETENTION_SIGNALS.map(async signal => {
            const bounds = signalBounds(
              options.bounds,
              signal,
              cluster.environment,
              fleet,
            );
            const ownership = retentionOwner(signal, cluster.name, fleet);
            const fleetWideOwner = ownership.fleetWide
              ? ownership.owner
              : undefined;
            if (!ownership.owner) {
              const entry: SignalRetention = {
                settings: {},
                bounds,
                missing: [],
                error: ownership.problem,
              };
              return [signal, entry];
            }
            const { values, error } = await read(ownership.owner);
            if (values === undefined) {
              const entry: SignalRetention = {
                settings: {},
                bounds,
                missing: [],
                error,
                ...(fleetWideOwner ? { fleetWideOwner } : {}),
              };
              return [signal, entry];
            }
            const { settings, missing } = readRetentionFromValues(
              values,
              signal,
            );
            const entry: SignalRetention = {
              settings,
              bounds,
              missing,
              source: source!.describe(ownership.owner),
              longestDays:
                missing.length === 0
                  ? longestRetentionDays(signal, settings as RetentionSettings)
                  : undefined,
              ...(fleetWideOwner ? { fleetWideOwner } : {}),
            };
            return [signal, entry];
          }),
        ),
      ) as Record<RetentionSignal, SignalRetention>;
      return {
        cluster: cluster.name,
        environment: cluster.environment,
        signals,
      };
    }),
  );
}
