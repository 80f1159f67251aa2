import type { AlertCounts } from './alerts';

/**
 * Health of one thing the platform runs. `unknown` means the upstream that would tell
 * could not be asked: it is never guessed as `ok`.
 *
 * @public
 */
export type HealthStatus = 'ok' | 'warn' | 'critical' | 'unknown';

/** @public */
export const HEALTH_STATUSES: readonly HealthStatus[] = [
  'ok',
  'warn',
  'critical',
  'unknown',
];

/**
 * Id of a fleet health check, e.g. `prometheus-ha`; each maps to a row of the platform
 * design's validation (§6, 10.11) or failure-mode (§8) tables. The back end's check
 * registry is the list of them; every result carries its check's title.
 *
 * @public
 */
export type CheckId = string;

/** A link to the tool where the evidence can be seen. @public */
export interface DeepLink {
  title: string;
  url: string;
}

/**
 * What a check saw: the numbers, and the query or request that produced them.
 *
 * @public
 */
export interface CheckEvidence {
  /** The upstream that was asked, e.g. `thanos`, `elasticsearch`. */
  source: string;
  /** PromQL, ES request or HTTP path that produced the values. */
  query?: string;
  /** The measured values, by name. */
  values?: Record<string, number | string | boolean | null>;
  /** Why the check is `unknown`, when it is. */
  error?: string;
}

/** @public */
export interface CheckResult {
  id: CheckId;
  /** Short human title of the check, e.g. `Prometheus HA pair`. */
  title: string;
  status: HealthStatus;
  summary: string;
  evidence: CheckEvidence;
  /** The failure mode of the platform design this check watches for (when not `ok`). */
  failureMode?: string;
  /** What to do about it: the platform design's mitigation (when not `ok`). */
  mitigation?: string;
  links: DeepLink[];
  observedAt: string;
}

/**
 * A check as the fleet summary (`GET /v1/fleet?view=summary`) carries it when it is
 * `ok`: without evidence, failure mode, mitigation and links, which
 * `GET /v1/clusters/:name` has.
 *
 * @public
 */
export type CheckSummary = Pick<
  CheckResult,
  'id' | 'status' | 'summary' | 'observedAt'
>;

/** @public */
export interface SignalHealth<C extends CheckSummary = CheckResult> {
  status: HealthStatus;
  /** Since when the status has been what it is (from the stored history). */
  since?: string;
  checks: C[];
}

/** @public */
export type SignalName = 'metrics' | 'logs' | 'traces' | 'gitops';

/** @public */
export const SIGNAL_NAMES: readonly SignalName[] = [
  'metrics',
  'logs',
  'traces',
  // Argo CD: sync, health and revision of the cluster's applications.
  'gitops',
];

/** Where a cluster is known from. @public */
export type ClusterSource = 'config' | 'catalog';

/** @public */
export interface ClusterHealth<C extends CheckSummary = CheckResult> {
  name: string;
  environment: string;
  /** Catalog entity ref of the cluster's Resource entity, when there is one. */
  entityRef?: string;
  sources: ClusterSource[];
  status: HealthStatus;
  /** Since when the overall status has been what it is (from the stored history). */
  since?: string;
  signals: Record<SignalName, SignalHealth<C>>;
  /**
   * Firing (not muted) alerts by severity, from the cluster's Alertmanager; absent
   * when it could not be asked (or from an older back end).
   */
  alerts?: AlertCounts;
}

/** @public */
export type PlatformComponent = 'thanos' | 'elasticsearch' | 'jaeger';

/**
 * The UIs of the drilldown (platform design §9: Grafana → Kibana → Jaeger), shown as
 * platform parts next to the {@link PlatformComponent}s. Optional in a fleet answer:
 * a back end older than them does not send them.
 *
 * @public
 */
export type PlatformUi = 'kibana' | 'grafana';

/** Every platform part of a fleet answer. @public */
export type PlatformPart = PlatformComponent | PlatformUi;

