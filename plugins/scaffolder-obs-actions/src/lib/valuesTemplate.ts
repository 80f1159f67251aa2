import YAML from 'yaml';

/** Values of a new cluster's file. */
export interface NewClusterValues {
  cluster: string;
  server: string;
  environment: string;
  targetRevision: string;
  components: { monitoring: boolean; logging: boolean; jaeger: boolean };
  jaegerQuery: boolean;
  labels: { cluster: string; environment: string };
  extraLabels: Record<string, string>;
  bucket: string;
  prefix: string;
  indexPrefix: string;
  shippingEndpoint: string;
  spanIndexPrefix: string;
}

const s = (v: unknown) => YAML.stringify(v, { lineWidth: 0 }).trimEnd();

/**
 * Text of a new `values.<cluster>.yaml`, laid out and commented like the files of the
 * GitOps repo seed (examples/gitops-repo), so that reviewers see the same shape everywhere.
 */
export function newValuesFileText(v: NewClusterValues): string {
  const labelLines = [
    `    ${s(v.labels.cluster)}: ${s(v.cluster)}`,
    `    ${s(v.labels.environment)}: ${s(v.environment)}`,
    ...Object.entries(v.extraLabels).map(
      ([k, val]) => `    ${s(k)}: ${s(val)}`,
    ),
  ].join('\n');
  return `# App-of-apps values of cluster ${v.cluster} (environment ${
    v.environment
  }).
# charts/app-of-apps renders one Argo CD Application per enabled component below, named
# "<cluster.name>-<component>" and deployed to cluster.server.
# Created by the portal's "Onboard cluster" template; "Promote revision" edits source.targetRevision.
# Hand edits are fine: the portal keeps comments, key order and keys it does not know.
cluster:
  name: ${s(v.cluster)}
  server: ${s(v.server)}
  # dev | stag | prod | ops
  environment: ${s(v.environment)}
source:
  # Revision of the component charts. dev tracks HEAD; stag and prod are pinned (dev -> stag -> prod).
  targetRevision: ${s(v.targetRevision)}
  helm:
    valueFiles: values.${v.cluster}.yaml

# --- platform prerequisites ---
certManager:
  enable: true
sealedSecrets:
  enable: true
envoyGateway:
  enable: true
externalDns:
  enable: true

# --- observability components ---
# HA Prometheus pair with Thanos sidecars, compactor, store gateway and local Thanos Query
monitoring:
  enable: ${v.components.monitoring}
# Filebeat DaemonSet shipping over mTLS to the Envoy Gateway in the ops cluster
logging:
  enable: ${v.components.logging}
jaeger:
  enable: ${v.components.jaeger}
  # Collectors in every cluster; Jaeger Query only in the ops cluster
  collector:
    enable: true
  query:
    enable: ${v.jaegerQuery}

# --- values that must agree across every values.<cluster>.yaml (seed 10.1, 10.4, 10.12) ---
# obs:cluster:values refuses changes that would break the global view.
observability:
  # Prometheus external labels: the same label names in every cluster (Thanos adds "replica").
  externalLabels:
${labelLines}
  thanos:
    # One bucket per environment, one prefix per cluster: a compactor owns its prefix.
    objstore:
      bucket: ${s(v.bucket)}
      prefix: ${s(v.prefix)}
      # Credentials: SealedSecret monitoring/thanos-objstore (key objstore.yml)
      secretName: thanos-objstore
      # Bucket lifecycle rule: deletes blocks older than this; must outlive the compactor retention
      lifecycle: 400d
    # mTLS between the Global Thanos Query (ops) and this cluster's local Query
    grpc:
      serverCertSecret: gateway-server-tls
      clientCertSecret: thanos-query-client-tls
    # Compactor --retention.resolution-raw / -5m / -1h (seed §6 "Expand retention (metrics)")
    # Change it with the "Change retention" template: it validates, costs and gets approval.
    compactor:
      retention:
        raw: 30d
        5m: 90d
        1h: 1y
  logging:
    # Daily indices <indexPrefix>-YYYY.MM.DD, inside the logs-* pattern and its ILM policy
    indexPrefix: ${s(v.indexPrefix)}
    shipping:
      # Envoy Gateway in the ops cluster, mTLS with the Filebeat client certificate
      endpoint: ${s(v.shippingEndpoint)}
      clientCertSecret: filebeat-client-tls
    # ILM policy of this cluster's logs-* indices: hot, then warm, then delete (seed 10.6)
    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 7d }
      delete: { minAge: 30d }
  tracing:
    # Collectors write spans to <spanIndexPrefix>-span-* in the shared Elasticsearch
    spanIndexPrefix: ${s(v.spanIndexPrefix)}
    # ILM policy of jaeger-span-* (seed 10.6)
    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 3d }
      delete: { minAge: 14d }
`;
}
