import YAML, { Document, isMap, isScalar } from 'yaml';
import { PATHS } from './valuesFiles';

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

/**
 * Layout and comments of a new values file, like the files of the GitOps repo seed
 * (examples/gitops-repo). It holds no input: every `x` is a placeholder that
 * `newValuesFileText` replaces through the `yaml` Document API, so that no value is ever
 * spliced into YAML text (a value with a newline, a quote or `#` stays one scalar).
 */
const SKELETON = `# (header, set from the values)
cluster:
  name: x
  server: x
  # dev | stag | prod | ops
  environment: x
source:
  # Revision of the component charts. dev tracks HEAD; stag and prod are pinned (dev -> stag -> prod).
  targetRevision: x
  helm:
    valueFiles: x

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
  enable: x
# Filebeat DaemonSet shipping over mTLS to the Envoy Gateway in the ops cluster
logging:
  enable: x
jaeger:
  enable: x
  # Collectors in every cluster; Jaeger Query only in the ops cluster
  collector:
    enable: true
  query:
    enable: x

# --- values that must agree across every values.<cluster>.yaml (seed 10.1, 10.4, 10.12) ---
# obs:cluster:values refuses changes that would break the global view.
observability:
  # Prometheus external labels: the same label names in every cluster (Thanos adds "replica").
  externalLabels: x
  thanos:
    # One bucket per environment, one prefix per cluster: a compactor owns its prefix.
    objstore:
      bucket: x
      prefix: x
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
    indexPrefix: x
    shipping:
      # Envoy Gateway in the ops cluster, mTLS with the Filebeat client certificate
      endpoint: x
      clientCertSecret: filebeat-client-tls
    # ILM policy of this cluster's logs-* indices: hot, then warm, then delete (seed 10.6)
    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 7d }
      delete: { minAge: 30d }
  tracing:
    # Collectors write spans to <spanIndexPrefix>-span-* in the shared Elasticsearch
    spanIndexPrefix: x
    # ILM policy of jaeger-span-* (seed 10.6)
    ilm:
      rollover: { maxAge: 1d, maxSize: 50gb }
      warm: { minAge: 3d }
      delete: { minAge: 14d }
`;

/**
 * Text of a new `values.<cluster>.yaml`, laid out and commented like the files of the
 * GitOps repo seed (examples/gitops-repo), so that reviewers see the same shape everywhere.
 * Every value, label name and the header comment go through the `yaml` library.
 */
export function newValuesFileText(v: NewClusterValues): string {
  const doc: Document = YAML.parseDocument(SKELETON);
  const root = doc.contents;
  const first = isMap(root) ? root.items[0]?.key : undefined;
  if (!isScalar(first)) {
    throw new Error('values file skeleton: unexpected shape');
  }
  // The yaml library prefixes every line of a comment with "#".
  first.commentBefore = [
    ` App-of-apps values of cluster ${v.cluster} (environment ${v.environment}).`,
    ' charts/app-of-apps renders one Argo CD Application per enabled component below, named',
    ' "<cluster.name>-<component>" and deployed to cluster.server.',
    ` Created by the portal's "Onboard cluster" template; "Promote revision" edits source.targetRevision.`,
    ' Hand edits are fine: the portal keeps comments, key order and keys it does not know.',
  ].join('\n');

  const set = (p: readonly string[], value: unknown) => {
    if (doc.getIn(p) !== 'x') {
      throw new Error(`values file skeleton: no placeholder at ${p.join('.')}`);
    }
    doc.setIn(p, value);
  };
  set(PATHS.name, v.cluster);
  set(PATHS.server, v.server);
  set(PATHS.environment, v.environment);
  set(PATHS.targetRevision, v.targetRevision);
  set(PATHS.valueFiles, `values.${v.cluster}.yaml`);
  set(PATHS.monitoring, v.components.monitoring);
  set(PATHS.logging, v.components.logging);
  set(PATHS.jaeger, v.components.jaeger);
  set(PATHS.jaegerQuery, v.jaegerQuery);
  set(
    PATHS.externalLabels,
    doc.createNode({
      [v.labels.cluster]: v.cluster,
      [v.labels.environment]: v.environment,
      ...v.extraLabels,
    }),
  );
  set(PATHS.bucket, v.bucket);
  set(PATHS.prefix, v.prefix);
  set(PATHS.indexPrefix, v.indexPrefix);
  set(PATHS.shippingEndpoint, v.shippingEndpoint);
  set(PATHS.spanIndexPrefix, v.spanIndexPrefix);
  return doc.toString();
}
