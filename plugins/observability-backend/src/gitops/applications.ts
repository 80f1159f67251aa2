import {
  GitopsApplication,
  GitopsClusterApplications,
} from '@fleetobs/plugin-observability-common';
import type {
  ArgoCdApplication,
  ArgoCdInstanceAnswer,
} from '../upstream/ArgoCdClient';

/** The Argo CD answers of a round, per cluster. */
export interface ClusterApplications {
  /** The Argo CD UI base URL of the cluster, when one serves it. */
  uiUrl?: string;
  /** The API base URL asked (no credentials), for evidence. */
  apiUrl?: string;
  applications: GitopsApplication[];
  /** Why there are none: Argo CD failed, or none is configured for the cluster. */
  error?: string;
}

/** The application in the Argo CD UI (`/applications/<namespace>/<name>`). */
export function applicationUrl(
  uiUrl: string,
  app: Pick<ArgoCdApplication, 'metadata'>,
): string {
  const { name, namespace } = app.metadata;
  const path = namespace
    ? `${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`
    : encodeURIComponent(name);
  return `${uiUrl}/applications/${path}`;
}

/**
 * The cluster an Application deploys to: its cluster label, else the longest
 * `<cluster>-` prefix of its name among `clusters` (`<cluster>-<component>`).
 */
export function clusterOf(
  app: ArgoCdApplication,
  clusterLabel: string,
  clusters: ReadonlySet<string>,
): string | undefined {
  const labelled = app.metadata.labels?.[clusterLabel];
  if (labelled) return clusters.has(labelled) ? labelled : undefined;
  let best: string | undefined;
  for (const cluster of clusters) {
    if (
      app.metadata.name.startsWith(`${cluster}-`) &&
      cluster.length > (best?.length ?? 0)
    ) {
      best = cluster;
    }
  }
  return best;
}

const MAX_TEXT = 300;
function short(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= MAX_TEXT) return text;
  return `${text.slice(0, MAX_TEXT)}…`;
}

/** An Application as the checks, the route and the promotion gate see it. */
export function summarizeApplication(
  app: ArgoCdApplication,
  cluster: string,
  uiUrl: string,
): GitopsApplication {
  const status = app.status ?? {};
  const op = status.operationState;
  const source = app.spec.source ?? app.spec.sources?.[0];
  return {
    name: app.metadata.name,
    cluster,
    sync: status.sync?.status || 'Unknown',
    health: status.health?.status || 'Unknown',
    ...(status.health?.lastTransitionTime
      ? { healthSince: status.health.lastTransitionTime }
      : {}),
    ...(source?.targetRevision !== undefined
      ? { targetRevision: source.targetRevision }
      : {}),
    ...(status.sync?.revision ? { revision: status.sync.revision } : {}),
    ...(op
      ? {
          operation: {
            phase: op.phase,
            ...(op.message ? { message: short(op.message) } : {}),
            ...(op.finishedAt ? { finishedAt: op.finishedAt } : {}),
            ...(op.syncResult?.revision
              ? { revision: op.syncResult.revision }
              : {}),
          },
        }
      : {}),
    conditions: (status.conditions ?? []).map(c => ({
      type: c.type,
      ...(c.message ? { message: short(c.message) } : {}),
    })),
    url: applicationUrl(uiUrl, app),
  };
}

/**
 * The Applications of each cluster from the round's Argo CD answers. A cluster no
 * Argo CD serves, or whose Argo CD failed, gets an `error`.
 */
export function applicationsByCluster(
  answers: ArgoCdInstanceAnswer[],
  clusters: string[],
  clusterLabel: string,
): Map<string, ClusterApplications> {
  const out = new Map<string, ClusterApplications>();
  for (const cluster of clusters) {
    out.set(cluster, {
      applications: [],
      error: 'no Argo CD is configured for this cluster (observability.argocd)',
    });
  }
  for (const instance of answers) {
    const served = new Set(instance.clusters);
    for (const cluster of instance.clusters) {
      out.set(cluster, {
        uiUrl: instance.uiUrl,
        apiUrl: instance.apiUrl,
        applications: [],
        ...(instance.answer.ok ? {} : { error: instance.answer.error }),
      });
    }
    if (!instance.answer.ok) continue;
    for (const app of instance.answer.value) {
      const cluster = clusterOf(app, clusterLabel, served);
      if (!cluster) continue;
      out
        .get(cluster)!
        .applications.push(summarizeApplication(app, cluster, instance.uiUrl));
    }
  }
  for (const entry of out.values()) {
    entry.applications.sort((a, b) => a.name.localeCompare(b.name));
  }
  return out;
}

/** For the route and the promotion gate: clusters with their environment. */
export function toClusterApplications(
  byCluster: Map<string, ClusterApplications>,
  clusters: Array<{ name: string; environment: string }>,
): GitopsClusterApplications[] {
  return clusters.map(c => {
    const entry = byCluster.get(c.name);
    return {
      cluster: c.name,
      environment: c.environment,
      applications: entry?.applications ?? [],
      ...(entry?.error ? { error: entry.error } : {}),
    };
  });
}
