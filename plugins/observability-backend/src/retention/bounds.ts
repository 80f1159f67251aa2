import {
  FLEET_WIDE_RETENTION,
  RetentionBounds,
  RetentionSignal,
  intersectBounds,
} from '@fleetobs/plugin-observability-common';
import type { RetentionBoundsTable } from '../config';

/** Bounds of the longest retention of one environment's signal. */
export type RetentionBoundsLookup = (
  environment: string,
  signal: RetentionSignal,
) => RetentionBounds;

const own = (object: object, key: string) =>
  Object.prototype.hasOwnProperty.call(object, key);

/**
 * The bounds per environment and signal of `observability.retention.bounds` (read by
 * ../config.ts); none where config says nothing.
 */
export function retentionBoundsLookup(
  table: RetentionBoundsTable,
): RetentionBoundsLookup {
  return (environment, signal) => {
    const signals = own(table, environment) ? table[environment] : undefined;
    const b = signals && own(signals, signal) ? signals[signal] : undefined;
    return { minDays: b?.minDays, maxDays: b?.maxDays };
  };
}

/**
 * The bounds a change of `signal` for a cluster of `environment` must keep: the
 * environment's own, or for a fleet-wide signal (traces: one policy holds every
 * cluster's spans) those of every environment of the fleet at once.
 */
export function signalBounds(
  lookup: RetentionBoundsLookup,
  signal: RetentionSignal,
  environment: string,
  fleet: ReadonlyArray<{ environment: string }>,
): RetentionBounds {
  if (!FLEET_WIDE_RETENTION[signal]) return lookup(environment, signal);
  const environments = new Set([environment, ...fleet.map(c => c.environment)]);
  return intersectBounds([...environments].map(e => lookup(e, signal)));
}
