import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_CLUSTERS,
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  ANNOTATION_JAEGER_SERVICE,
  ANNOTATION_JAEGER_SERVICE_COMMUNITY,
  ANNOTATION_KIBANA_INDEX_PATTERN,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_SERVICE_NAME,
  SignalsTarget,
} from '@fleetobs/plugin-observability-common';
import { isValidClusterName } from '../service/clusters';
import { indexPath } from '../upstream/ElasticsearchClient';

const RELEVANT = [
  ANNOTATION_SERVICE_NAME,
  ANNOTATION_CLUSTERS,
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  ANNOTATION_KIBANA_INDEX_PATTERN,
  ANNOTATION_JAEGER_SERVICE,
  ANNOTATION_JAEGER_SERVICE_COMMUNITY,
  ANNOTATION_KUBERNETES_ID,
];

// The annotations a service owner is asked to add when they are missing (the
// others have an equivalent: the community Jaeger one, or the Kubernetes id).
const RECOMMENDED = [
  ANNOTATION_SERVICE_NAME,
  ANNOTATION_CLUSTERS,
  ANNOTATION_KIBANA_INDEX_PATTERN,
];

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map(s => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

/**
 * Maps an entity to the names the upstreams know it by:
 * - service: `observability.fleetobs.io/service-name`, else `backstage.io/kubernetes-id`,
 *   else `metadata.name`;
 * - Jaeger service: `observability.fleetobs.io/jaeger-service`, else `jaegertracing.io/service`,
 *   else the service;
 * - index pattern: `observability.fleetobs.io/kibana-index-pattern`, else the configured one;
 * - clusters: `observability.fleetobs.io/clusters` (comma-separated), narrowed by the
 *   request's `clusters`; none: every cluster that has data.
 */
export function resolveTarget(
  entity: Entity,
  options: {
    defaultIndexPattern: string;
    requestedClusters?: string[];
    /** Where the service runs, when the Kubernetes plugin knows (overrides the annotation). */
    runsIn?: { clusters: string[]; notes?: string[] };
    /** Why the Kubernetes plugin's answer is not used, when it is not. */
    notes?: string[];
  },
): SignalsTarget {
  const annotations = entity.metadata.annotations ?? {};
  const get = (key: string) => annotations[key]?.trim() || undefined;

  const service =
    get(ANNOTATION_SERVICE_NAME) ??
    get(ANNOTATION_KUBERNETES_ID) ??
    entity.metadata.name;
  const jaegerService =
    get(ANNOTATION_JAEGER_SERVICE) ??
    get(ANNOTATION_JAEGER_SERVICE_COMMUNITY) ??
    service;
  const indexPattern =
    get(ANNOTATION_KIBANA_INDEX_PATTERN) ?? options.defaultIndexPattern;
  try {
    indexPath(indexPattern);
  } catch {
    throw new InputError(
      `The entity's ${ANNOTATION_KIBANA_INDEX_PATTERN} "${indexPattern}" is not an Elasticsearch index pattern`,
    );
  }

  const annotated = list(get(ANNOTATION_CLUSTERS));
  for (const name of annotated ?? []) {
    if (!isValidClusterName(name)) {
      throw new InputError(
        `The entity's ${ANNOTATION_CLUSTERS} has an invalid cluster name "${name}"`,
      );
    }
  }
  const known = options.runsIn?.clusters ?? annotated;
  let clusters = known;
  if (options.requestedClusters) {
    const outside = known
      ? options.requestedClusters.filter(c => !known.includes(c))
      : [];
    if (outside.length > 0) {
      throw new InputError(
        `Cluster(s) ${outside.join(
          ', ',
        )} are not among the clusters of the service (${known!.join(', ')})`,
      );
    }
    clusters = options.requestedClusters;
  }

  const used: Record<string, string> = {};
  for (const key of RELEVANT) {
    const value = get(key);
    if (value !== undefined) used[key] = value;
  }
  const missingAnnotations = RECOMMENDED.filter(key => !(key in used));
  if (
    !(ANNOTATION_JAEGER_SERVICE in used) &&
    !(ANNOTATION_JAEGER_SERVICE_COMMUNITY in used)
  ) {
    missingAnnotations.push(ANNOTATION_JAEGER_SERVICE_COMMUNITY);
  }

  return {
    service,
    jaegerService,
    indexPattern,
    ...(clusters ? { clusters } : {}),
    clustersSource:
      (options.runsIn && 'kubernetes') || (annotated && 'annotation') || 'all',
    ...(options.notes?.length ? { clustersNotes: options.notes } : {}),
    annotations: used,
    missingAnnotations,
  };
}
