import { Config } from '@backstage/config';
import {
  IlmRetention,
  MetricsRetention,
  RetentionBounds,
  RetentionSignal,
  durationDays,
  intersectBounds,
  longestRetentionDays,
  validateRetention,
} from '@fleetobs/plugin-observability-common';

/**
 * The retention a new values file starts with. Traces only in the ops file (fleet-wide).
 *
 * @public
 */
export interface NewClusterRetention {
  metrics: MetricsRetention;
  logs: IlmRetention;
  traces: IlmRetention;
}

const ilm = (warmAfter: string, deleteAfter: string): IlmRetention => ({
  rolloverMaxAge: '1d',
  rolloverMaxSize: '50gb',
  warmAfter,
  deleteAfter,
});

/**
 * Built-in defaults per environment (those of the example GitOps repository's clusters),
 * used where `observability.retention.defaults` says nothing.
 */
const BUILT_IN: Record<string, NewClusterRetention> = {
  dev: {
    metrics: {
      raw: '7d',
      fiveMinutes: '30d',
      oneHour: '90d',
      bucketLifecycle: '100d',
    },
    logs: ilm('7d', '14d'),
    traces: ilm('3d', '14d'),
  },
  stag: {
    metrics: {
      raw: '14d',
      fiveMinutes: '60d',
      oneHour: '180d',
      bucketLifecycle: '200d',
    },
    logs: ilm('7d', '30d'),
    traces: ilm('3d', '14d'),
  },
  prod: {
    metrics: {
      raw: '30d',
      fiveMinutes: '180d',
      oneHour: '730d',
      bucketLifecycle: '800d',
    },
    logs: ilm('7d', '90d'),
    traces: ilm('3d', '14d'),
  },
  ops: {
    metrics: {
      raw: '30d',
      fiveMinutes: '90d',
      oneHour: '1y',
      bucketLifecycle: '400d',
    },
    logs: ilm('7d', '30d'),
    traces: ilm('3d', '14d'),
  },
};

const SIGNALS = ['metrics', 'logs', 'traces'] as const;
const FIELDS: Record<(typeof SIGNALS)[number], string[]> = {
  metrics: ['raw', 'fiveMinutes', 'oneHour', 'bucketLifecycle'],
  logs: ['rolloverMaxAge', 'rolloverMaxSize', 'warmAfter', 'deleteAfter'],
  traces: ['rolloverMaxAge', 'rolloverMaxSize', 'warmAfter', 'deleteAfter'],
};

const days = (n: number) => `${Math.round(n)}d`;
const d = (text: string) => durationDays(text) ?? 0;

/**
 * A built-in default moved into the environment's bounds: the longest retention
 * (1h resolution, or the ILM delete phase) clamped, and the shorter ones kept in order.
 */
function fitBuiltIn<T extends MetricsRetention | IlmRetention>(
  signal: RetentionSignal,
  settings: T,
  bounds: RetentionBounds,
): T {
  const longest = longestRetentionDays(signal, settings) ?? 0;
  const target = Math.min(
    Math.max(longest, bounds.minDays ?? longest),
    bounds.maxDays ?? Infinity,
  );
  if (target === longest) return settings;
  if (signal === 'metrics') {
    const m = settings as MetricsRetention;
    const five = Math.min(d(m.fiveMinutes), target);
    return {
      raw: days(Math.min(d(m.raw), five)),
      fiveMinutes: days(five),
      oneHour: days(target),
      bucketLifecycle: days(Math.max(d(m.bucketLifecycle), target)),
    } as T;
  }
  const i = settings as IlmRetention;
  const warm = Math.max(Math.min(d(i.warmAfter), target - 1), 0);
  return {
    ...i,
    rolloverMaxAge: days(Math.min(d(i.rolloverMaxAge), warm)),
    warmAfter: days(warm),
    deleteAfter: days(target),
  } as T;
}

/** The bounds of `observability.retention.bounds.<environment>.<signal>`. */
function boundsOf(
  config: Config,
  environment: string,
  signal: string,
): RetentionBounds {
  const b = config.getOptionalConfig(
    `observability.retention.bounds.${environment}.${signal}`,
  );
  return {
    minDays: b?.getOptionalNumber('minDays'),
    maxDays: b?.getOptionalNumber('maxDays'),
  };
}

/**
 * The retention of a new cluster's values file, per environment: each setting from
 * `observability.retention.defaults.<environment>.<signal>.<field>` when configured, else
 * the built-in default of the environment fitted into
 * `observability.retention.bounds.<environment>.<signal>` (the bounds retention requests
 * are held to). Traces are one fleet-wide policy (the ops file's), bounded by every
 * environment's trace bounds. Configured defaults that break the ordering rules or the
 * bounds fail at start-up, naming the key.
 */
export function readRetentionDefaults(
  config: Config,
): (environment: string) => NewClusterRetention {
  const table: Record<string, NewClusterRetention> = {};
  const environments = new Set([
    ...Object.keys(BUILT_IN),
    ...(config.getOptionalConfig('observability.retention.defaults')?.keys() ??
      []),
  ]);
  const allEnvironments = new Set([
    ...environments,
    ...(config.getOptionalConfig('observability.retention.bounds')?.keys() ??
      []),
  ]);
  for (const environment of environments) {
    const builtIn = BUILT_IN[environment] ?? BUILT_IN.dev;
    const entry = {} as Record<string, MetricsRetention | IlmRetention>;
    for (const signal of SIGNALS) {
      const key = `observability.retention.defaults.${environment}.${signal}`;
      const bounds =
        signal === 'traces'
          ? intersectBounds(
              [...allEnvironments].map(e => boundsOf(config, e, signal)),
            )
          : boundsOf(config, environment, signal);
      const fitted = fitBuiltIn(
        signal,
        builtIn[signal],
        bounds,
      ) as unknown as Record<string, string>;
      const configured = config.getOptionalConfig(key);
      const settings: Record<string, string> = {};
      for (const field of FIELDS[signal]) {
        settings[field] = configured?.getOptionalString(field) ?? fitted[field];
      }
      if (configured) {
        const problems = validateRetention(
          signal,
          settings as unknown as MetricsRetention | IlmRetention,
          bounds,
        );
        if (problems.length) {
          throw new Error(
            `${key}: ${problems
              .map(p => `${p.field} ${p.message}`)
              .join('; ')}`,
          );
        }
      }
      entry[signal] = settings as unknown as MetricsRetention | IlmRetention;
    }
    table[environment] = entry as unknown as NewClusterRetention;
  }
  return environment => table[environment] ?? table.dev;
}
