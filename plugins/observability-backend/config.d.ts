import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Fleet Observability: where the platform's upstreams are and which clusters to watch. */
  observability?: {
    /** How often the fleet health is refreshed, and how long one upstream may take. */
    refresh?: {
      /** Default 30 seconds. */
      frequency?: HumanDuration;
      /** Per-upstream request timeout. Default 10 seconds. */
      timeout?: HumanDuration;
      /**
       * How long after start the first scheduled refresh waits. Default 5 seconds.
       * Until then (and whenever the shared cache is empty) a request runs the round.
       */
      initialDelay?: HumanDuration;
    };
    /** How long health transitions are kept. Default 30 days. */
    historyRetention?: HumanDuration;
    /**
     * Names of the Prometheus external labels that identify a cluster, its environment
     * and the HA replica of a Prometheus. Each must be a Prometheus label name.
     */
    labels?: {
      /** Default `cluster`. */
      cluster?: string;
      /** Default `environment`. */
      environment?: string;
      /** Label that tells the HA replicas of a cluster's Prometheus apart (`prometheus-ha`). Default `replica`. */
      replica?: string;
    };
    /** Thresholds of the checks (defaults below, and `DEFAULT_THRESHOLDS` of src/config.ts). */
    thresholds?: {
      /** Seconds since the last sidecar upload before `sidecar-shipping` warns (default 7200) / goes critical (default 14400). */
      shippingWarnSeconds?: number;
      shippingCriticalSeconds?: number;
      /** Seconds since the newest log / span of a cluster before freshness warns (default 300) / goes critical (default 900). */
      freshnessWarnSeconds?: number;
      freshnessCriticalSeconds?: number;
      /** Days before a certificate expires when `cert-expiry` warns (default 21) / goes critical (default 7). */
      certWarnDays?: number;
      certCriticalDays?: number;
      /**
       * Seconds an Argo CD application may stay OutOfSync after its last sync operation,
       * or Progressing, before `argocd-sync` / `argocd-health` warn (default 900).
       */
      argocdGraceSeconds?: number;
      /** JVM heap percent of a hot node when `es-cluster-health` warns (default 85). */
      hotNodeHeapPercent?: number;
      /** Disk use percent of a hot node when `es-cluster-health` warns (default 85, the ES low watermark). */
      hotNodeDiskWarnPercent?: number;
      /** Disk use percent of a hot node when `es-cluster-health` goes critical (default 95, the ES flood stage). */
      hotNodeDiskCriticalPercent?: number;
      /** Prometheus replicas `prometheus-ha` expects per cluster (default 2). */
      prometheusReplicas?: number;
      /**
       * Seconds since the newest span of a cluster before `span-freshness` warns
       * (default 1800) / goes critical (default 7200). Spans are sampled: a quiet
       * cluster writes few, see the plugin README for why these defaults.
       */
      spanFreshnessWarnSeconds?: number;
      spanFreshnessCriticalSeconds?: number;
      /** Seconds since a cluster's ElastAlert2 rule last ran before `elastalert` warns (default 900) / goes critical (default 3600, all its rules). */
      elastalertWarnSeconds?: number;
      elastalertCriticalSeconds?: number;
      /** Percent of a cluster's bucket operations failing (15 min) when `object-storage` warns (default 1) / goes critical (default 50). */
      objstoreFailureWarnPercent?: number;
      objstoreFailureCriticalPercent?: number;
    };
    /**
     * The Global Thanos Query (Prometheus HTTP API): metrics of every cluster, and the
     * checks read from it.
     */
    thanos?: {
      /** Global Thanos Query base URL (Prometheus HTTP API). */
      url: string;
      tls?: UpstreamTls;
      auth?: UpstreamAuth;
      /**
       * Largest answer read from this upstream, in bytes. Bytes are counted as the
       * answer streams in; past the cap the connection is closed and the request fails
       * (`parse` error naming this key). Default 33554432 (32 MiB).
       */
      maxResponseBytes?: number;
      /**
       * The bucket each cluster's sidecars must ship to (`bucket-prefix`), with
       * `{cluster}` and `{environment}` filled in. Default `thanos-{cluster}` (one bucket
       * per cluster).
       */
      clusterBucket?: string;
    };
    elasticsearch?: {
      url: string;
      tls?: UpstreamTls;
      auth?: UpstreamAuth;
      /**
       * Largest answer read from this upstream, in bytes. Bytes are counted as the
       * answer streams in; past the cap the connection is closed and the request fails
       * (`parse` error naming this key). Default 33554432 (32 MiB).
       */
      maxResponseBytes?: number;
      /**
       * The log indices: a single pattern ending in its only `*`. A cluster's logs are
       * the indices `<prefix><cluster>-*` (`logs-dev-01-*`, as Filebeat writes them to
       * `logs-<cluster>`): `log-freshness`, the service tab and the Kibana links tell
       * clusters apart by index name. Default `logs-*`.
       */
      logIndexPattern?: string;
      /**
       * Index patterns an entity's `observability.fleetobs.io/kibana-index-pattern`
       * may choose (searched with the portal's own credentials): one of these, or a
       * narrower pattern (every index it matches, one of these matches: with `logs-*`,
       * `logs-checkout-*` is allowed, `logs*` and `*` are not). Each entry is a single
       * pattern (no comma list, `-` exclusion, `<date math>`, `remote:` prefix or
       * whitespace). Annotations may in any case not start with `.`, `_`, `+` or `-`, or
       * be only `*`. A refused annotation is reported as a configuration error of the
       * logs part and not searched. Default: the parts of `logIndexPattern`.
       */
      allowedIndexPatterns?: string[];
      /** Default `jaeger-span-*`. */
      spanIndexPattern?: string;
      /** Field of a span document that holds the cluster name. Default `process.tag.cluster`. */
      spanClusterField?: string;
      /** Time field of a log document (`log-freshness`). Default `@timestamp`. */
      logTimeField?: string;
      /** Time field of a span document (`span-freshness`). Default `startTimeMillis` (Jaeger's mapping). */
      spanTimeField?: string;
    };
    jaeger?: {
      /** Jaeger Query base URL. */
      url: string;
      tls?: UpstreamTls;
      auth?: UpstreamAuth;
      /**
       * Largest answer read from this upstream, in bytes. Bytes are counted as the
       * answer streams in; past the cap the connection is closed and the request fails
       * (`parse` error naming this key). Default 33554432 (32 MiB).
       */
      maxResponseBytes?: number;
    };
    /**
     * Alertmanager (v2 API). One for every cluster (`url`; alerts told apart by the
     * cluster label) or one per cluster: `urlTemplate` and/or `clusters`. A cluster's
     * Alertmanager is its `clusters` entry, else the template, else `url`; a cluster
     * with none has its alert checks `unknown`. `tls` and `auth` apply to all of them.
     */
    alertmanager?: {
      /** The one Alertmanager of every cluster. */
      url?: string;
      /** URL of each cluster's own Alertmanager, e.g. `https://alertmanager.{cluster}.example.com`. */
      urlTemplate?: string;
      /** Explicit Alertmanager URL per cluster name. */
      clusters?: { [cluster: string]: string };
      tls?: UpstreamTls;
      auth?: UpstreamAuth;
      /**
       * Largest answer read from this upstream, in bytes. Bytes are counted as the
       * answer streams in; past the cap the connection is closed and the request fails
       * (`parse` error naming this key). Default 33554432 (32 MiB).
       */
      maxResponseBytes?: number;
      /** The always-firing heartbeat alert that `alert-routing` looks for. Default `Watchdog`. */
      watchdogAlertName?: string;
    };
    /** Firing alerts and silences from the portal. */
    alerts?: {
      /** Longest silence the portal creates (e.g. `{ days: 7 }`, the default). */
      silenceMaxDuration?: HumanDuration;
    };
    /** Kibana, shown as a platform part (`GET /api/status`): the drilldown's log UI (§9). */
    kibana?: {
      /** Kibana base URL. */
      url: string;
      tls?: UpstreamTls;
      /** Kibana's status API needs a user unless `status.allowAnonymous` is set. */
      auth?: UpstreamAuth;
      /** Largest answer read, in bytes. Default 33554432 (32 MiB). */
      maxResponseBytes?: number;
    };
    /** Grafana, shown as a platform part (`GET /api/health`, no authentication needed). */
    grafana?: {
      /** Grafana base URL. */
      url: string;
      tls?: UpstreamTls;
      auth?: UpstreamAuth;
      /** Largest answer read, in bytes. Default 33554432 (32 MiB). */
      maxResponseBytes?: number;
    };
    /**
     * Argo CD (`gitops` signal: `argocd-sync`, `argocd-health`, `revision-drift`):
     * `GET /api/v1/applications?selector=…`, one request per Argo CD per refresh. One
     * Argo CD for the fleet (`url`), or one per cluster (`urlTemplate` and/or
     * `clusters`); a cluster's own entry wins over the template, the template over `url`.
     */
    argocd?: {
      /** API base URL of the one Argo CD of the fleet. */
      url?: string;
      /** API base URL per cluster, `{cluster}` being its name. */
      urlTemplate?: string;
      /** API base URL by cluster name. */
      clusters?: { [cluster: string]: string };
      /** Base URL of the Argo CD UI for links (`{cluster}` allowed). Default the API URL. */
      uiUrl?: string;
      /** Label selector of the fleet's Applications. Default `cluster` (has that label). */
      selector?: string;
      /** Label naming an Application's cluster (else its `<cluster>-` name prefix). Default `cluster`. */
      clusterLabel?: string;
      tls?: UpstreamTls;
      /** A read-only Argo CD API token: `auth.bearerToken`. */
      auth?: UpstreamAuth;
      /** Largest answer read, in bytes. Default 33554432 (32 MiB). */
      maxResponseBytes?: number;
    };
    /** ElastAlert2 (`elastalert` check), read in its writeback index on `elasticsearch`. */
    elastalert?: {
      /**
       * ElastAlert2's `writeback_index`; the runs of its rules are in
       * `<writebackIndex>_status`. Default `elastalert_status`.
       */
      writebackIndex?: string;
      /**
       * How the names of a cluster's rules start, `{cluster}` being its name: with the
       * default `{cluster}/`, `dev-01/error-spike` is a rule of dev-01.
       */
      ruleNamePrefix?: string;
    };
    /**
     * The call to the Kubernetes plugin's back end that finds where a service runs
     * (`POST /api/kubernetes/resources/workloads/query`, on behalf of the caller).
     */
    kubernetes?: {
      /** Timeout of the call, answer included. Default `refresh.timeout` (10 seconds). */
      timeout?: HumanDuration;
      /** Largest answer read, in bytes. Default 33554432 (32 MiB). */
      maxResponseBytes?: number;
    };
    /**
     * Timeouts of the outbound calls of the scaffolder module
     * (`@fleetobs/plugin-scaffolder-backend-module-obs`).
     */
    /** Base URLs of the UIs that deep links point to. */
    ui?: {
      /** @visibility frontend */
      grafanaUrl?: string;
      /** Grafana datasource uid of the Global Thanos Query, for Explore links. @visibility frontend */
      grafanaDatasource?: string;
      /** @visibility frontend */
      kibanaUrl?: string;
      /** @visibility frontend */
      jaegerUrl?: string;
    };
    /**
     * The service Observability tab (`GET /v1/entity/:kind/:namespace/:name/signals`):
     * RED metrics, error logs and recent traces of one service. Defaults in the README.
     */
    signals?: {
      /** How long one answer is cached (per entity and range). Default 15 seconds. */
      cacheTtl?: HumanDuration;
      /** Longest range one request may ask for. Default 7 days. */
      maxRange?: HumanDuration;
      /** Most points per chart series; the query step is chosen from it. Default 120. */
      maxPoints?: number;
      metrics?: {
        /** Prometheus label that names the service. Default `service`. */
        serviceLabel?: string;
        /**
         * PromQL templates of the RED measures. `$selector` becomes the escaped label
         * matchers of the service (and clusters), `$cluster` the cluster label name and
         * `$window` the rate window. Each must aggregate `by ($cluster)`.
         */
        rate?: string;
        errorRatio?: string;
        p99?: string;
        /** Uid of a Grafana dashboard with `service` and `cluster` variables, linked from the tab. */
        grafanaDashboardUid?: string;
      };
      logs?: {
        /** ECS field of the service name. Default `service.name`. */
        serviceField?: string;
        /** Default `log.level`. */
        levelField?: string;
        /** Default `trace.id`. */
        traceIdField?: string;
        /** Default `message`. */
        messageField?: string;
        /** Default `@timestamp`. */
        timestampField?: string;
        /** Values of the level field that count as errors. Default error, ERROR, fatal, FATAL, critical, CRITICAL. */
        errorLevels?: string[];
        /** How many of the latest error lines are returned. Default 20. */
        sampleSize?: number;
      };
      traces?: {
        /** Most traces asked from Jaeger per request. Default 40. */
        limit?: number;
        /** Process tag that names the cluster a span ran in. Default `cluster`. */
        clusterTag?: string;
      };
    };
    /** The GitOps repository holding `charts/app-of-apps/values.<cluster>.yaml`. */
    gitops?: {
      /**
       * Web URL of the repository, e.g. `https://github.com/acme/gitops`, read at
       * `baseBranch` with the UrlReader (the `integrations` entry of its host). The
       * scaffolder module's templates open their pull requests against it.
       */
      repoUrl?: string;
      /** Folder of `values.<cluster>.yaml` in the repository. Default `charts/app-of-apps`. */
      valuesPath?: string;
      /** Branch whose values are effective (merged pull requests). Default `main`. */
      baseBranch?: string;
      /** Longest wait for one values file read. Default 30 seconds. */
      readTimeout?: HumanDuration;
      /**
       * How long every cluster of an environment must have been `ok` in the fleet health
       * before `obs:cluster:promote` promotes its revision to the next one. Default 1 hour.
       */
      promotionSoak?: HumanDuration;
    };
    /** Self-service retention change requests. */
    retention?: {
      /**
       * Entity refs (users or groups) whose members may approve requests, enforced by the
       * portal's permission policy (see packages/backend). Default `group:default/platform-team`.
       */
      approvers?: string[];
      /** Template run after approval to open the pull request. Default `template:default/apply-retention-change`. */
      applyTemplate?: string;
      /** How often approved requests are checked: unstarted ones started, ended tasks recorded. Default 10 seconds. */
      applyPollInterval?: HumanDuration;
      /** Age after which another replica takes over an unfinished apply-task start. Default 60 seconds. */
      applyClaimTimeout?: HumanDuration;
      /** Prices of the cost estimate per GB-month, and bytes per TSDB sample. */
      pricing?: {
        /** Default `USD`. */
        currency?: string;
        /** Object storage (Thanos buckets). Default 0.02. */
        objectStorageGbMonth?: number;
        /** Elasticsearch hot tier. Default 0.10. */
        esHotGbMonth?: number;
        /** Elasticsearch warm tier. Default 0.05. */
        esWarmGbMonth?: number;
        /** Default 1.5. */
        bytesPerSample?: number;
      };
      /**
       * Bounds of the longest retention per environment and signal, e.g.
       * `prod: { logs: { minDays: 30, maxDays: 365 } }` (compliance minimum, cost maximum).
       */
      bounds?: {
        [environment: string]: {
          [signal: string]: { minDays?: number; maxDays?: number };
        };
      };
    };
    /** Clusters to watch; merged by name with catalog Resources of `spec.type: kubernetes-cluster`. */
    clusters?: Array<{
      name: string;
      environment?: string;
    }>;
  };
}

/** Client certificate and CA for an upstream, as PEM text (use `$file` to read a mounted file). */
interface UpstreamTls {
  /** PEM CA bundle that signs the upstream's server certificate. */
  ca?: string;
  /** PEM client certificate. */
  cert?: string;
  /**
   * PEM client private key.
   * @visibility secret
   */
  key?: string;
}

/** One of: bearer token, basic auth, Elasticsearch API key. */
interface UpstreamAuth {
  /** @visibility secret */
  bearerToken?: string;
  username?: string;
  /** @visibility secret */
  password?: string;
  /** Elasticsearch API key (base64 `id:key`). @visibility secret */
  apiKey?: string;
}
