import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { DEFAULT_CLUSTER_LABELS } from '@fleetobs/plugin-observability-common';
import { HOSTNAME_PATTERN } from './naming';
import {
  NewClusterRetention,
  readRetentionDefaults,
} from './retentionDefaults';

// The only place this module reads config: every `observability.*` key it uses is read
// here, once, when the module starts, with its default.

/**
 * Settings of the module, read once from `observability.*` in app-config.
 *
 * @public
 */
export interface ObsSettings {
  /** Folder of the values files in the GitOps repository. */
  valuesPath: string;
  /** Longest call to the observability back end (`observability.scaffolder.backendTimeout`). */
  backendTimeoutMs: number;
  /** The GitOps repository (`observability.gitops`). */
  gitops: {
    /** Its web URL (`repoUrl`); templates cannot run without it. */
    repoUrl?: string;
    /** The branch pull requests target (`baseBranch`, default `main`). */
    baseBranch: string;
    /** Longest wait for one read of the repository (`readTimeout`). */
    readTimeoutMs: number;
  };
  /**
   * Hosts whose API servers may use plain http: the Kubernetes plugin's own exemption
   * (`kubernetes.clusterLocatorMethods[].dangerouslyAllowClusterUrls` of its catalog
   * locator), so onboarding accepts exactly what the portal will connect to.
   */
  httpClusterHosts: string[];
  /** Names of the Prometheus external labels identifying a cluster and its environment. */
  labels: { cluster: string; environment: string };
  /**
   * What onboarding derives from a cluster's name when the template leaves it empty
   * (`observability.scaffolder.*`): hosts `<service>.<cluster>.<clusterDomain>`, shared
   * hosts `<service>.<clusterDomain>`, buckets `[<bucketPrefix>-]thanos-<cluster>`.
   */
  naming: {
    /** `observability.scaffolder.clusterDomain`, default `example.com`. */
    clusterDomain: string;
    /** `observability.scaffolder.bucketPrefix`, default none. */
    bucketPrefix?: string;
  };
  /** `observability.ui.grafanaUrl`: base of the cluster entity's Grafana link (none when unset). */
  grafanaUrl?: string;
  /** Retention of a new cluster's values file by environment (`observability.retention.defaults`). */
  retentionDefaults: (environment: string) => NewClusterRetention;
  sealedSecrets: {
    /** `observability.sealedSecrets.certificate`: used for every cluster only when `fleetWide`. */
    certificate?: string;
    /** `observability.sealedSecrets.fleetWide`: one controller key pair for the whole fleet. */
    fleetWide: boolean;
    /** Controller certificate by cluster name. */
    clusters: Record<string, string>;
    /** Namespace of each cluster's controller (`controllerNamespace`, default `kube-system`). */
    controllerNamespace: string;
    /** Service of the controller (`controllerName`, default `sealed-secrets-controller`). */
    controllerName: string;
    /** Port (number or name) of that Service (`controllerPort`, default `8080`). */
    controllerPort: string;
    /** Longest fetch of a controller's certificate (`fetchTimeout`, default 10 s). */
    fetchTimeoutMs: number;
  };
  pki: {
    ca?: { certificate: string; privateKey?: string };
    issuerRef: { name: string; kind: string; group: string };
  };
}

export const DEFAULT_VALUES_PATH = 'charts/app-of-apps';

/** Config key of the timeout of one read of the GitOps repository. */
export const GITOPS_READ_TIMEOUT_KEY = 'observability.gitops.readTimeout';
/** Default timeout of one read of the GitOps repository: 30 s (as the back end). */
export const DEFAULT_GITOPS_READ_TIMEOUT_MS = 30_000;

/** Config key of the timeout of one call to the observability back end. */
export const BACKEND_TIMEOUT_KEY = 'observability.scaffolder.backendTimeout';
/** Default timeout of one call to the observability back end: 30 s. */
export const DEFAULT_BACKEND_TIMEOUT_MS = 30_000;

/** Config key of the timeout of fetching a sealed-secrets controller's certificate. */
export const SEALED_SECRETS_FETCH_TIMEOUT_KEY =
  'observability.sealedSecrets.fetchTimeout';
/** Default timeout of fetching a controller's certificate: 10 s. */
export const DEFAULT_SEALED_SECRETS_FETCH_TIMEOUT_MS = 10_000;

/** The Service port of the sealed-secrets controller: a port number or a port name. */
function readControllerPort(obs: Config | undefined): string {
  const key = 'sealedSecrets.controllerPort';
  const value = obs?.getOptional(key) ?? 8080;
  const port = String(value);
  const isNumber =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= 65535;
  const isName =
    typeof value === 'string' &&
    (/^[1-9][0-9]{0,4}$/.test(port)
      ? Number(port) <= 65535
      : /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(port));
  if (!isNumber && !isName) {
    throw new Error(
      `observability.${key}: must be a port number (1-65535) or a Service port name, got ${JSON.stringify(
        value,
      )}`,
    );
  }
  return port;
}

