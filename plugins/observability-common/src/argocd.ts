/**
 * Argo CD Application state as the Fleet Observability plugins share it: the fleet
 * checks, `GET /v1/gitops/applications` and the promotion gate read the same shape.
 */

/** The Argo CD application name of an entity (as the Roadie / community plugins read it). @public */
export const ANNOTATION_ARGOCD_APP_NAME = 'argocd/app-name';
/** A label selector of an entity's Argo CD applications. @public */
export const ANNOTATION_ARGOCD_APP_SELECTOR = 'argocd/app-selector';
/** Which configured Argo CD instance(s) an entity's applications are on. @public */
export const ANNOTATION_ARGOCD_INSTANCE_NAME = 'argocd/instance-name';

/** One Argo CD Application, summarized. @public */
export interface GitopsApplication {
  /** `metadata.name`, e.g. `stag-01-monitoring`. */
  name: string;
  /** The cluster it deploys to (label `cluster`, else the `<cluster>-` name prefix). */
  cluster: string;
  /** `status.sync.status`: `Synced`, `OutOfSync` or `Unknown`. */
  sync: string;
  /** `status.health.status`: `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  health: string;
  /** `status.health.lastTransitionTime`, when Argo CD sends it (2.11 and later). */
  healthSince?: string;
  /** `spec.source.targetRevision`: what Argo CD is told to deploy. */
  targetRevision?: string;
  /** `status.sync.revision`: the revision (commit) it last compared / runs. */
  revision?: string;
  /** `status.operationState`: the last sync operation. */
  operation?: {
    phase: string;
    message?: string;
    finishedAt?: string;
    /** The revision that operation synced. */
    revision?: string;
  };
  /** `status.conditions` (errors and warnings), type and message. */
  conditions: Array<{ type: string; message?: string }>;
  /** The application in the Argo CD UI. */
  url: string;
}

/** The Argo CD applications of one cluster, or why they are unknown. @public */
export interface GitopsClusterApplications {
  cluster: string;
  environment: string;
  applications: GitopsApplication[];
  /** Why Argo CD could not be asked (then `applications` is empty). */
  error?: string;
}

/** The answer of `GET /api/observability/v1/gitops/applications`. @public */
export interface GitopsApplicationsResponse {
  generatedAt: string;
  clusters: GitopsClusterApplications[];
  /** The promotion policy of the back end's config (`observability.gitops.promotionSoak`). */
  promotion: { soakSeconds: number };
}

/**
 * How `GET /v1/entity/:kind/:namespace/:name/gitops` found an entity's applications:
 * `annotations`: `argocd/app-name` and/or `argocd/app-selector` (both: both apply);
 * else `default`: the applications of the service's clusters labelled
 * `app.kubernetes.io/name=<service>` or named `<cluster>-<service>`. @public
 */
export type EntityGitopsRule =
  | { source: 'annotations'; names?: string[]; selector?: string }
  | { source: 'default'; service: string };

/** One Argo CD asked for an entity: its name (the API URL's host) and outcome. @public */
export interface EntityGitopsInstance {
  /** What `argocd/instance-name` names it by: the host of its API URL. */
  name: string;
  /** The Argo CD UI. */
  uiUrl: string;
  clusters: string[];
  /** Why it could not be asked. */
  error?: string;
}

/** The applications of one cluster, with the Argo CD instance serving it. @public */
export interface EntityGitopsCluster extends GitopsClusterApplications {
  /** The `name` of the instance in `instances`. */
  instance?: string;
}

/** The answer of `GET /api/observability/v1/entity/:kind/:namespace/:name/gitops`. @public */
export interface EntityGitopsResponse {
  entityRef: string;
  generatedAt: string;
  rule: EntityGitopsRule;
  /** Where the clusters came from (default rule); the annotations narrow Argo CD's list instead. */
  clustersSource: 'kubernetes' | 'annotation' | 'all';
  instances: EntityGitopsInstance[];
  /** Per cluster (sorted), the entity's applications. */
  clusters: EntityGitopsCluster[];
  /** Argo CD annotations the entity may add (none of `argocd/app-name`, `argocd/app-selector`). */
  missingAnnotations: string[];
  /** Why the Kubernetes plugin's clusters were not used, when they were not. */
  notes?: string[];
}
