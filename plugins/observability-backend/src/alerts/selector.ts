import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  AlertMatcher,
  ANNOTATION_ALERT_SELECTOR,
  formatMatcher,
  matchesAll,
  MatcherSyntaxError,
  parseMatchers,
} from '@fleetobs/plugin-observability-common';
import type { SignalsConfig } from '../config';
import { resolveTarget } from '../signals/target';

/** The alerts of a service: its matchers, as written and where they come from. */
export interface AlertSelector {
  selector: string;
  source: 'annotation' | 'default';
  matchers: AlertMatcher[];
  /** The clusters the entity names (`observability.fleetobs.io/clusters`), if any. */
  clusters?: string[];
}

/** Matchers from a caller or an annotation; a syntax error is the caller's (400). */
export function parseOrInputError(selector: string, what: string) {
  try {
    return parseMatchers(selector);
  } catch (error) {
    if (error instanceof MatcherSyntaxError) {
      throw new InputError(`${what}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * `observability.fleetobs.io/alert-selector`, else the service label of the RED
 * metrics equal to the service name (the same name the signals use).
 */
export function alertSelectorOf(
  entity: Entity,
  signals: Pick<SignalsConfig, 'logs' | 'metrics'>,
): AlertSelector {
  const target = resolveTarget(entity, {
    defaultIndexPattern: signals.logs.indexPattern,
    allowedIndexPatterns: signals.logs.allowedIndexPatterns,
  });
  const annotated =
    entity.metadata.annotations?.[ANNOTATION_ALERT_SELECTOR]?.trim();
  const clusters = target.clusters ? { clusters: target.clusters } : {};
  if (annotated) {
    return {
      selector: annotated,
      source: 'annotation',
      matchers: parseOrInputError(annotated, ANNOTATION_ALERT_SELECTOR),
      ...clusters,
    };
  }
  const matcher: AlertMatcher = {
    name: signals.metrics.serviceLabel,
    value: target.service,
    isRegex: false,
    isEqual: true,
  };
  return {
    selector: `{${formatMatcher(matcher)}}`,
    source: 'default',
    matchers: [matcher],
    ...clusters,
  };
}

/**
 * Whether a silence mutes only alerts of the selector: each selector matcher is among
 * the silence's, or (a positive one) the silence pins its label to a value it accepts.
 */
export function withinSelector(
  silence: AlertMatcher[],
  selector: AlertMatcher[],
): boolean {
  return selector.every(
    s =>
      silence.some(
        m =>
          m.name === s.name &&
          m.value === s.value &&
          m.isRegex === s.isRegex &&
          m.isEqual === s.isEqual,
      ) ||
      (s.isEqual &&
        silence.some(
          m =>
            m.name === s.name &&
            m.isEqual &&
            !m.isRegex &&
            matchesAll({ [m.name]: m.value }, [s]),
        )),
  );
}
