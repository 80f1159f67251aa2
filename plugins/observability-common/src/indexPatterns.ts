// Which Elasticsearch index patterns an entity annotation may choose
// (`observability.fleetobs.io/kibana-index-pattern`): the back end searches them with
// the portal's own credentials, so an annotation may only narrow what the operator
// allows (`observability.elasticsearch.allowedIndexPatterns`), never widen it.

/** Longest index name Elasticsearch accepts (bytes; index names are ASCII here). @public */
export const MAX_INDEX_PATTERN_LENGTH = 255;

// Lowercase letters, digits, `.`, `_`, `-`, `+` and the `*` wildcard: what index names
// may hold, minus everything that makes a pattern select more than one target
// (`,` lists, `-` exclusions, `<…>` date math, `:` remote clusters, whitespace).
const SINGLE_PATTERN = /^[a-z0-9._+*-]+$/;

/**
 * Why `pattern` is not a single Elasticsearch index pattern, or undefined when it is:
 * no comma list, no `-` exclusion, no `<date math>`, no `remote:` cluster prefix, no
 * whitespace, only the characters of index names and `*`. Shared by the operator's
 * allow-list and the annotation.
 *
 * @public
 */
export function singleIndexPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'is empty';
  if (pattern.length > MAX_INDEX_PATTERN_LENGTH) {
    return `is longer than ${MAX_INDEX_PATTERN_LENGTH} characters`;
  }
  if (pattern.includes(',')) {
    return 'is a list of several targets (a comma): name a single pattern';
  }
  if (/\s/.test(pattern)) return 'contains whitespace';
  if (pattern.startsWith('-')) {
    return 'starts with "-" (an Elasticsearch exclusion)';
  }
  if (/[<>{}]/.test(pattern)) return 'uses date math (<…>)';
  if (pattern.includes(':')) {
    return 'names a remote cluster ("cluster:index")';
  }
  if (!SINGLE_PATTERN.test(pattern)) {
    return 'has characters an index name cannot have (allowed: a-z, 0-9, ".", "_", "-", "+" and the "*" wildcard)';
  }
  if (pattern.includes('..')) return 'contains ".."';
  return undefined;
}

/**
 * Whether every index name that `pattern` can match is also matched by `allowed`
 * (`*` in either stands for any run of characters, possibly empty; there is no other
 * wildcard). Decided on the text: `allowed` must match `pattern` read as a plain
 * string, where each `*` of `allowed` may stand for any run of `pattern`'s
 * characters, its own `*`s included, and every other character of `allowed` must meet
 * the same character in `pattern` (never one of `pattern`'s `*`s, which could be
 * anything). So `logs-*` covers `logs-*`, `logs-checkout-*`, `logs-checkout` and
 * `logs-*-prod`, but not `logs*` (it also matches `logsabc`), `*-logs-*` or `l*`.
 * This is exact (not only sufficient) whenever some index-name character does not
 * occur in `allowed`, so always for an `allowed` of fewer than 40 characters. Being
 * within the union of several allowed patterns but none alone does not count.
 *
 * @public
 */
export function isIndexPatternWithin(
  pattern: string,
  allowed: string,
): boolean {
  // Classic greedy wildcard matching (only `*`), backtracking to the last star.
  let p = 0;
  let a = 0;
  let star = -1;
  let mark = 0;
  while (p < pattern.length) {
    if (a < allowed.length && allowed[a] === '*') {
      star = a;
      mark = p;
      a += 1;
    } else if (
      a < allowed.length &&
      allowed[a] === pattern[p] &&
      pattern[p] !== '*'
    ) {
      a += 1;
      p += 1;
    } else if (star >= 0) {
      a = star + 1;
      mark += 1;
      p = mark;
    } else {
      return false;
    }
  }
  while (a < allowed.length && allowed[a] === '*') a += 1;
  return a === allowed.length;
}

/**
 * Why an index pattern taken from an entity annotation may not be searched, or
 * undefined when it may. On top of {@link singleIndexPatternProblem}: no leading `.`
 * (hidden and system indices), `_` or `+`, not only wildcards, and within one of the
 * `allowed` patterns ({@link isIndexPatternWithin}).
 *
 * @public
 */
export function annotatedIndexPatternProblem(
  pattern: string,
  allowed: readonly string[],
): string | undefined {
  const syntax = singleIndexPatternProblem(pattern);
  if (syntax) return syntax;
  if (pattern.startsWith('.')) {
    return 'starts with "." (hidden and system indices)';
  }
  if (pattern.startsWith('_') || pattern.startsWith('+')) {
    return `starts with "${pattern[0]}", which Elasticsearch reserves (e.g. _all)`;
  }
  if (/^\*+$/.test(pattern)) return 'is a bare "*" (every index)';
  if (!allowed.some(a => isIndexPatternWithin(pattern, a))) {
    return 'is not within the allowed index patterns';
  }
  return undefined;
}

