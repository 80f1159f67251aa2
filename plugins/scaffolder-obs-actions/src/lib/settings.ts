import { readGitTimeoutMs } from './git';
import { Config } from '@backstage/config';

/** Settings of the module, read once from `observability.*` in app-config. */
export interface ObsSettings {
  /** Folder of the values files in the GitOps repository. */
  valuesPath: string;
  /** Longest run of one git command (`observability.scaffolder.gitTimeout`). */
  gitTimeoutMs: number;
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

/** Reads the module's settings; missing keys get the documented defaults. */
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
    gitTimeoutMs: readGitTimeoutMs(config),
    labels: {
      cluster: obs?.getOptionalString('labels.cluster') ?? 'cluster',
      environment:
        obs?.getOptionalString('labels.environment') ?? 'environment',
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