/** How the round of checks behind an answer went. @public */
export interface FleetRound {
  /** Upstream requests the round sent: the same for 4 and for 400 clusters. */
  upstreamRequests: number;
  /** The slowest of them, from sending it to its last byte, in milliseconds. */
  slowestUpstreamMs?: number;
  /** Which one that was, e.g. `thanos /api/v1/query`. */
  slowestUpstream?: string;
  /** From the start of the round to its answer being ready, in milliseconds. */
  durationMs: number;
}

/** Number of clusters in each status, for the whole fleet. @public */
export type FleetStatusCounts = Record<HealthStatus, number>;

/** Answer of `GET /v1/fleet`. @public */
export interface FleetHealth<C extends CheckSummary = CheckResult> {
  generatedAt: string;
  round?: FleetRound;
  /** Clusters by status, for the whole fleet (absent from answers of older back ends). */
  counts?: FleetStatusCounts;
  clusters: Array<ClusterHealth<C>>;
  /** The shared platform parts, always with every check in full. */
  platform: Record<PlatformComponent, SignalHealth> &
    Partial<Record<PlatformUi, SignalHealth>>;
}

/**
 * Answer of `GET /v1/fleet?view=summary`: checks that are not `ok` in full, `ok`
 * ones as {@link CheckSummary}. A tenth of the full answer for a healthy fleet.
 *
 * @public
 */
export type FleetHealthSummary = FleetHealth<CheckResult | CheckSummary>;

/**
 * What `GET /v1/fleet` can sort a page by: the overall status (worst first when
 * descending), a signal's status, the name, the environment or the firing alerts
 * (critical first, then warning; most first when descending). Ties go by name.
 *
 * @public
 */
export type FleetSortField =
  | 'status'
  | 'name'
  | 'environment'
  | SignalName
  | 'alerts';

/**
 * The filter and paging parameters of `GET /v1/fleet`. Any of them makes the answer a
 * {@link FleetPage}.
 *
 * @public
 */
export interface FleetPageQuery {
  /** One status, or `not-ok` for every status but `ok`. */
  status?: HealthStatus | 'not-ok';
  environment?: string;
  /** Case-insensitive part of the cluster's name or environment. */
  q?: string;
  /** Default `status`. */
  sort?: FleetSortField;
  /** Default `desc` for statuses (worst first), `asc` otherwise. */
  order?: 'asc' | 'desc';
  /** Clusters per page, 1 to 500 (default 50). */
  limit?: number;
  /** The `nextCursor` of the previous page, as it came (opaque). */
  cursor?: string;
}

/**
 * One page of the fleet (`GET /v1/fleet` with filter or paging parameters): the
 * clusters of the page, with the counts and environments of the whole fleet.
 *
 * @public
 */
export interface FleetPage<C extends CheckSummary = CheckResult>
  extends FleetHealth<C> {
  counts: FleetStatusCounts;
  /** Every environment of the fleet, sorted (for a filter). */
  environments: string[];
  /** Clusters that match the filter, over all pages. */
  matched: number;
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** A {@link FleetPage} of the summary view (`?view=summary`). @public */
export type FleetSummaryPage = FleetPage<CheckResult | CheckSummary>;

/**
 * One item of the onboarding checklist of a new cluster (platform design 10.11),
 * evaluated live from the checks.
 *
 * @public
 */
export interface ChecklistItem {
  id: string;
  /** The "Check" column of 10.11. */
  title: string;
  /** The "Target" column. */
  target: string;
  /** The "Pass Criteria" column. */
  passCriteria: string;
  status: HealthStatus;
  /** Why: the summaries of the checks behind the item. */
  detail: string;
  /** Check ids the item is evaluated from. */
  checks: CheckId[];
}

/** Answer of `GET /v1/clusters/:name`. @public */
export interface ClusterDetail {
  generatedAt: string;
  cluster: ClusterHealth;
  checklist?: ChecklistItem[];
}

/** One status transition of a cluster scope. @public */
export interface HealthTransition {
  /** `overall`, a signal, or `signal/check-id`. */
  scope: string;
  from: HealthStatus | null;
  to: HealthStatus;
  summary: string | null;
  at: string;
}
