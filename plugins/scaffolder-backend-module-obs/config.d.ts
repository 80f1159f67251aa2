import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Fleet Observability (settings of the scaffolder module `@fleetobs/plugin-scaffolder-backend-module-obs`). */
  observability?: {
    /**
     * Names of the labels that identify a cluster and its environment in the values files
     * (`prometheus.externalLabels`), the same as the observability back end queries by.
     */
    labels?: {
      /** Default `cluster`. */
      cluster?: string;
      /** Default `environment`. */
      environment?: string;
    };
    /** Time limits of the module's outbound calls. */
    scaffolder?: {
      /** One call to the observability back end (retention plan, request, apply spec). Default 30 seconds. */
      backendTimeout?: HumanDuration;
      /**
       * DNS domain under which onboarding derives what the template leaves empty: the
       * cluster's local Thanos Query `thanos-query.<cluster>.<clusterDomain>` (registered
       * with the Global Query), and, when no other cluster names them,
       * `logs-ingest.<clusterDomain>:443` and `https://elasticsearch.<clusterDomain>:443`.
       * Default `example.com`.
       */
      clusterDomain?: string;
      /**
       * Prefix of the per-cluster Thanos buckets: `<bucketPrefix>-thanos-<cluster>`
       * (bucket names are global in GCS). Default none: `thanos-<cluster>`.
       */
      bucketPrefix?: string;
    };
    /** Retention of new clusters (the observability back end reads `bounds` too). */
    retention?: {
      /**
       * Retention a new cluster's values file starts with, per environment and signal,
       * e.g. `prod: { logs: { deleteAfter: 90d } }`. Unset settings take the built-in
       * default of the environment, fitted into `observability.retention.bounds`.
       * Traces are one fleet-wide policy, written only into the ops cluster's file.
       */
      defaults?: {
        [environment: string]: {
          metrics?: {
            raw?: string;
            fiveMinutes?: string;
            oneHour?: string;
            bucketLifecycle?: string;
          };
          logs?: {
            rolloverMaxAge?: string;
            rolloverMaxSize?: string;
            warmAfter?: string;
            deleteAfter?: string;
          };
          traces?: {
            rolloverMaxAge?: string;
            rolloverMaxSize?: string;
            warmAfter?: string;
            deleteAfter?: string;
          };
        };
      };
    };
    /**
     * The GitOps repository the templates change through pull requests (the same keys as
     * the observability back end reads).
     */
    gitops?: {
      /**
       * Web URL of the repository, e.g. `https://github.com/example-org/gitops`, served by
       * an `integrations.github` (or `gitlab`) entry. Read through the UrlReader
       * (`fetch:plain`) and changed through `publish:github:pull-request`. Required by the
       * templates (`obs:gitops:repository`).
       */
      repoUrl?: string;
      /** The branch pull requests target. Default `main`. */
      baseBranch?: string;
      /** Longest wait for one read of the repository. Default 30 seconds. */
      readTimeout?: HumanDuration;
      /**
       * Folder of `values.<cluster>.yaml` inside the GitOps repository (and the scaffolder workspace).
       * Default `charts/app-of-apps`.
       */
      valuesPath?: string;
    };
    /**
     * Sealed Secrets controller(s) that SealedSecrets are encrypted for. Sealing for a
     * cluster uses, in order: the certificate given with the action input;
     * `clusters.<cluster>.certificate`; `certificate` when declared fleet-wide with
     * `fleetWide: true`; otherwise the certificate fetched from the cluster's controller
     * (as `kubeseal --fetch-cert`) through the Kubernetes plugin's proxy, on behalf of the
     * user who runs the task. Never another cluster's certificate.
     */
    sealedSecrets?: {
      /**
       * PEM of a controller's public certificate (`kubeseal --fetch-cert`) shared by every
       * cluster. Used for clusters without their own entry under `clusters` only when
       * `fleetWide` is true; otherwise it is never used as a fallback.
       */
      certificate?: string;
      /**
       * Declares `certificate` as the fleet-wide sealing certificate: every cluster's
       * controller holds the same key pair (a key distributed to all controllers).
       * Default false: a cluster without `clusters.<cluster>.certificate` is sealed for
       * with the certificate fetched from its own controller.
       */
      fleetWide?: boolean;
      /**
       * Controller certificate of each cluster, keyed by cluster name: overrides fetching
       * it from the cluster.
       */
      clusters?: {
        [cluster: string]: {
          /** PEM of this cluster's controller certificate. */
          certificate: string;
        };
      };
      /**
       * Namespace of each cluster's controller: where its certificate is fetched from
       * (as `kubeseal --fetch-cert --controller-namespace`). Default `kube-system`.
       */
      controllerNamespace?: string;
      /** Service of the controller (`kubeseal --controller-name`). Default `sealed-secrets-controller`. */
      controllerName?: string;
      /** Port number or port name of that Service. Default `8080`. */
      controllerPort?: number | string;
      /**
       * Longest wait for a controller's certificate (through the Kubernetes plugin's proxy,
       * request and answer). Default 10 seconds.
       */
      fetchTimeout?: HumanDuration;
    };
    /** Certificate authority for the mTLS material of new clusters. */
    pki?: {
      /** CA used by `obs:pki:issue` in mode `sealed`. */
      ca?: {
        /** PEM of the CA certificate (also published as the CA bundle). */
        certificate: string;
        /**
         * PEM of the CA private key (PKCS#8, or SEC1 / PKCS#1).
         * @visibility secret
         */
        privateKey?: string;
      };
      /** cert-manager issuer referenced by `obs:pki:issue` in mode `cert-manager`. */
      issuerRef?: {
        /** Default `platform-ca`. */
        name: string;
        /** `Issuer` or `ClusterIssuer`. Default `ClusterIssuer`. */
        kind?: string;
        /** Default `cert-manager.io`. */
        group?: string;
      };
    };
  };
}
