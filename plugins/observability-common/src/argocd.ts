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
