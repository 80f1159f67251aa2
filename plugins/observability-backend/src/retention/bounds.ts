import {
  RetentionBounds,
  RetentionSignal,
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
