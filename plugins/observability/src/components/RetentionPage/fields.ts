import {
  RETENTION_SIGNALS,
  RetentionSignal,
} from '@fleetobs/plugin-observability-common';
import { SETTING_LABELS, settingFields } from '../RetentionField';

/** The settings of each signal with their labels, in the order of the values file. */
export const RETENTION_FIELDS = Object.fromEntries(
  RETENTION_SIGNALS.map(signal => [
    signal,
    settingFields(signal).map(field => ({
      field,
      label: SETTING_LABELS[field] ?? field,
    })),
  ]),
) as Record<RetentionSignal, Array<{ field: string; label: string }>>;

export const SIGNAL_LABELS: Record<RetentionSignal, string> = {
  metrics: 'Metrics (Thanos)',
  logs: 'Logs (ILM logs-*)',
  traces: 'Traces (ILM jaeger-span-*)',
};
