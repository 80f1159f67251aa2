/**
 * Entity annotations read by the observability plugins. Each is optional; the
 * defaults are described in the plugin README.
 *
 * @public
 */
export const ANNOTATION_SERVICE_NAME = 'observability.fleetobs.io/service-name';
/** Comma-separated cluster names the service runs in. @public */
export const ANNOTATION_CLUSTERS = 'observability.fleetobs.io/clusters';
/** Same meaning as the community Grafana plugin's annotation. @public */
export const ANNOTATION_GRAFANA_DASHBOARD_SELECTOR =
  'grafana/dashboard-selector';
/** @public */
export const ANNOTATION_KIBANA_INDEX_PATTERN =
  'observability.fleetobs.io/kibana-index-pattern';
/** @public */
export const ANNOTATION_JAEGER_SERVICE =
  'observability.fleetobs.io/jaeger-service';
/** The community Jaeger plugin's annotation, also accepted. @public */
export const ANNOTATION_JAEGER_SERVICE_COMMUNITY = 'jaegertracing.io/service';
/** Kubernetes plugin annotation, reused as a default service name. @public */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';

/** `spec.type` of catalog Resource entities that are clusters. @public */
export const CLUSTER_RESOURCE_TYPE = 'kubernetes-cluster';
/** Label on cluster Resource entities naming their environment. @public */
export const CLUSTER_ENVIRONMENT_LABEL =
  'observability.fleetobs.io/environment';
