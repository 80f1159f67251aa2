import { defineCheck } from './defineCheck';
import { argocdApplicationsRequest } from './argocdRequest';
import { GitopsApplication } from '@fleetobs/plugin-observability-common';
import {
  AppProblem,
  perClusterApplications,
  secondsSince,
} from './argocdShared';
import { formatDuration } from './result';
import { CheckContext } from './types';

const FAILED_PHASES = new Set(['Failed', 'Error']);

/** `Synced, Healthy @ 1a2b3c4`: one application in the evidence. */
export function describeApplication(app: GitopsApplication): string {
  const revision = app.revision ? ` @ ${app.revision.slice(0, 12)}` : '';
  const op = app.operation ? `, last sync ${app.operation.phase}` : '';
  return `${app.sync}, ${app.health}${revision}${op}`;
}

/**
 * Sync of one application: a failed last sync operation is critical with its
 * message; OutOfSync warns once the grace has passed since the last sync operation
 * finished (Argo CD has no "OutOfSync since": an automated application syncs right
 * after a change, so OutOfSync long after its last sync means it is stuck or manual).
 */
export function judgeSync(
  app: GitopsApplication,
  ctx: CheckContext,
): AppProblem | undefined {
  const op = app.operation;
  if (op && FAILED_PHASES.has(op.phase)) {
    return {
      status: 'critical',
      text: `last sync ${op.phase.toLowerCase()}${
        op.message ? `: ${op.message}` : ''
      }`,
    };
  }
  if (app.sync === 'Synced') return undefined;
  if (app.sync === 'OutOfSync') {
    if (op?.phase === 'Running') return undefined;
    const age = secondsSince(op?.finishedAt, ctx.now);
    const grace = ctx.thresholds.argocdGraceSeconds;
    if (age !== undefined && age < grace) return undefined;
    return {
      status: 'warn',
      text:
        age === undefined
          ? 'OutOfSync, never synced'
          : `OutOfSync, last sync ${formatDuration(age)} ago`,
    };
  }
  const error = app.conditions.find(c => c.type.endsWith('Error'));
  return {
    status: 'warn',
    text: `sync status ${app.sync}${
      error?.message ? `: ${error.message}` : ''
    }`,
  };
}

/** Argo CD sync of the cluster's applications (`argocd-sync`). */
export const argocdSyncCheck = defineCheck({
  id: 'argocd-sync',
  title: 'Argo CD sync',
  seed: 'GitOps App-of-Apps Integration; Health / Drift Observability (sync lag)',
  failureMode:
    'Drift: the cluster does not run what Git says (application OutOfSync), or the last sync operation failed and the change never reached the cluster.',
  mitigation:
    'Open the application in Argo CD: read the sync operation message and the diff; fix the manifest or values in Git (never by hand in the cluster) and sync again.',
  places: [{ signal: 'gitops' }],
  source: 'argocd',
  requests: { apps: argocdApplicationsRequest },
  evaluate: ({ apps }, { clusters, ctx }) => [
    {
      signal: 'gitops',
      results: perClusterApplications(
        'argocd-sync',
        apps,
        clusters,
        ctx,
        app => judgeSync(app, ctx),
        describeApplication,
        n => `${n} application${n === 1 ? '' : 's'} Synced`,
      ),
    },
  ],
});
