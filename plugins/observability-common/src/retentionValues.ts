import {
  IlmRetention,
  MetricsRetention,
  RetentionSettings,
  RetentionSignal,
} from './retention';

/**
 * Where each retention setting lives in a cluster's app-of-apps values file
 * (`values.<cluster>.yaml`), as a key path. The back end reads these to show the
 * effective retention; the scaffolder's retention action writes them.
 *
 * - metrics: the Thanos compactor's `--retention.resolution-raw|5m|1h` flags and the
 *   bucket lifecycle rule rendered by the monitoring chart;
 * - logs / traces: the ILM policies of `logs-*` and `jaeger-span-*`.
 *
 * @public
 */
export const RETENTION_VALUE_PATHS: {
  metrics: Record<keyof MetricsRetention, string[]>;
  logs: Record<keyof IlmRetention, string[]>;
  traces: Record<keyof IlmRetention, string[]>;
} = {
  metrics: {
    raw: ['observability', 'thanos', 'compactor', 'retention', 'raw'],
    fiveMinutes: ['observability', 'thanos', 'compactor', 'retention', '5m'],
    oneHour: ['observability', 'thanos', 'compactor', 'retention', '1h'],
    bucketLifecycle: ['observability', 'thanos', 'objstore', 'lifecycle'],
  },
  logs: ilmPaths('logging'),
  traces: ilmPaths('tracing'),
};

function ilmPaths(section: string): Record<keyof IlmRetention, string[]> {
  const ilm = ['observability', section, 'ilm'];
  return {
    rolloverMaxAge: [...ilm, 'rollover', 'maxAge'],
    rolloverMaxSize: [...ilm, 'rollover', 'maxSize'],
    warmAfter: [...ilm, 'warm', 'minAge'],
    deleteAfter: [...ilm, 'delete', 'minAge'],
  };
}

function getIn(value: unknown, path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') {
      return undefined;
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * The retention of one signal as a parsed values file states it; `missing` lists the
 * key paths that are absent (so the caller can say where a figure did not come from).
 *
 * @public
 */
export function readRetentionFromValues(
  values: unknown,
  signal: RetentionSignal,
): { settings: Partial<RetentionSettings>; missing: string[] } {
  const paths = RETENTION_VALUE_PATHS[signal] as Record<string, string[]>;
  const settings: Record<string, string> = {};
  const missing: string[] = [];
  for (const [field, path] of Object.entries(paths)) {
    const found = getIn(values, path);
    if (typeof found === 'string' || typeof found === 'number') {
      settings[field] = String(found);
    } else {
      missing.push(path.join('.'));
    }
  }
  return { settings: settings as Partial<RetentionSettings>, missing };
}
