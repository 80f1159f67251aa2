import type {
  AlertsAnswer,
  HealthStatus,
} from '@fleetobs/plugin-observability-common';
import { countAlerts } from './alertFilters';

/** One line for the overview card: a status and what fires where. */
export function alertsSummary(answer: AlertsAnswer): {
  status: HealthStatus;
  statusText: string;
  text: string;
} {
  const counts = countAlerts(answer.alerts);
  const active = answer.alerts.filter(a => a.state === 'active');
  const muted = answer.alerts.length - active.length;
  const clusters = [...new Set(active.map(a => a.cluster))].sort();
  const parts = [
    counts.critical && `${counts.critical} critical`,
    counts.warning && `${counts.warning} warning`,
    counts.other && `${counts.other} other`,
  ].filter(Boolean);
  const unknown = answer.unavailable.map(u => u.cluster);
  const text = [
    active.length > 0
      ? `${parts.join(', ')} firing in ${clusters.join(', ')}`
      : 'No alerts firing',
    muted > 0 && `${muted} silenced or inhibited`,
    unknown.length > 0 && `unknown in ${unknown.join(', ')}`,
  ]
    .filter(Boolean)
    .join(' · ');
  if (counts.critical > 0)
    return { status: 'critical', statusText: 'Firing', text };
  if (active.length > 0) return { status: 'warn', statusText: 'Firing', text };
  if (unknown.length > 0)
    return { status: 'unknown', statusText: 'Unknown', text };
  return { status: 'ok', statusText: 'None firing', text };
}
