import { defineCheck } from './defineCheck';
import { argocdApplicationsRequest } from './argocdRequest';
import { GitopsApplication } from '@fleetobs/plugin-observability-common';
import {
  AppProblem,
  perClusterApplications,
  secondsSince,
} from './argocdShared';
import { describeApplication } from './argocdSync';
import { formatDuration } from './result';
import { CheckContext } from './types';

/**
 * Health of one application: Degraded or Missing is critical; Progressing warns
 * once the grace has passed (since the health last changed, else since the last
 * sync finished); Suspended and Unknown warn.
 */
export function judgeHealth(
  app: GitopsApplication,
  ctx: CheckContext,
): AppProblem | undefined {
  switch (app.health) {
    case 'Healthy':
      return undefined;
    case 'Degraded':
    case 'Missing':
      return { status: 'critical', text: app.health };
    case 'Progressing': {
      const age = secondsSince(
        app.healthSince ?? app.operation?.finishedAt,
        ctx.now,
      );
      if (age !== undefined && age < ctx.thresholds.argocdGraceSeconds) {
        return undefined;
      }
      return {
        status: 'warn',
        text:
          age === undefined
            ? 'Progressing'
            : `Progressing for ${formatDuration(age)}`,
      };
    }
    default:
      return { status: 'warn', text: `health ${app.health}` };
  }
}

/** Argo CD health of the cluster's applications (`argocd-health`). */
export const argocdHealthCheck = defineCheck({
  id: 'argocd-health',
  title: 'Argo CD health',
  seed: 'Health / Drift Observability; Promotion Workflow 3–5 (validate, soak)',
  failureMode:
    'A component of the cluster is Degraded or Missing in Argo CD (pods crash-looping, a rollout stuck): its signal may stop, and a revision running here must not be promoted.',
  mitigation:
    'Open the application in Argo CD, find the unhealthy resource and its events; roll back source.targetRevision in the values file if the new revision caused it.',
  places: [{ signal: 'gitops' }],
  source: 'argocd',
  requests: { apps: argocdApplicationsRequest },
  evaluate: ({ apps }, { clusters, ctx }) => [
    {
      signal: 'gitops',
      results: perClusterApplications(
        'argocd-health',
        apps,
        clusters,
        ctx,
        app => judgeHealth(app, ctx),
        describeApplication,
        n => `${n} application${n === 1 ? '' : 's'} Healthy`,
      ),
    },
  ],
});
