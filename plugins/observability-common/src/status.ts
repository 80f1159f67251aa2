import {
  CheckResult,
  CheckSummary,
  ClusterHealth,
  FleetHealth,
  FleetHealthSummary,
  HealthStatus,
  SignalHealth,
} from './types';

// Order of severity used when rolling checks up into a signal and signals into a
// cluster: an `unknown` part hides less than a `critical` one, but more than `warn`,
// because "we could not look" must never read as healthy.
const SEVERITY: Record<HealthStatus, number> = {
  ok: 0,
  warn: 1,
  unknown: 2,
  critical: 3,
};

/**
 * The worst of several statuses; `unknown` when there is nothing to judge by.
 *
 * @public
 */
export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus | undefined;
  for (const status of statuses) {
    if (worst === undefined || SEVERITY[status] > SEVERITY[worst]) {
      worst = status;
    }
  }
  return worst ?? 'unknown';
}

/**
 * Rolls checks up into the health of one signal.
 *
 * @public
 */
export function signalHealth(checks: CheckResult[]): SignalHealth {
  return { status: worstStatus(checks.map(c => c.status)), checks };
}

/**
 * How bad a status is, for sorting: ok 0, warn 1, unknown 2, critical 3.
 *
 * @public
 */
export function statusSeverity(status: HealthStatus): number {
  return SEVERITY[status];
}

/** Whether a check carries its evidence, failure mode, mitigation and links. @public */
export function isFullCheck(
  check: CheckResult | CheckSummary,
): check is CheckResult {
  return 'evidence' in check;
}

/**
 * The summary view of a fleet: `ok` checks of clusters lose their evidence, failure
 * mode, mitigation and links; everything else is kept as it is.
 *
 * @public
 */
export function summarizeFleet(fleet: FleetHealth): FleetHealthSummary {
  return {
    ...fleet,
    clusters: fleet.clusters.map(cluster => ({
      ...cluster,
      signals: Object.fromEntries(
        Object.entries(cluster.signals).map(([signal, health]) => [
          signal,
          {
            ...health,
            checks: health.checks.map(check =>
              check.status === 'ok'
                ? {
                    id: check.id,
                    status: check.status,
                    summary: check.summary,
                    observedAt: check.observedAt,
                  }
                : check,
            ),
          },
        ]),
      ) as ClusterHealth<CheckResult | CheckSummary>['signals'],
    })),
  };
}
