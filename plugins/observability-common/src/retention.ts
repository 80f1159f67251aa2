import { durationDays, parseDuration } from './duration';

/** @public */
export type RetentionSignal = 'metrics' | 'logs' | 'traces';

/** @public */
export const RETENTION_SIGNALS: readonly RetentionSignal[] = [
  'metrics',
  'logs',
  'traces',
];

/**
 * Thanos compactor retention per resolution (`--retention.resolution-raw`, `-5m`,
 * `-1h`) and the object-storage lifecycle rule that must outlive them.
 *
 * @public
 */
export interface MetricsRetention {
  raw: string;
  fiveMinutes: string;
  oneHour: string;
  bucketLifecycle: string;
}

/**
 * An Elasticsearch ILM policy's rollover and phase ages (logs-* or jaeger-span-*).
 *
 * @public
 */
export interface IlmRetention {
  rolloverMaxAge: string;
  rolloverMaxSize: string;
  warmAfter: string;
  deleteAfter: string;
}

/** @public */
export type RetentionSettings = MetricsRetention | IlmRetention;

/** Bounds of the longest retention of a signal, in days. @public */
export interface RetentionBounds {
  minDays?: number;
  maxDays?: number;
}

/** A problem with a requested retention, naming the field. @public */
export interface RetentionProblem {
  field: string;
  message: string;
}

const SIZE = /^(\d+)(b|kb|mb|gb|tb)$/;

/**
 * How long the data of a signal is kept in total: the 1h resolution for metrics,
 * the delete phase for logs and traces.
 *
 * @public
 */
export function longestRetentionDays(
  signal: RetentionSignal,
  settings: RetentionSettings,
): number | undefined {
  return signal === 'metrics'
    ? durationDays((settings as MetricsRetention).oneHour)
    : durationDays((settings as IlmRetention).deleteAfter);
}

function checkDurations(
  settings: Record<string, string>,
  fields: string[],
  problems: RetentionProblem[],
) {
  for (const field of fields) {
    const value = settings[field];
    if (typeof value !== 'string' || parseDuration(value) === undefined) {
      problems.push({
        field,
        message: `"${value ?? ''}" is not a duration like 30d, 720h or 1y`,
      });
    } else if (parseDuration(value) === 0) {
      problems.push({ field, message: 'must be longer than zero' });
    }
  }
}

/**
 * Checks a requested retention: durations parse, metrics keep raw ≤ 5m ≤ 1h ≤ bucket
 * lifecycle, ILM phases are in order (rollover ≤ warm, warm before delete), and the longest
 * retention is within the environment's bounds. Returns every problem found.
 *
 * @public
 */
export function validateRetention(
  signal: RetentionSignal,
  settings: RetentionSettings,
  bounds: RetentionBounds = {},
): RetentionProblem[] {
  const problems: RetentionProblem[] = [];
  const s = settings as unknown as Record<string, string>;
  if (signal === 'metrics') {
    const fields = ['raw', 'fiveMinutes', 'oneHour', 'bucketLifecycle'];
    checkDurations(s, fields, problems);
    if (problems.length === 0) {
      const [raw, five, hour, lifecycle] = fields.map(
        f => parseDuration(s[f])!,
      );
      if (raw > five) {
        problems.push({
          field: 'raw',
          message: 'raw retention must not exceed the 5m retention',
        });
      }
      if (five > hour) {
        problems.push({
          field: 'fiveMinutes',
          message: 'the 5m retention must not exceed the 1h retention',
        });
      }
      if (lifecycle < Math.max(raw, five, hour)) {
        problems.push({
          field: 'bucketLifecycle',
          message:
            'the bucket lifecycle rule must outlive the longest compactor retention',
        });
      }
    }
  } else {
    checkDurations(s, ['rolloverMaxAge', 'warmAfter', 'deleteAfter'], problems);
    if (
      typeof s.rolloverMaxSize !== 'string' ||
      !SIZE.test(s.rolloverMaxSize)
    ) {
      problems.push({
        field: 'rolloverMaxSize',
        message: `"${s.rolloverMaxSize ?? ''}" is not a size like 50gb`,
      });
    }
    if (problems.length === 0) {
      const rollover = parseDuration(s.rolloverMaxAge)!;
      const warm = parseDuration(s.warmAfter)!;
      const del = parseDuration(s.deleteAfter)!;
      if (rollover > warm) {
        problems.push({
          field: 'warmAfter',
          message: 'the warm phase must not start before rollover',
        });
      }
      if (del <= warm) {
        problems.push({
          field: 'deleteAfter',
          message: 'the delete phase must come after the warm phase',
        });
      }
    }
  }
  if (problems.length === 0) {
    const days = longestRetentionDays(signal, settings)!;
    if (bounds.minDays !== undefined && days < bounds.minDays) {
      problems.push({
        field: signal === 'metrics' ? 'oneHour' : 'deleteAfter',
        message: `keeps ${days} days, below the minimum of ${bounds.minDays} days for this environment`,
      });
    }
    if (bounds.maxDays !== undefined && days > bounds.maxDays) {
      problems.push({
        field: signal === 'metrics' ? 'oneHour' : 'deleteAfter',
        message: `keeps ${days} days, above the maximum of ${bounds.maxDays} days for this environment`,
      });
    }
  }
  return problems;
}

