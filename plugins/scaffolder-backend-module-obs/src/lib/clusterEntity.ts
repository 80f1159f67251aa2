import {
  CLUSTER_ENVIRONMENT_LABEL,
  CLUSTER_RESOURCE_TYPE,
} from '@fleetobs/plugin-observability-common';
import { X509Certificate } from 'node:crypto';
import { BASE64_PATTERN } from './naming';

/**
 * `kubernetes.io/auth-provider` values the Kubernetes plugin's catalog cluster locator
 * accepts (it ignores serviceAccount).
 */
export const AUTH_PROVIDERS = [
  'oidc',
  'google',
  'aws',
  'azure',
  'aks',
  'googleServiceAccount',
  'localKubectlProxy',
] as const;
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];

/** Annotations of the Kubernetes plugin on a cluster Resource entity. */
export const KUBERNETES_ANNOTATIONS = {
  apiServer: 'kubernetes.io/api-server',
  apiServerCa: 'kubernetes.io/api-server-certificate-authority',
  authProvider: 'kubernetes.io/auth-provider',
} as const;

const PEM_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;

/**
 * Returns the problem with `caData` (a kubeconfig's certificate-authority-data), or
 * undefined when it is empty or base64 of one or more PEM certificates that parse as X.509.
 * Nothing but certificates may be in it: no text around them, no key, no other PEM block.
 */
export function caDataProblem(caData: string): string | undefined {
  if (caData === '') return undefined;
  if (!BASE64_PATTERN.test(caData)) {
    return 'must be base64 (the certificate-authority-data of a kubeconfig)';
  }
  const text = Buffer.from(caData, 'base64').toString('utf8');
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (!blocks.length || text.replace(PEM_CERTIFICATE, '').trim() !== '') {
    return 'must decode to PEM certificates (-----BEGIN CERTIFICATE-----) and nothing else';
  }
  for (const [i, block] of blocks.entries()) {
    try {
      // eslint-disable-next-line no-new
      new X509Certificate(block);
    } catch (e) {
      return `certificate ${i + 1} is not a valid X.509 certificate (${
        (e as Error).message
      })`;
    }
  }
  return undefined;
}

/** The certificates in valid `caData`, for warnings (expired, not a CA). */
export function caDataCertificates(caData: string): X509Certificate[] {
  const text = Buffer.from(caData, 'base64').toString('utf8');
  return (text.match(PEM_CERTIFICATE) ?? []).map(b => new X509Certificate(b));
}

/** What a cluster's catalog entity is made of (validated by the caller). */
export interface ClusterEntityValues {
  cluster: string;
  environment: string;
  server: string;
  caData: string;
  authProvider: AuthProvider;
  owner: string;
  system: string;
  /** `observability.ui.grafanaUrl`; no Grafana link without it. */
  grafanaUrl?: string;
}

/**
 * The cluster as a catalog `Resource` entity of type kubernetes-cluster, as an object:
 * read by the Fleet Observability plugins (environment label) and by the Kubernetes plugin's
 * catalog cluster locator (kubernetes.io/* annotations). Serialize it with `yamlText`.
 */
export function clusterEntity(v: ClusterEntityValues) {
  const links = [];
  if (v.grafanaUrl) {
    const grafana = new URL(
      `${v.grafanaUrl.replace(/\/+$/, '')}/d/cluster-overview`,
    );
    grafana.searchParams.set('var-cluster', v.cluster);
    links.push({
      url: grafana.toString(),
      title: 'Grafana (cluster overview)',
      icon: 'dashboard',
    });
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: v.cluster,
      title: `${v.cluster} (${v.environment})`,
      description: `Kubernetes cluster ${v.cluster}, onboarded to the observability platform by the portal`,
      labels: { [CLUSTER_ENVIRONMENT_LABEL]: v.environment },
      annotations: {
        [KUBERNETES_ANNOTATIONS.apiServer]: v.server,
        // base64 PEM of the API server's CA; empty when not given at onboarding
        [KUBERNETES_ANNOTATIONS.apiServerCa]: v.caData,
        [KUBERNETES_ANNOTATIONS.authProvider]: v.authProvider,
      },
      links,
    },
    spec: {
      type: CLUSTER_RESOURCE_TYPE,
      owner: v.owner,
      system: v.system,
    },
  };
}
