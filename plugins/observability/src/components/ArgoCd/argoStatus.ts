import {
  EntityGitopsResponse,
  GitopsApplication,
  HealthStatus,
  worstStatus,
} from '@fleetobs/plugin-observability-common';

/** `status.sync.status` as a fleet status: OutOfSync needs attention, Unknown is unknown. */
export function syncStatus(sync: string): HealthStatus {
  if (sync === 'Synced') return 'ok';
  if (sync === 'OutOfSync') return 'warn';
  return 'unknown';
}

/** `status.health.status`: Degraded / Missing are down, Progressing / Suspended wait. */
export function healthStatus(health: string): HealthStatus {
  switch (health) {
    case 'Healthy':
      return 'ok';
    case 'Degraded':
    case 'Missing':
      return 'critical';
    case 'Progressing':
    case 'Suspended':
      return 'warn';
    default:
      return 'unknown';
  }
}

/** The last sync operation's phase: Failed / Error are failures. */
export function phaseStatus(phase: string): HealthStatus {
  if (phase === 'Succeeded') return 'ok';
  if (phase === 'Failed' || phase === 'Error') return 'critical';
  if (phase === 'Running' || phase === 'Terminating') return 'warn';
  return 'unknown';
}

/** An application's status: the worst of sync, health and its last operation. */
export function applicationStatus(app: GitopsApplication): HealthStatus {
  return worstStatus([
    syncStatus(app.sync),
    healthStatus(app.health),
    ...(app.operation ? [phaseStatus(app.operation.phase)] : []),
  ]);
}

/** A commit SHA shortened as Git shows it; tags and branches as they are. */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision;
}

/** The overview card's line: a status, its word and one sentence. */
export function gitopsSummary(answer: EntityGitopsResponse): {
  status: HealthStatus;
  statusText: string;
  text: string;
} {
  const apps = answer.clusters.flatMap(c => c.applications);
  const failed = [
    ...answer.instances.filter(i => i.error).map(i => `Argo CD ${i.name}`),
    ...answer.clusters.filter(c => c.error).map(c => c.cluster),
  ];
  if (apps.length === 0) {
    return failed.length
      ? {
          status: 'unknown',
          statusText: 'Unknown',
          text: `Argo CD could not be asked (${failed.join(', ')})`,
        }
      : {
          status: 'unknown',
          statusText: 'None',
          text: 'No Argo CD application found for this service',
        };
  }
  const clusters = new Set(apps.map(a => a.cluster)).size;
  const status = worstStatus([
    ...apps.map(applicationStatus),
    ...(failed.length ? ['unknown' as const] : []),
  ]);
  const notFine = apps.filter(a => applicationStatus(a) !== 'ok');
  const counted = `${apps.length} application${
    apps.length === 1 ? '' : 's'
  } in ${clusters} cluster${clusters === 1 ? '' : 's'}`;
  const problems = notFine.map(a => `${a.name} ${a.sync}/${a.health}`);
  if (failed.length) problems.push(`unknown: ${failed.join(', ')}`);
  return {
    status,
    statusText:
      status === 'ok'
        ? 'Synced'
        : { warn: 'Warning', critical: 'Critical', unknown: 'Unknown' }[status],
    text: problems.length
      ? `${counted}; ${problems.join(', ')}`
      : `${counted}, all Synced and Healthy`,
  };
}
