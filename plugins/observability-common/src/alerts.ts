/**
 * Alerts of the fleet, a cluster or a service, as the observability back end answers
 * them (from each cluster's Alertmanager, v2 API).
 */

/**
 * Alertmanager matchers choosing the alerts of a service, e.g.
 * `{service="checkout", namespace=~"shop-.*"}`. Default: the service label of the RED
 * metrics equal to the service name.
 *
 * @public
 */
export const ANNOTATION_ALERT_SELECTOR =
  'observability.fleetobs.io/alert-selector';

/** One Alertmanager label matcher (the v2 API's shape). @public */
export interface AlertMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** `false` for `!=` and `!~`. */
  isEqual: boolean;
}

/** active: notifying; silenced / inhibited: muted by a silence or an inhibition. @public */
export type AlertState = 'active' | 'silenced' | 'inhibited';

/** One firing alert, in the cluster whose Alertmanager has it. @public */
export interface FiringAlert {
  cluster: string;
  name: string;
  /** The `severity` label; `none` when it has none. */
  severity: string;
  state: AlertState;
  /** ISO time the alert started firing. */
  since: string;
  summary?: string;
  description?: string;
  runbookUrl?: string;
  labels: Record<string, string>;
  fingerprint: string;
  silencedBy: string[];
  inhibitedBy: string[];
  /** The alert in its Alertmanager's UI. */
  alertmanagerUrl?: string;
  /** The alerting rule's expression in Prometheus, from `generatorURL`. */
  generatorUrl?: string;
  /** The same expression in Grafana Explore, when Grafana is configured. */
  grafanaUrl?: string;
}

/** A cluster whose Alertmanager did not answer: its alerts are unknown. @public */
export interface AlertsUnavailable {
  cluster: string;
  error: string;
}

/** `GET /v1/alerts`. @public */
export interface AlertsAnswer {
  /** The selector in use for an entity, and where it comes from. */
  selector?: string;
  selectorSource?: 'annotation' | 'default';
  alerts: FiringAlert[];
  unavailable: AlertsUnavailable[];
}

/** Firing alerts of one cluster by severity (silenced and inhibited ones not counted). @public */
export interface AlertCounts {
  critical: number;
  warning: number;
  other: number;
}

/** `POST /v1/silences`. @public */
export interface SilenceRequest {
  cluster: string;
  /** The entity whose alert it is; none for a cluster alert. */
  entityRef?: string;
  matchers: AlertMatcher[];
  /** Minutes, at most the configured maximum. */
  durationMinutes: number;
  comment: string;
}

/** @public */
export interface SilenceCreated {
  cluster: string;
  silenceId: string;
  endsAt: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_SELECTOR_LENGTH = 1000;
const MAX_MATCHERS = 20;

/** A matcher set that cannot be parsed; the message says where. @public */
export class MatcherSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatcherSyntaxError';
  }
}

function readQuoted(text: string, start: number): [string, number] {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) break;
      value += next === 'n' ? '\n' : next;
      i++;
    } else if (c === '"') {
      return [value, i + 1];
    } else {
      value += c;
    }
  }
  throw new MatcherSyntaxError('unterminated quoted value');
}

/**
 * Parses Alertmanager matcher syntax (`{a="b", c=~"d.*"}`, braces optional, values
 * quoted or bare) and validates names and regular expressions.
 *
 * @public
 */
export function parseMatchers(selector: string): AlertMatcher[] {
  if (selector.length > MAX_SELECTOR_LENGTH) {
    throw new MatcherSyntaxError(
      `longer than ${MAX_SELECTOR_LENGTH} characters`,
    );
  }
  let text = selector.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new MatcherSyntaxError('missing "}"');
    text = text.slice(1, -1);
  }
  const out: AlertMatcher[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  while (i < text.length) {
    const name = /^[^\s=!~,"]+/.exec(text.slice(i))?.[0] ?? '';
    if (!LABEL_NAME.test(name)) {
      throw new MatcherSyntaxError(`invalid label name "${name}"`);
    }
    i += name.length;
    skipSpace();
    const op = /^(=~|!~|!=|=)/.exec(text.slice(i))?.[0];
    if (!op) throw new MatcherSyntaxError(`missing operator after "${name}"`);
    i += op.length;
    skipSpace();
    let value: string;
    if (text[i] === '"') {
      [value, i] = readQuoted(text, i);
    } else {
      value = /^[^\s,"{}]*/.exec(text.slice(i))![0];
      i += value.length;
    }
    const isRegex = op.endsWith('~');
    if (isRegex) {
      try {
        // Alertmanager anchors the expression on both ends.
        RegExp(`^(?:${value})$`);
      } catch {
        throw new MatcherSyntaxError(
          `invalid regular expression for "${name}"`,
        );
      }
    }
    out.push({ name, value, isRegex, isEqual: !op.startsWith('!') });
    if (out.length > MAX_MATCHERS) {
      throw new MatcherSyntaxError(`more than ${MAX_MATCHERS} matchers`);
    }
    skipSpace();
    if (i < text.length) {
      if (text[i] !== ',') {
        throw new MatcherSyntaxError(
          `expected "," after the "${name}" matcher`,
        );
      }
      i++;
      skipSpace();
    }
  }
  if (out.length === 0) throw new MatcherSyntaxError('no matchers');
  return out;
}

/** One matcher in Alertmanager syntax, value quoted and escaped. @public */
export function formatMatcher(m: AlertMatcher): string {
  const ops = { eq: '=', ne: '!=', re: '=~', nre: '!~' };
  const op = m.isRegex
    ? ops[m.isEqual ? 're' : 'nre']
    : ops[m.isEqual ? 'eq' : 'ne'];
  const value = m.value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
  return `${m.name}${op}"${value}"`;
}

/** Whether a label set matches every matcher (Alertmanager semantics: absent = ""). @public */
export function matchesAll(
  labels: Record<string, string>,
  matchers: AlertMatcher[],
): boolean {
  return matchers.every(m => {
    const value = labels[m.name] ?? '';
    const hit = m.isRegex
      ? new RegExp(`^(?:${m.value})$`).test(value)
      : value === m.value;
    return hit === m.isEqual;
  });
}
