import './defineCheck';
import {
  CheckId,
  CheckResult,
  DeepLink,
  GitopsApplication,
  HealthStatus,
  worstStatus,
} from '@fleetobs/plugin-observability-common';
import {
  applicationsByCluster,
  ClusterApplications,
} from '../gitops/applications';
import type { ArgoCdRoundAnswer } from './argocdRequest';
import { checkResult, unknownResult } from './result';
import { Answer, CheckContext, FleetClusterRef } from './types';

export const ARGOCD_QUERY = 'GET /api/v1/applications?selector=…';

/** What a check finds wrong with one application. */
export interface AppProblem {
  status: Exclude<HealthStatus, 'ok'>;
  text: string;
}

/** Evidence lists at most this many applications (a cluster runs a handful). */
const MAX_APPS_IN_EVIDENCE = 30;
const MAX_LINKS = 5;

/**
 * Per cluster: judges each of its applications and names every one that is not
 * fine in the summary, with a link to it in the Argo CD UI. A cluster whose Argo CD
 * failed is `unknown`; one with no application is `unknown` too (the selector or the
 * cluster label does not match what Argo CD runs).
 */
export function perClusterApplications(
  id: CheckId,
  answer: Answer<ArgoCdRoundAnswer>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
  judge: (
    app: GitopsApplication,
    cluster: FleetClusterRef,
  ) => AppProblem | undefined,
  describe: (app: GitopsApplication) => string,
  okSummary: (count: number) => string,
): Record<string, CheckResult> {
  const out: Record<string, CheckResult> = {};
  if (!answer.ok) {
    for (const c of clusters) {
      out[c.name] = unknownResult(id, ctx, {
        source: 'argocd',
        query: ARGOCD_QUERY,
        error: answer.error,
      });
    }
    return out;
  }
  if (!answer.value.configured) return out;
  const query = `GET /api/v1/applications?selector=${answer.value.selector}`;
  const byCluster = applicationsByCluster(
    answer.value.answers,
    clusters.map(c => c.name),
    answer.value.clusterLabel,
  );
  for (const cluster of clusters) {
    const entry = byCluster.get(cluster.name)!;
    out[cluster.name] = judgeCluster(id, ctx, cluster, entry, query, {
      judge,
      describe,
      okSummary,
    });
  }
  return out;
}

function judgeCluster(
  id: CheckId,
  ctx: CheckContext,
  cluster: FleetClusterRef,
  entry: ClusterApplications,
  query: string,
  how: {
    judge: (
      app: GitopsApplication,
      c: FleetClusterRef,
    ) => AppProblem | undefined;
    describe: (app: GitopsApplication) => string;
    okSummary: (count: number) => string;
  },
): CheckResult {
  const clusterLink: DeepLink[] = entry.uiUrl
    ? [
        {
          title: `Applications of ${cluster.name} in Argo CD`,
          url: `${entry.uiUrl}/applications?labels=${encodeURIComponent(
            `cluster=${cluster.name}`,
          )}`,
        },
      ]
    : [];
  if (entry.error) {
    return unknownResult(id, ctx, {
      source: 'argocd',
      query,
      error: entry.error,
      links: clusterLink,
    });
  }
  if (!entry.applications.length) {
    return checkResult(id, ctx, {
      status: 'unknown',
      summary: `Argo CD runs no application of ${cluster.name} (selector or cluster label does not match)`,
      evidence: { source: 'argocd', query, values: { applications: 0 } },
      links: clusterLink,
    });
  }
  const problems: Array<{ app: GitopsApplication; problem: AppProblem }> = [];
  const values: Record<string, string | number> = {
    applications: entry.applications.length,
  };
  for (const app of entry.applications) {
    const problem = how.judge(app, cluster);
    if (problem) problems.push({ app, problem });
    if (Object.keys(values).length <= MAX_APPS_IN_EVIDENCE) {
      values[app.name] = how.describe(app);
    }
  }
  const status = worstStatus(['ok', ...problems.map(p => p.problem.status)]);
  return checkResult(id, ctx, {
    status,
    summary: problems.length
      ? problems.map(p => `${p.app.name}: ${p.problem.text}`).join('; ')
      : how.okSummary(entry.applications.length),
    evidence: { source: 'argocd', query, values },
    links: problems.length
      ? problems.slice(0, MAX_LINKS).map(p => ({
          title: `${p.app.name} in Argo CD`,
          url: p.app.url,
        }))
      : clusterLink,
  });
}

/** Seconds from an RFC 3339 time to now; undefined when there is none. */
export function secondsSince(
  time: string | undefined,
  now: Date,
): number | undefined {
  if (!time) return undefined;
  const t = Date.parse(time);
  return Number.isFinite(t) ? (now.getTime() - t) / 1000 : undefined;
}
