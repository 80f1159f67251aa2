import type {
  AlertCounts,
  AlertMatcher,
  AlertState,
  FiringAlert,
} from '@fleetobs/plugin-observability-common';

/** Severities in the order the filters and the counts show them. */
export const SEVERITIES = ['critical', 'warning', 'info', 'none'] as const;

export const STATES: AlertState[] = ['active', 'silenced', 'inhibited'];

export interface AlertFilter {
  /** Severities shown; empty: all. */
  severities: string[];
  /** States shown; empty: all. */
  states: AlertState[];
}

export function filterAlerts(
  alerts: FiringAlert[],
  filter: AlertFilter,
): FiringAlert[] {
  return alerts.filter(
    a =>
      (filter.severities.length === 0 ||
        filter.severities.includes(a.severity)) &&
      (filter.states.length === 0 || filter.states.includes(a.state)),
  );
}

/** Most severe first, then the longest firing. */
export function sortAlerts(alerts: FiringAlert[]): FiringAlert[] {
  const rank = (s: string) => {
    const i = (SEVERITIES as readonly string[]).indexOf(s);
    return i === -1 ? SEVERITIES.length : i;
  };
  return [...alerts].sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) || a.since.localeCompare(b.since),
  );
}

/** Notifying alerts by severity: silenced and inhibited ones are not counted. */
export function countAlerts(alerts: FiringAlert[]): AlertCounts {
  const counts: AlertCounts = { critical: 0, warning: 0, other: 0 };
  for (const a of alerts) {
    if (a.state !== 'active') continue;
    if (a.severity === 'critical') counts.critical += 1;
    else if (a.severity === 'warning') counts.warning += 1;
    else counts.other += 1;
  }
  return counts;
}

/**
 * The matchers of a silence for one alert: each of its labels, as Alertmanager's own
 * "Silence" button fills them in, so it mutes that alert and no other.
 */
export function silenceMatchersFor(alert: FiringAlert): AlertMatcher[] {
  return Object.entries(alert.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

/** The permission's resource: the entity, or the cluster's Resource entity for cluster alerts. */
export function silenceResourceRef(
  entityRef: string | undefined,
  cluster: string | undefined,
): string | undefined {
  if (entityRef) return entityRef;
  return cluster ? `resource:default/${cluster}` : undefined;
}