/** @public */
export type RetentionRequestState =
  | 'pending'
  | 'approved'
  | 'applied'
  | 'failed'
  | 'rejected'
  | 'cancelled';

/** The transitions a retention request may take. @public */
export const RETENTION_TRANSITIONS: Record<
  RetentionRequestState,
  RetentionRequestState[]
> = {
  pending: ['approved', 'rejected', 'cancelled'],
  approved: ['applied', 'failed'],
  applied: [],
  failed: [],
  rejected: [],
  cancelled: [],
};

/** One line of a request's audit trail. @public */
export interface RetentionAuditEntry {
  at: string;
  /** Entity ref of the user (or service) that made the transition. */
  actor: string;
  from: RetentionRequestState | null;
  to: RetentionRequestState;
  comment?: string;
}

/** The storage estimate of a change and the measured inputs it used. @public */
export interface RetentionCostEstimate {
  currentGb: number;
  requestedGb: number;
  deltaGb: number;
  currency: string;
  /** Monthly cost of the change (positive: more expensive). */
  deltaMonthlyCost: number;
  /** The measured ingest rates, prices and assumptions, by name. */
  inputs: Record<string, number | string>;
  /** Why the estimate is missing a measured input, when it is. */
  warnings: string[];
}

/** @public */
export interface RetentionRequest {
  id: string;
  cluster: string;
  signal: RetentionSignal;
  current?: RetentionSettings;
  requested: RetentionSettings;
  justification: string;
  state: RetentionRequestState;
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  estimate?: RetentionCostEstimate;
  /** The pull request to the GitOps repository that applies the change. */
  pullRequest?: { url?: string; branch?: string; taskId?: string };
  audit: RetentionAuditEntry[];
}

/**
 * What the apply task of a request may apply (answer of
 * `GET /v1/retention-requests/:id/apply`, for service principals: the scaffolder's
 * `obs:retention:apply`). The action applies `requested` only when `state` is
 * `approved`, `taskId` is the task it runs in, and `problems` is empty.
 *
 * @public
 */
export interface RetentionApplySpec {
  requestId: string;
  state: RetentionRequestState;
  /** The scaffolder task recorded to apply the change; absent until one is started. */
  taskId?: string;
  cluster: string;
  /** The cluster's environment now; absent when the cluster left the fleet. */
  environment?: string;
  signal: RetentionSignal;
  /** The approved settings, exactly as approved. */
  requested: RetentionSettings;
  /** The environment's bounds as configured now (not when the request was filed). */
  bounds: RetentionBounds;
  /** Problems of `requested` against those bounds and the ordering rules. */
  problems: RetentionProblem[];
  /** Who approved it (from the audit trail). */
  approvedBy?: string;
  /** Title of the pull request. */
  title: string;
}

/**
 * What a requested change would do (answer of `POST /v1/retention/plan`): today's
 * settings and where they came from, the problems, and the cost estimate.
 *
 * @public
 */
export interface RetentionPlan {
  cluster: string;
  environment: string;
  signal: RetentionSignal;
  current?: RetentionSettings;
  /** Where the current settings came from, or why they are unknown. */
  currentSource?: string;
  requested: RetentionSettings;
  bounds: RetentionBounds;
  problems: RetentionProblem[];
  estimate?: RetentionCostEstimate;
  /**
   * Set for a fleet-wide signal (traces, see FLEET_WIDE_RETENTION): the cluster whose
   * values file holds the one setting of the whole fleet.
   */
  fleetWideOwner?: string;
}

/** The retention a cluster runs with today, for one signal. @public */
export interface SignalRetention {
  /** The settings found; partial when keys are missing from the values file. */
  settings: Partial<RetentionSettings>;
  /** How long the data is kept in total, when known. */
  longestDays?: number;
  bounds: RetentionBounds;
  /** Where the figures came from (the values file), or why there are none. */
  source?: string;
  missing: string[];
  error?: string;
  /**
   * Set for a fleet-wide signal (traces): the cluster whose values file holds the one
   * setting every cluster runs with (`settings` and `source` are that file's).
   */
  fleetWideOwner?: string;
}

/** Answer item of `GET /v1/retention`. @public */
export interface ClusterRetention {
  cluster: string;
  environment: string;
  signals: Record<RetentionSignal, SignalRetention>;
}