/** Config key of the DNS domain that cluster hosts are derived under. */
export const CLUSTER_DOMAIN_KEY = 'observability.scaffolder.clusterDomain';
/** Config key of the prefix of the per-cluster Thanos buckets. */
export const BUCKET_PREFIX_KEY = 'observability.scaffolder.bucketPrefix';

function readNaming(config: Config): ObsSettings['naming'] {
  const clusterDomain =
    config.getOptionalString(CLUSTER_DOMAIN_KEY) ?? 'example.com';
  if (clusterDomain.startsWith('*') || !HOSTNAME_PATTERN.test(clusterDomain)) {
    throw new Error(
      `${CLUSTER_DOMAIN_KEY}: must be a DNS domain such as example.com, got ${JSON.stringify(
        clusterDomain,
      )}`,
    );
  }
  const bucketPrefix = config.getOptionalString(BUCKET_PREFIX_KEY);
  // With "-thanos-<cluster>" (at most 20 characters) a bucket name stays within 63.
  if (
    bucketPrefix !== undefined &&
    !/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/.test(bucketPrefix)
  ) {
    throw new Error(
      `${BUCKET_PREFIX_KEY}: must be 1-40 characters of a-z, 0-9 and "-" (a bucket name part), got ${JSON.stringify(
        bucketPrefix,
      )}`,
    );
  }
  return { clusterDomain, bucketPrefix };
}

function readGrafanaUrl(config: Config): string | undefined {
  const key = 'observability.ui.grafanaUrl';
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password) {
    throw new Error(`${key}: must be an http(s) URL without credentials`);
  }
  return value.replace(/\/+$/, '');
}

/** A duration from config (`{ seconds: 30 }`, `30s`, ISO 8601) in milliseconds, or `fallback`. */
function readTimeoutMs(config: Config, key: string, fallback: number): number {
  return config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallback;
}

/**
 * Reads the module's settings; missing keys get the documented defaults.
 *
 * @public
 */
export function readSettings(config: Config): ObsSettings {
  const obs = config.getOptionalConfig('observability');
  const clusters: Record<string, string> = {};
  const clustersConfig = obs?.getOptionalConfig('sealedSecrets.clusters');
  for (const name of clustersConfig?.keys() ?? []) {
    clusters[name] = clustersConfig!.getString(`${name}.certificate`);
  }
  const ca = obs?.getOptionalConfig('pki.ca');
  return {
    valuesPath:
      obs?.getOptionalString('gitops.valuesPath') ?? DEFAULT_VALUES_PATH,
    gitops: {
      repoUrl: obs?.getOptionalString('gitops.repoUrl'),
      baseBranch: obs?.getOptionalString('gitops.baseBranch') ?? 'main',
      readTimeoutMs: readTimeoutMs(
        config,
        GITOPS_READ_TIMEOUT_KEY,
        DEFAULT_GITOPS_READ_TIMEOUT_MS,
      ),
    },
    backendTimeoutMs: readTimeoutMs(
      config,
      BACKEND_TIMEOUT_KEY,
      DEFAULT_BACKEND_TIMEOUT_MS,
    ),
    httpClusterHosts: (
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []
    ).flatMap(method =>
      method.getOptionalString('type') === 'catalog'
        ? method.getOptionalStringArray('dangerouslyAllowClusterUrls') ?? []
        : [],
    ),
    labels: {
      cluster:
        obs?.getOptionalString('labels.cluster') ??
        DEFAULT_CLUSTER_LABELS.cluster,
      environment:
        obs?.getOptionalString('labels.environment') ??
        DEFAULT_CLUSTER_LABELS.environment,
    },
    naming: readNaming(config),
    grafanaUrl: readGrafanaUrl(config),
    retentionDefaults: readRetentionDefaults(config),
    sealedSecrets: {
      certificate: obs?.getOptionalString('sealedSecrets.certificate'),
      fleetWide: obs?.getOptionalBoolean('sealedSecrets.fleetWide') ?? false,
      clusters,
      controllerNamespace:
        obs?.getOptionalString('sealedSecrets.controllerNamespace') ??
        'kube-system',
      controllerName:
        obs?.getOptionalString('sealedSecrets.controllerName') ??
        'sealed-secrets-controller',
      controllerPort: readControllerPort(obs),
      fetchTimeoutMs: readTimeoutMs(
        config,
        SEALED_SECRETS_FETCH_TIMEOUT_KEY,
        DEFAULT_SEALED_SECRETS_FETCH_TIMEOUT_MS,
      ),
    },
    pki: {
      ca: ca
        ? {
            certificate: ca.getString('certificate'),
            privateKey: ca.getOptionalString('privateKey'),
          }
        : undefined,
      issuerRef: {
        name: obs?.getOptionalString('pki.issuerRef.name') ?? 'platform-ca',
        kind: obs?.getOptionalString('pki.issuerRef.kind') ?? 'ClusterIssuer',
        group:
          obs?.getOptionalString('pki.issuerRef.group') ?? 'cert-manager.io',
      },
    },
  };
}
