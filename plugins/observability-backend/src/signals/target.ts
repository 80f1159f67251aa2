import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  annotatedIndexPatternProblem,
  ANNOTATION_CLUSTERS,
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  ANNOTATION_JAEGER_SERVICE,
  ANNOTATION_JAEGER_SERVICE_COMMUNITY,
  ANNOTATION_KIBANA_INDEX_PATTERN,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_SERVICE_NAME,
  SignalConfigError,
  SignalsTarget,
} from '@fleetobs/plugin-observability-common';
import { isValidClusterName } from '../lib/clusters';
import { ALLOWED_INDEX_PATTERNS_KEY } from '../config';

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
 * - index pattern: `observability.fleetobs.io/kibana-index-pattern` when it is within the
 *   operator's allow-list (see {@link indexPatternError}), else the configured one;
 * - clusters: `observability.fleetobs.io/clusters` (comma-separated), narrowed by the
 *   request's `clusters`; none: every cluster that has data.
 */
export function resolveTarget(
  entity: Entity,
  options: {
    defaultIndexPattern: string;
    /** What the annotation may choose; default: the default pattern only. */
    allowedIndexPatterns?: string[];
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
  const annotatedPattern = get(ANNOTATION_KIBANA_INDEX_PATTERN);
  const indexPattern = annotatedPattern ?? options.defaultIndexPattern;
  const patternError =
    annotatedPattern !== undefined
      ? indexPatternError(
          annotatedPattern,
          options.allowedIndexPatterns ?? [options.defaultIndexPattern],
          options.defaultIndexPattern,
          service,
        )
      : undefined;

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
    ...(patternError ? { indexPatternError: patternError } : {}),
  };
}

/**
 * The configuration error of an index pattern from the annotation, or undefined when
 * it may be searched: a single pattern (no `,` list, `-` exclusion, `<date math>`,
 * `remote:` prefix or whitespace), not hidden (`.`), not a bare `*`, and within one of
 * `allowed` (`isIndexPatternWithin`: every index it matches, an allowed pattern matches).
 */
export function indexPatternError(
  pattern: string,
  allowed: string[],
  defaultPattern: string,
  /** For the example in `fix`. */
  service = 'service',
): SignalConfigError | undefined {
  const reason = annotatedIndexPatternProblem(pattern, allowed);
  if (!reason) return undefined;
  const example = allowed.find(a => a.endsWith('*') && !a.startsWith('.'));
  const name =
    service
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '')
      .slice(0, 60) || 'service';
  return {
    annotation: ANNOTATION_KIBANA_INDEX_PATTERN,
    value: pattern,
    reason,
    allowed,
    allowedBy: ALLOWED_INDEX_PATTERNS_KEY,
    fix: `Set ${ANNOTATION_KIBANA_INDEX_PATTERN} to one of ${allowed.join(
      ', ',
    )} or a narrower pattern${
      example ? ` (such as ${example.replace(/\*$/, `${name}-*`)})` : ''
    }, or remove it to use ${defaultPattern}; or ask the portal's operators to allow the pattern in ${ALLOWED_INDEX_PATTERNS_KEY}.`,
  };
}

/** The sentence of a configuration error, for `error`. */
export function configErrorText(error: SignalConfigError): string {
  return `Configuration error: the entity's annotation ${
    error.annotation
  } "${error.value.slice(0, 300)}" ${
    error.reason
  } (allowed: ${error.allowed.join(', ')}, from ${
    error.allowedBy
  }), so Elasticsearch was not asked. ${error.fix}`;
}
