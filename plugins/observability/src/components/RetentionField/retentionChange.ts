import {
  RETENTION_SIGNALS,
  RETENTION_VALUE_PATHS,
  RetentionPlan,
  RetentionSettings,
  RetentionSignal,
} from '@fleetobs/plugin-observability-common';
import { RetentionPlanInput } from '../../api';

/** The name templates use: `ui:field: RetentionChangeField`. */
export const RETENTION_CHANGE_FIELD_NAME = 'RetentionChangeField';

/**
 * Where the field finds the cluster, the signal and the settings in the form.
 *
 * @public
 */
export interface RetentionFieldOptions {
  /** Form key of the cluster (a name or an entity ref); default `cluster`. */
  clusterField?: string;
  /** Form key of the signal; default `signal`. */
  signalField?: string;
  /** Form key of the settings object per signal; default metrics → `metrics`, logs/traces → `ilm`. */
  settingsFields?: Partial<Record<RetentionSignal, string>>;
}

export type { RetentionPlan };

/** Labels of the settings, in the order of RETENTION_VALUE_PATHS. */
export const SETTING_LABELS: Record<string, string> = {
  raw: 'Raw samples',
  fiveMinutes: '5m downsampled',
  oneHour: '1h downsampled',
  bucketLifecycle: 'Bucket lifecycle rule',
  rolloverMaxAge: 'Rollover after',
  rolloverMaxSize: 'Rollover size',
  warmAfter: 'Warm phase after',
  deleteAfter: 'Delete after',
};

export const settingFields = (signal: RetentionSignal) =>
  Object.keys(RETENTION_VALUE_PATHS[signal]);

/** `resource:default/prod-01` or `prod-01` → `prod-01`. */
export const clusterName = (value: string) =>
  value.split('/').pop()!.split(':').pop()!.trim();

/**
 * The change the form describes, or what is still missing: the field plans only when
 * the cluster, the signal and every setting of that signal are filled in.
 */
export function readPlanInput(
  formData: Record<string, unknown> | undefined,
  options: RetentionFieldOptions = {},
): { input?: RetentionPlanInput; missing: string[] } {
  const data = formData ?? {};
  const cluster = data[options.clusterField ?? 'cluster'];
  const signal = data[options.signalField ?? 'signal'] as RetentionSignal;
  const missing: string[] = [];
  if (typeof cluster !== 'string' || !clusterName(cluster)) {
    missing.push('cluster');
  }
  if (!RETENTION_SIGNALS.includes(signal)) {
    missing.push('signal');
    return { missing };
  }
  const settingsKey =
    options.settingsFields?.[signal] ??
    (signal === 'metrics' ? 'metrics' : 'ilm');
  const settings = (data[settingsKey] ?? {}) as Record<string, unknown>;
  const requested: Record<string, string> = {};
  for (const field of settingFields(signal)) {
    const value = settings[field];
    if (
      (typeof value !== 'string' && typeof value !== 'number') ||
      String(value).trim() === ''
    ) {
      missing.push(SETTING_LABELS[field]);
    } else {
      requested[field] = String(value).trim();
    }
  }
  if (missing.length) {
    return { missing };
  }
  return {
    input: {
      cluster: clusterName(cluster as string),
      signal,
      requested: requested as unknown as RetentionSettings,
    },
    missing,
  };
}

/**
 * What the field stores as its value: enough for the review page and validation.
 *
 * @public
 */
export interface RetentionChangeSummary {
  cluster: string;
  signal: RetentionSignal;
  valid: boolean;
  problems: string[];
  deltaGb?: number;
  deltaMonthlyCost?: number;
  currency?: string;
}

export function summarize(plan: RetentionPlan): RetentionChangeSummary {
  return {
    cluster: plan.cluster,
    signal: plan.signal,
    valid: plan.problems.length === 0,
    problems: plan.problems.map(
      p => `${SETTING_LABELS[p.field] ?? p.field}: ${p.message}`,
    ),
    ...(plan.estimate
      ? {
          deltaGb: plan.estimate.deltaGb,
          deltaMonthlyCost: plan.estimate.deltaMonthlyCost,
          currency: plan.estimate.currency,
        }
      : {}),
  };
}
