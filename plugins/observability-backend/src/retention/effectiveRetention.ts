import {
  ClusterRetention,
  SignalRetention,
  RETENTION_SIGNALS,
  RetentionSettings,
  RetentionSignal,
  longestRetentionDays,
  readRetentionFromValues,
} from '@fleetobs/plugin-observability-common';
import { FleetCluster } from '../lib/clusters';
import { RetentionBoundsLookup } from './bounds';
import { GitopsValuesSource } from './GitopsValuesSource';

export type { ClusterRetention, SignalRetention };

/** The retention each cluster runs with today, per signal, and where it says so. */
export async function readEffectiveRetention(options: {
  clusters: FleetCluster[];
  source?: GitopsValuesSource;
  bounds: RetentionBoundsLookup;
}): Promise<ClusterRetention[]> {
  const { source } = options;
  return Promise.all(
    options.clusters.map(async cluster => {
      let values: unknown;
      let error: string | undefined;
      if (!source) {
        error = 'No GitOps repository is configured (observability.gitops)';
      } else {
        try {
          values = await source.read(cluster.name);
          if (values === undefined) {
            error = `No values file for ${cluster.name} in ${source.describe(
              cluster.name,
            )}`;
          }
        } catch (e) {
          error = (e as Error).message;
        }
      }
      const signals = Object.fromEntries(
        RETENTION_SIGNALS.map(signal => {
          const bounds = options.bounds(cluster.environment, signal);
          if (values === undefined) {
            return [signal, { settings: {}, bounds, missing: [], error }];
          }
          const { settings, missing } = readRetentionFromValues(values, signal);
          return [
            signal,
            {
              settings,
              bounds,
              missing,
              source: source!.describe(cluster.name),
              longestDays:
                missing.length === 0
                  ? longestRetentionDays(signal, settings as RetentionSettings)
                  : undefined,
            },
          ];
        }),
      ) as Record<RetentionSignal, SignalRetention>;
      return {
        cluster: cluster.name,
        environment: cluster.environment,
        signals,
      };
    }),
  );
}
