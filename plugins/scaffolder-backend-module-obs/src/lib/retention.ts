import { InputError } from '@backstage/errors';
import {
  RETENTION_SIGNALS,
  RETENTION_VALUE_PATHS,
  RetentionSettings,
  RetentionSignal,
} from '@fleetobs/plugin-observability-common';

/** One setting that a change touches. `from` is absent when today's value is unknown. */
export interface RetentionChange {
  field: string;
  path: string;
  from?: string;
  to: string;
}

/** The settings of a signal, in the order of RETENTION_VALUE_PATHS. */
export const retentionFields = (signal: RetentionSignal): string[] =>
  Object.keys(RETENTION_VALUE_PATHS[signal]);

/** Where a setting lives in the values file, dotted (for messages and diffs). */
export const retentionPath = (signal: RetentionSignal, field: string) =>
  (RETENTION_VALUE_PATHS[signal] as Record<string, string[]>)[field].join('.');

/** A cluster name as in `values.<cluster>.yaml` (not an entity ref). */
export const CLUSTER_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** The signals, as a tuple for `z.enum`. */
export const SIGNALS = RETENTION_SIGNALS as [
  RetentionSignal,
  ...RetentionSignal[],
];

/**
 * Messages and descriptions of the inputs the retention actions share. Each action
 * declares its zod schema itself (inferred zod types do not export portably).
 */
export const INPUT_TEXT = {
  clusterPattern: 'must be a cluster name like prod-01 (not an entity ref)',
  cluster: 'Cluster name, as in values.<cluster>.yaml (e.g. prod-01)',
  signal:
    'metrics (Thanos), logs (ILM of logs-*) or traces (ILM of jaeger-span-*)',
  requested:
    'Requested settings. metrics: raw, fiveMinutes, oneHour, bucketLifecycle; logs/traces: rolloverMaxAge, rolloverMaxSize, warmAfter, deleteAfter (durations like 30d or 720h, sizes like 50gb)',
};

/**
 * The settings of `signal` out of `requested`: every field of the signal must be there
 * (the error names the missing ones); keys of other signals (left over by a form that
 * switched signal) are ignored.
 */
export function pickSettings(
  signal: RetentionSignal,
  requested: Record<string, string | number>,
): RetentionSettings {
  const fields = retentionFields(signal);
  const missing = fields.filter(
    f => requested[f] === undefined || String(requested[f]).trim() === '',
  );
  if (missing.length) {
    throw new InputError(
      `Invalid input: ${missing
        .map(f => `requested.${f}: is required for ${signal}`)
        .join('; ')}`,
    );
  }
  return Object.fromEntries(
    fields.map(f => [f, String(requested[f]).trim()]),
  ) as unknown as RetentionSettings;
}

/** The settings that differ between today's and the requested retention. */
export function retentionDiff(
  signal: RetentionSignal,
  current: Partial<Record<string, string>> | undefined,
  requested: RetentionSettings,
): RetentionChange[] {
  const wanted = requested as unknown as Record<string, string>;
  return retentionFields(signal)
    .filter(f => current?.[f] !== wanted[f])
    .map(f => ({
      field: f,
      path: retentionPath(signal, f),
      ...(current?.[f] !== undefined ? { from: current[f] } : {}),
      to: wanted[f],
    }));
}

/** Problems as one message naming each field: `requested.<field> <message>`. */
export const describeProblems = (
  problems: Array<{ field: string; message: string }>,
) => problems.map(p => `requested.${p.field}: ${p.message}`).join('; ');
