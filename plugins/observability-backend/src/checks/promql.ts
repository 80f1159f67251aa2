import { PromQueryResult } from '../upstream/ThanosClient';

/** Prometheus label names: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws unless `name` is a valid Prometheus label name (they reach PromQL unquoted). */
export function assertLabelName(name: string, what = 'label name'): string {
  if (!LABEL_NAME.test(name) || name.startsWith('__')) {
    throw new Error(`invalid Prometheus ${what} "${name}"`);
  }
  return name;
}

/** Escapes a label value for a double-quoted PromQL string (`{cluster="..."}`). */
export function promString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}

/** Escapes a literal for use inside a PromQL RE2 regex matcher. */
export function promRegexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Label that tells the measures of one combined query apart. */
export const MEASURE_LABEL = 'measure';

/**
 * Combines several `... by (cluster)` expressions into ONE query: each expression's
 * series get a `measure` label naming it, and `or` unions them. One HTTP request
 * answers all the measures of a check for the whole fleet.
 */
export function measuresQuery(measures: Record<string, string>): string {
  return Object.entries(measures)
    .map(
      ([name, expr]) =>
        `label_replace(${expr}, "${MEASURE_LABEL}", "${assertLabelName(
          name,
          'measure name',
        )}", "", "")`,
    )
    .join('\nor\n');
}

/** Parses a Prometheus sample value (`"1.5"`, `"NaN"`, `"+Inf"`). */
export function sampleNumber(value: string): number {
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number(value);
}

/** The instant vector of an answer; throws on other result types. */
export function vectorOf(result: PromQueryResult) {
  if (result.resultType !== 'vector') {
    throw new Error(`expected a vector, got ${result.resultType}`);
  }
  return result.result;
}

/**
 * Values by cluster and measure from a vector answer of `measuresQuery` (or of a
 * plain `... by (cluster)` query, whose values land under `value`).
 */
export function valuesByCluster(
  result: PromQueryResult,
  clusterLabel: string,
): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const sample of vectorOf(result)) {
    const cluster = sample.metric[clusterLabel];
    if (!cluster) continue;
    const measure = sample.metric[MEASURE_LABEL] ?? 'value';
    const values = out.get(cluster) ?? {};
    values[measure] = sampleNumber(sample.value[1]);
    out.set(cluster, values);
  }
  return out;
}
