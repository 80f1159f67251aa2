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
      /** One git command of the demo `obs:gitops:local-*` actions. Default 2 minutes. */
      gitTimeout?: HumanDuration;
    };
    /** Where the app-of-apps values files live in the GitOps repository. */
    gitops?: {
      /**
       * Folder of `values.<cluster>.yaml` inside the GitOps repository (and the scaffolder workspace).
       * Default `charts/app-of-apps`.
       */
      valuesPath?: string;
      /**
       * DEMO ONLY: path of a local git repository that `obs:gitops:local-fetch` reads and
       * `obs:gitops:local-pr` commits branches to. Absolute, or relative to the backend's working
       * directory. Leave unset in production (use `fetch:plain` and `publish:github:pull-request`).
       */
      demoRepoPath?: string;
    };
    /**
     * Sealed Secrets controller(s) that SealedSecrets are encrypted for. Sealing for a
     * cluster uses `clusters.<cluster>.certificate`; a cluster without one is refused
     * (naming the key to set), unless `certificate` is declared fleet-wide with `fleetWide: true`.
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
       * controller holds the same key pair (e.g. the demo, or a key distributed to all
       * controllers). Default false: a cluster without `clusters.<cluster>.certificate`
       * cannot be sealed for.
       */
      fleetWide?: boolean;
      /** Controller certificate of each cluster, keyed by cluster name. */
      clusters?: {
        [cluster: string]: {
          /** PEM of this cluster's controller certificate. */
          certificate: string;
        };
      };
      /** Namespace of the controller, documented in the generated manifests. Default `kube-system`. */
      controllerNamespace?: string;
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
