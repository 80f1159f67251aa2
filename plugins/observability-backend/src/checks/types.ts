import { DeepLink } from '@fleetobs/plugin-observability-common';

/** A cluster as the checks see it. */
export interface FleetClusterRef {
  name: string;
  environment: string;
}

/** Names of the Prometheus labels the checks group by. */
export interface CheckLabels {
  /** External label naming the cluster (config `observability.labels.cluster`). */
  cluster: string;
  /** External label naming the environment (config `observability.labels.environment`). */
  environment: string;
  /** External label distinguishing HA replicas (default `replica`). */
  replica: string;
}

/** Thresholds of the checks; defaults in DEFAULT_THRESHOLDS of ../config.ts. */
export interface CheckThresholds {
  shippingWarnSeconds: number;
  shippingCriticalSeconds: number;
  freshnessWarnSeconds: number;
  freshnessCriticalSeconds: number;
  /** Span freshness has its own: spans are sampled (see the README). */
  spanFreshnessWarnSeconds: number;
  spanFreshnessCriticalSeconds: number;
  /** Age of the last run of a cluster's ElastAlert2 rule that warns / is critical. */
  elastalertWarnSeconds: number;
  elastalertCriticalSeconds: number;
  /** Share of failed object storage operations (15 min) that warns / is critical. */
  objstoreFailureWarnPercent: number;
  objstoreFailureCriticalPercent: number;
  certWarnDays: number;
  certCriticalDays: number;
  /**
   * How long an Argo CD application may be OutOfSync (since its last sync operation)
   * or Progressing before `argocd-sync` / `argocd-health` warn.
   */
  argocdGraceSeconds: number;
  hotNodeHeapPercent: number;
  /** Disk use of a hot node that warns (ES low watermark, default 85). */
  hotNodeDiskWarnPercent: number;
  /** Disk use of a hot node that is critical (ES flood stage, default 95). */
  hotNodeDiskCriticalPercent: number;
  /** Prometheus replicas expected per cluster (default 2). */
  prometheusReplicas: number;
}

/** Base URLs of the UIs that deep links point to (`observability.ui`). */
export interface UiLinks {
  grafanaUrl?: string;
  grafanaDatasource?: string;
  kibanaUrl?: string;
  jaegerUrl?: string;
}

/** Builds deep links; each returns no link when its UI's base URL is not configured. */
export interface LinkBuilder {
  grafanaExplore(title: string, promql: string, range?: TimeRange): DeepLink[];
  kibanaDiscover(
    title: string,
    options: { kuery: string; range?: TimeRange; indexPattern?: string },
  ): DeepLink[];
  jaegerSearch(
    title: string,
    options: {
      service?: string;
      tags?: Record<string, string>;
      lookback?: string;
    },
  ): DeepLink[];
}

/** Grafana / Kibana relative time, e.g. `{ from: 'now-1h', to: 'now' }`. */
export interface TimeRange {
  from: string;
  to: string;
}

/** What every check needs besides the upstream answer. */
export interface CheckContext {
  now: Date;
  labels: CheckLabels;
  thresholds: CheckThresholds;
  links: LinkBuilder;
}

/** An upstream answer, or why there is none. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

export const answered = <T>(value: T): Answer<T> => ({ ok: true, value });
export const failed = <T = never>(error: string): Answer<T> => ({
  ok: false,
  error,
});
