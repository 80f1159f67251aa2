import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_ARGOCD_APP_NAME,
  ANNOTATION_ARGOCD_APP_SELECTOR,
  ANNOTATION_ARGOCD_INSTANCE_NAME,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_SERVICE_NAME,
  EntityGitopsRule,
} from '@fleetobs/plugin-observability-common';
import type { ArgoCdApplication } from '../upstream/ArgoCdClient';

/** The label Argo CD's and Helm's common labelling give an application's workloads. */
export const DEFAULT_NAME_LABEL = 'app.kubernetes.io/name';

const MAX_SELECTOR = 512;
const MAX_TERMS = 16;
const MAX_NAMES = 50;
const MAX_INSTANCES = 10;

// Kubernetes label syntax: key `[prefix/]name`, value a name or empty.
const LABEL_NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const LABEL_PREFIX = '[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/';
const SELECTOR_TERM = new RegExp(
  `^(!)?((?:${LABEL_PREFIX})?${LABEL_NAME})(?:\\s*(==|=|!=)\\s*(${LABEL_NAME})?)?$`,
);
/** An Argo CD Application name (a Kubernetes resource name). */
const APP_NAME = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$/;
/** An instance name: the host (and port) of its API URL. */
const INSTANCE_NAME = /^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?(?::\d{1,5})?$/;

/** What an entity's annotations ask for, validated. */
export interface EntityGitopsTarget {
  rule: EntityGitopsRule;
  /** `argocd/instance-name`: only these instances (by name); undefined: all. */
  instances?: string[];
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map(s => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

const quoted = (value: string) => JSON.stringify(value.slice(0, 100));

function refuse(annotation: string, value: string, why: string): never {
  throw new InputError(
    `The entity's annotation ${annotation} ${quoted(value)} ${why}`,
  );
}

/**
 * A label selector from `argocd/app-selector`, normalized: equality and existence
 * terms only (`k`, `!k`, `k=v`, `k==v`, `k!=v`), joined by commas. Set-based terms
 * (`in`, `notin`) are refused: the selector is AND-ed to the configured one, and a
 * comma inside `( )` would split it.
 */
export function parseAppSelector(value: string): string {
  const refuseSelector = (why: string) =>
    refuse(ANNOTATION_ARGOCD_APP_SELECTOR, value, why);
  if (value.length > MAX_SELECTOR) {
    refuseSelector(`is longer than ${MAX_SELECTOR} characters`);
  }
  const terms = value
    .split(',')
    .map(t => t.trim())
    .filter(Boolean);
  if (terms.length === 0) refuseSelector('is empty');
  if (terms.length > MAX_TERMS) {
    refuseSelector(`has more than ${MAX_TERMS} terms`);
  }
  return terms
    .map(term => {
      const m = SELECTOR_TERM.exec(term);
      if (!m || (m[1] && m[3])) {
        return refuseSelector(
          `is not a label selector: ${quoted(
            term,
          )} (use key, !key, key=value or key!=value, comma-separated)`,
        );
      }
      const [, not, key, op, v = ''] = m;
      return op ? `${key}${op === '==' ? '=' : op}${v}` : `${not ?? ''}${key}`;
    })
    .join(',');
}

/** The service name the default rule looks for (as the signals resolve it). */
export function serviceOf(entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  return (
    annotations[ANNOTATION_SERVICE_NAME]?.trim() ||
    annotations[ANNOTATION_KUBERNETES_ID]?.trim() ||
    entity.metadata.name
  );
}

/** Reads and validates the entity's Argo CD annotations (400 naming a bad one). */
export function resolveGitopsTarget(entity: Entity): EntityGitopsTarget {
  const annotations = entity.metadata.annotations ?? {};
  const get = (key: string) => annotations[key]?.trim() || undefined;

  const rawNames = get(ANNOTATION_ARGOCD_APP_NAME);
  const names = list(rawNames);
  if (rawNames && names) {
    if (names.length > MAX_NAMES) {
      refuse(
        ANNOTATION_ARGOCD_APP_NAME,
        rawNames,
        `lists more than ${MAX_NAMES} applications`,
      );
    }
    const bad = names.find(n => !APP_NAME.test(n));
    if (bad !== undefined) {
      refuse(
        ANNOTATION_ARGOCD_APP_NAME,
        rawNames,
        `has an invalid application name ${quoted(bad)}`,
      );
    }
  }
  const rawSelector = get(ANNOTATION_ARGOCD_APP_SELECTOR);
  const selector =
    rawSelector === undefined ? undefined : parseAppSelector(rawSelector);

  const rawInstances = get(ANNOTATION_ARGOCD_INSTANCE_NAME);
  const instances = list(rawInstances)?.map(i => i.toLowerCase());
  if (rawInstances && instances) {
    if (instances.length > MAX_INSTANCES) {
      refuse(
        ANNOTATION_ARGOCD_INSTANCE_NAME,
        rawInstances,
        `lists more than ${MAX_INSTANCES} instances`,
      );
    }
    const bad = instances.find(i => !INSTANCE_NAME.test(i));
    if (bad !== undefined) {
      refuse(
        ANNOTATION_ARGOCD_INSTANCE_NAME,
        rawInstances,
        `has an invalid instance name ${quoted(bad)}`,
      );
    }
  }

  const rule: EntityGitopsRule =
    names || selector
      ? {
          source: 'annotations',
          ...(names ? { names: [...new Set(names)] } : {}),
          ...(selector ? { selector } : {}),
        }
      : { source: 'default', service: serviceOf(entity) };
  return { rule, ...(instances ? { instances: [...new Set(instances)] } : {}) };
}

/** The selector sent to Argo CD: the configured one, narrowed by the entity's. */
export function requestSelector(
  configured: string,
  rule: EntityGitopsRule,
): string {
  const own = rule.source === 'annotations' ? rule.selector : undefined;
  return [configured, own].filter(Boolean).join(',');
}

/**
 * Whether an application of Argo CD's answer is the entity's: by name with
 * `app-name` (a selector was applied by Argo CD); by the default rule, labelled
 * `app.kubernetes.io/name=<service>` or named `<cluster>-<service>`.
 */
export function matchesRule(
  rule: EntityGitopsRule,
  app: ArgoCdApplication,
  cluster: string | undefined,
): boolean {
  const name = app.metadata.name;
  if (rule.source === 'annotations') {
    return !rule.names || rule.names.includes(name);
  }
  return (
    app.metadata.labels?.[DEFAULT_NAME_LABEL] === rule.service ||
    (cluster !== undefined && name === `${cluster}-${rule.service}`)
  );
}