/**
 * The rollover alias a cluster's Filebeat writes to by default (the values file's
 * `observability.logging.indexPrefix`): `logs-<cluster>`, whose backing indices
 * `logs-<cluster>-000001`, … {@link clusterLogIndexPattern} matches.
 *
 * @public
 */
export function clusterLogIndexPrefix(
  cluster: string,
  logIndexPattern = 'logs-*',
): string {
  return `${logIndexPrefix(logIndexPattern)}${cluster}`;
}

/**
 * Why `indexPrefix` (a cluster's Filebeat rollover alias) would put its logs outside
 * {@link clusterLogIndexPattern}, or undefined when they land there: it must be
 * `logs-<cluster>` or start with `logs-<cluster>-`.
 *
 * @public
 */
export function clusterLogIndexPrefixProblem(
  cluster: string,
  indexPrefix: string,
): string | undefined {
  const own = clusterLogIndexPrefix(cluster);
  if (indexPrefix === own || indexPrefix.startsWith(`${own}-`)) {
    return undefined;
  }
  return `"${indexPrefix}" does not carry the cluster name: ${cluster}'s logs are found by the index pattern ${clusterLogIndexPattern(
    cluster,
  )}, so the index prefix must be ${own} (or start with ${own}-)`;
}

// A cluster's logs are told apart by index name, as the platform design names them
// (§3.4: `logs-<cluster>-*`), not by a document field: Filebeat writes to
// `logs-<cluster>` (a rollover alias or data stream), whose backing indices are
// `logs-<cluster>-000001` or `.ds-logs-<cluster>-2026.11.25-000001`.

/**
 * The prefix of every log index, from the configured log index pattern: `logs-*` →
 * `logs-`. Throws unless the pattern is a single pattern with one `*`, at its end.
 *
 * @public
 */
export function logIndexPrefix(logIndexPattern: string): string {
  const problem = singleIndexPatternProblem(logIndexPattern);
  const star = logIndexPattern.indexOf('*');
  if (problem || star !== logIndexPattern.length - 1 || star === 0) {
    throw new Error(
      `log index pattern "${logIndexPattern}" must be a single pattern ending in its only "*" (e.g. logs-*), so that logs-<cluster>-* names one cluster's logs`,
    );
  }
  return logIndexPattern.slice(0, -1);
}

/**
 * The index pattern of one cluster's logs: `logs-dev-01-*` for `dev-01` and `logs-*`.
 *
 * @public
 */
export function clusterLogIndexPattern(
  cluster: string,
  logIndexPattern = 'logs-*',
): string {
  return `${logIndexPrefix(logIndexPattern)}${cluster}-*`;
}

// What follows the cluster name in a backing index: a rollover counter, a date, or both.
const LOG_INDEX_SUFFIX =
  /^(.+?)-(?:\d{4}\.\d{2}\.\d{2}-)?\d{6}$|^(.+?)-\d{4}\.\d{2}\.\d{2}$/;

/**
 * The cluster a log index belongs to (`logs-dev-01-000001` → `dev-01`), or undefined.
 * With `clusters`, the longest known name that the index starts with (so
 * `logs-prod-01-000001` is `prod-01`'s even when `prod` is a cluster too); without,
 * the name between the prefix and the rollover or date suffix. Data stream backing
 * indices (`.ds-…`) count as their stream.
 *
 * For many indices, make the resolver once with {@link logIndexClusterResolver}.
 *
 * @public
 */
export function clusterOfLogIndex(
  index: string,
  options: { logIndexPattern?: string; clusters?: readonly string[] } = {},
): string | undefined {
  return logIndexClusterResolver(options)(index);
}

/**
 * {@link clusterOfLogIndex} for many indices: the pattern is read and the cluster
 * names are indexed once, so each index costs its own length, not the fleet's size.
 *
 * @public
 */
export function logIndexClusterResolver(
  options: { logIndexPattern?: string; clusters?: readonly string[] } = {},
): (index: string) => string | undefined {
  const prefix = logIndexPrefix(options.logIndexPattern ?? 'logs-*');
  const known = options.clusters && new Set(options.clusters);
  return index => {
    const name = index.startsWith('.ds-') ? index.slice(4) : index;
    if (!name.startsWith(prefix)) return undefined;
    const rest = name.slice(prefix.length);
    if (known) {
      // A cluster's indices are `<cluster>-…`: the candidates end before a `-`,
      // tried longest first.
      for (
        let i = rest.lastIndexOf('-');
        i >= 0;
        i = rest.lastIndexOf('-', i - 1)
      ) {
        const candidate = rest.slice(0, i);
        if (known.has(candidate)) return candidate;
        if (i === 0) break;
      }
      return undefined;
    }
    const m = LOG_INDEX_SUFFIX.exec(rest);
    return m ? m[1] ?? m[2] : undefined;
  };
}
