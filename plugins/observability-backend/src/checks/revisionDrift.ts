import { defineCheck, UpstreamRequest } from './defineCheck';
import { argocdApplicationsRequest } from './argocdRequest';
import { GitopsApplication } from '@fleetobs/plugin-observability-common';
import {
  createTargetRevisionReader,
  TargetRevision,
} from '../gitops/targetRevisions';
import type { GitopsValuesSource } from '../retention/GitopsValuesSource';
import { AppProblem, perClusterApplications } from './argocdShared';
import { unknownResult } from './result';
import { Answer, FleetClusterRef } from './types';

const readers = new WeakMap<
  GitopsValuesSource,
  ReturnType<typeof createTargetRevisionReader>
>();

/**
 * The `source.targetRevision` of every cluster's values file (Git, not Argo CD);
 * undefined without a GitOps repository in config (then the check places nothing).
 */
export const targetRevisionsRequest: UpstreamRequest<
  Map<string, TargetRevision> | undefined
> = {
  key: 'gitops:target-revisions',
  upstream: 'argocd',
  async send(clients, env) {
    const source = clients.gitopsValues;
    if (!source || !clients.argocd) return undefined;
    let read = readers.get(source);
    if (!read) {
      read = createTargetRevisionReader(source);
      readers.set(source, read);
    }
    return read(env.clusters.map(c => c.name));
  },
};

/**
 * Drift of one application from Git: Argo CD targets another revision than the
 * cluster's values file (the app-of-apps has not synced the change, or someone
 * edited the Application by hand).
 */
export function judgeDrift(
  app: GitopsApplication,
  wanted: string,
): AppProblem | undefined {
  if (app.targetRevision === wanted) return undefined;
  return {
    status: 'warn',
    text: `targets ${
      app.targetRevision ?? '(no revision)'
    }, values file says ${wanted}${
      app.revision ? ` (runs ${app.revision.slice(0, 12)})` : ''
    }`,
  };
}

const describeRevision = (app: GitopsApplication) =>
  `targets ${app.targetRevision ?? '(none)'}${
    app.revision ? `, runs ${app.revision.slice(0, 12)}` : ''
  }`;

/** Revision drift between Git and Argo CD (`revision-drift`). */
export const revisionDriftCheck = defineCheck({
  id: 'revision-drift',
  title: 'Revision drift',
  seed: 'Health / Drift Observability; Promotion Workflow 4 (source.targetRevision)',
  failureMode:
    'The cluster runs another revision than its values file says (source.targetRevision): a promotion or rollback did not reach it, or an Application was edited by hand.',
  mitigation:
    'Sync the app-of-apps Application of the cluster in Argo CD; revert hand edits of child Applications; promote through "Promote revision" only.',
  places: [{ signal: 'gitops' }],
  source: 'argocd',
  requests: { apps: argocdApplicationsRequest, wanted: targetRevisionsRequest },
  evaluate: ({ apps, wanted }, { clusters, ctx }) => {
    if (wanted.ok && !wanted.value) return [{ signal: 'gitops', results: {} }];
    const results = perClusterApplications(
      'revision-drift',
      apps,
      clusters,
      ctx,
      (app, cluster) => {
        const target = wanted.ok ? wanted.value?.get(cluster.name) : undefined;
        const expected = target?.ok
          ? target.value.expected[app.name]
          : undefined;
        // Applications the values file does not render are not its to judge.
        return expected === undefined ? undefined : judgeDrift(app, expected);
      },
      describeRevision,
      n =>
        `${n} application${n === 1 ? '' : 's'} at the values file's revision`,
    );
    // Without the values file the comparison is unknown, whatever Argo CD says.
    for (const cluster of clusters) {
      const problem = valuesProblem(wanted, cluster);
      const result = results[cluster.name];
      if (problem && result && result.status !== 'unknown') {
        results[cluster.name] = unknownResult('revision-drift', ctx, {
          source: 'gitops',
          query: 'source.targetRevision of the values file',
          error: problem,
          links: result.links,
        });
      }
    }
    return [{ signal: 'gitops', results }];
  },
});

function valuesProblem(
  wanted: Answer<Map<string, TargetRevision> | undefined>,
  cluster: FleetClusterRef,
): string | undefined {
  if (!wanted.ok) return wanted.error;
  const target = wanted.value?.get(cluster.name);
  if (!target) return 'not read';
  if (!target.ok) return target.error;
  if (!target.value.revision) {
    return `${target.value.file} has no source.targetRevision (or does not exist)`;
  }
  return undefined;
}
