import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { DEFAULT_CLUSTER_LABELS } from '@fleetobs/plugin-observability-common';

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
  /** Longest run of one git command (`observability.scaffolder.gitTimeout`). */
  gitTimeoutMs: number;
  /** Longest call to the observability back end (`observability.scaffolder.backendTimeout`). */
  backendTimeoutMs: number;
  /** DEMO ONLY: local git repository used by the `obs:gitops:local-*` actions. */
  demoRepoPath?: string;
  /** Names of the Prometheus external labels identifying a cluster and its environment. */
  labels: { cluster: string; environment: string };
  sealedSecrets: {
    /** `observability.sealedSecrets.certificate`: used for every cluster only when `fleetWide`. */
    certificate?: string;
    /** `observability.sealedSecrets.fleetWide`: one controller key pair for the whole fleet. */
    fleetWide: boolean;
    /** Controller certificate by cluster name. */
    clusters: Record<string, string>;
    controllerNamespace: string;
  };
  pki: {
    ca?: { certificate: string; privateKey?: string };
    issuerRef: { name: string; kind: string; group: string };
  };
}

export const DEFAULT_VALUES_PATH = 'charts/app-of-apps';

/** Config key of the timeout of one git command. */
export const GIT_TIMEOUT_KEY = 'observability.scaffolder.gitTimeout';
/** Default timeout of one git command: 2 minutes. */
export const DEFAULT_GIT_TIMEOUT_MS = 120_000;

/** Config key of the timeout of one call to the observability back end. */
export const BACKEND_TIMEOUT_KEY = 'observability.scaffolder.backendTimeout';
/** Default timeout of one call to the observability back end: 30 s. */
export const DEFAULT_BACKEND_TIMEOUT_MS = 30_000;

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
    demoRepoPath: obs?.getOptionalString('gitops.demoRepoPath'),
    gitTimeoutMs: readTimeoutMs(
      config,
      GIT_TIMEOUT_KEY,
      DEFAULT_GIT_TIMEOUT_MS,
    ),
    backendTimeoutMs: readTimeoutMs(
      config,
      BACKEND_TIMEOUT_KEY,
      DEFAULT_BACKEND_TIMEOUT_MS,
    ),
    labels: {
      cluster:
        obs?.getOptionalString('labels.cluster') ??
        DEFAULT_CLUSTER_LABELS.cluster,
      environment:
        obs?.getOptionalString('labels.environment') ??
        DEFAULT_CLUSTER_LABELS.environment,
    },
    sealedSecrets: {
      certificate: obs?.getOptionalString('sealedSecrets.certificate'),
      fleetWide: obs?.getOptionalBoolean('sealedSecrets.fleetWide') ?? false,
      clusters,
      controllerNamespace:
        obs?.getOptionalString('sealedSecrets.controllerNamespace') ??
        'kube-system',
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
