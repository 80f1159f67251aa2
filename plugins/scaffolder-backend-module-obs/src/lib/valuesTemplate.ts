import {
  IlmRetention,
  MetricsRetention,
  RETENTION_VALUE_PATHS,
} from '@fleetobs/plugin-observability-common';
import YAML, { Document, isMap, isScalar } from 'yaml';
import { ObjstoreType, PATHS } from './valuesFiles';

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
  objstore: {
    type: ObjstoreType;
    bucket: string;
    prefix: string;
    endpoint?: string;
  };
  indexPrefix: string;
  shippingEndpoint: string;
  spanIndexPrefix: string;
  /** Where the cluster's Jaeger collectors write spans (the shared Elasticsearch). */
  collectorElasticsearchUrl: string;
  /** Retention from the environment's defaults; `traces` only in the ops file. */
  retention: {
    metrics: MetricsRetention;
    logs: IlmRetention;
    traces?: IlmRetention;
  };
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
# HA Prometheus pair with Thanos sidecars, compactor, store gateway and local Thanos Query.
# The keys under monitoring are values of charts/monitoring (seed step 4.1).
monitoring:
  enable: x
  prometheus:
    # Two replicas, each with its own Thanos sidecar (seed §8 "Single Prometheus replica")
    replicaCount: 2
  thanos:
    enabled: true
# Filebeat DaemonSet shipping over mTLS to the Envoy Gateway in the ops cluster
logging:
  enable: x
# Values of charts/jaeger: collectors in every cluster, Jaeger Query only in the ops cluster
jaeger:
  enable: x
  collector:
    enabled: true
  query:
    enabled: x

# --- values that must agree across every values.<cluster>.yaml (seed 10.1, 10.4, 10.12) ---
# obs:cluster:values refuses changes that would break the global view.
observability:
  # Prometheus external labels: the same label names in every cluster (Thanos adds "replica").
  externalLabels: x
  thanos:
    # One bucket per cluster (seed §0.2; §8: a bucket outage hits that cluster only).
    objstore:
      # GCS (the platform's object store) or S3 (then with its endpoint)
      type: x
      bucket: x
      prefix: x
      # Credentials: SealedSecret monitoring/thanos-objstore (key objstore.yml), sealed by
      # "Seal cluster secrets" once the cluster's controller answers
      secretName: thanos-objstore
      # Bucket lifecycle rule: deletes blocks older than this; must outlive the compactor retention
      lifecycle: x
    # mTLS between the Global Thanos Query (ops) and this cluster's local Query
    grpc:
      serverCertSecret: gateway-server-tls
      clientCertSecret: thanos-query-client-tls
    # Compactor --retention.resolution-raw / -5m / -1h (seed §6 "Expand retention (metrics)")
    # Change it with the "Change retention" template: it validates, costs and gets approval.
    compactor:
      retention:
        raw: x
        5m: x
        1h: x
  logging:
    # Filebeat writes to the rollover alias <indexPrefix> (output.elasticsearch.index); ILM
    # rolls it over into <indexPrefix>-000001, -000002, ... The portal finds this cluster's
    # logs by index name, logs-<cluster>-* (seed step 3.4), so the prefix carries the name.
    indexPrefix: x
    shipping:
      # Envoy Gateway in the ops cluster, mTLS with the Filebeat client certificate
      endpoint: x
      clientCertSecret: filebeat-client-tls
    # ILM policy of this cluster's rollover alias: hot, then warm, then delete (seed 10.6)
    ilm:
      rollover: { maxAge: x, maxSize: x }
      warm: { minAge: x }
      delete: { minAge: x }
  tracing:
    # Collectors write spans to <spanIndexPrefix>-span-* in the shared Elasticsearch.
    # Trace retention is ONE ILM policy for those shared indices, kept in the ops
    # cluster's file only (seed step 2.3 and 5.5: the rollover / ILM init job runs once).
    spanIndexPrefix: x
    # Jaeger collectors of this cluster (seed step 5.3): the shared Elasticsearch in ops,
    # over HTTPS with the credentials secret and an mTLS client certificate
    collector:
      elasticsearch:
        url: x
        credentialsSecret: jaeger-es-credentials
        clientCertSecret: jaeger-collector-client-tls
      # --collector.tags: the process tag <cluster label>=<cluster> on every span, stored as
      # the field process.tag.<cluster label> (--es.tags-as-fields.all), which the
      # span-freshness check and the service tab filter on
      tags: x
      tagsAsFields: true
    # ILM policy of the shared jaeger-span-* indices, for the whole fleet (seed 10.6)
    ilm:
      rollover: { maxAge: x, maxSize: x }
      warm: { minAge: x }
      delete: { minAge: x }
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
  set(PATHS.objstoreType, v.objstore.type);
  set(PATHS.bucket, v.objstore.bucket);
  set(PATHS.prefix, v.objstore.prefix);
  if (v.objstore.endpoint !== undefined) {
    // S3 only: the endpoint follows the type.
    const objstore = doc.getIn(PATHS.objstore);
    if (isMap(objstore)) {
      const at = objstore.items.findIndex(
        pair => isScalar(pair.key) && pair.key.value === 'type',
      );
      objstore.items.splice(
        at + 1,
        0,
        doc.createPair('endpoint', v.objstore.endpoint),
      );
    }
  }
  set(PATHS.indexPrefix, v.indexPrefix);
  set(PATHS.shippingEndpoint, v.shippingEndpoint);
  set(PATHS.spanIndexPrefix, v.spanIndexPrefix);
  set(PATHS.collectorElasticsearchUrl, v.collectorElasticsearchUrl);
  set(PATHS.collectorTags, doc.createNode({ [v.labels.cluster]: v.cluster }));
  const setRetention = (paths: Record<string, string[]>, values: object) => {
    for (const [field, p] of Object.entries(paths)) {
      set(p, (values as Record<string, string>)[field]);
    }
  };
  setRetention(RETENTION_VALUE_PATHS.metrics, v.retention.metrics);
  setRetention(RETENTION_VALUE_PATHS.logs, v.retention.logs);
  if (v.retention.traces) {
    setRetention(RETENTION_VALUE_PATHS.traces, v.retention.traces);
  } else {
    // Outside ops the fleet's trace policy is not repeated (it would only disagree).
    doc.deleteIn(PATHS.tracingIlm);
  }
  return doc.toString();
}
