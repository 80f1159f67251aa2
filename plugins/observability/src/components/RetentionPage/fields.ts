import { RetentionSignal } from '@fleetobs/plugin-observability-common';

/** The editable settings of each signal, with labels, in display order. */
export const RETENTION_FIELDS: Record<
  RetentionSignal,
  Array<{ field: string; label: string }>
> = {
  metrics: [
    { field: 'raw', label: 'Raw' },
    { field: 'fiveMinutes', label: '5m downsampled' },
    { field: 'oneHour', label: '1h downsampled' },
    { field: 'bucketLifecycle', label: 'Bucket lifecycle' },
  ],
  logs: [
    { field: 'rolloverMaxAge', label: 'Rollover age' },
    { field: 'rolloverMaxSize', label: 'Rollover size' },
    { field: 'warmAfter', label: 'Warm after' },
    { field: 'deleteAfter', label: 'Delete after' },
  ],
  traces: [
    { field: 'rolloverMaxAge', label: 'Rollover age' },
    { field: 'rolloverMaxSize', label: 'Rollover size' },
    { field: 'warmAfter', label: 'Warm after' },
    { field: 'deleteAfter', label: 'Delete after' },
  ],
};

export const SIGNAL_LABELS: Record<RetentionSignal, string> = {
  metrics: 'Metrics (Thanos)',
  logs: 'Logs (ILM logs-*)',
  traces: 'Traces (ILM jaeger-span-*)',
};
