/** Cluster names: a word and a two-digit number, as `dev-01` (seed §0 naming convention). */
export const CLUSTER_NAME_PATTERN = /^[a-z]+-[0-9]{2}$/;

/** Environments of the fleet. */
export const ENVIRONMENTS = ['dev', 'stag', 'prod', 'ops'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A git revision: branch, tag or commit; no spaces, no `..`, no leading dash. */
export const REVISION_PATTERN =
  /^(?!-)(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;

/** A DNS host name (RFC 1123 labels), optionally a leading wildcard label. */
export const HOSTNAME_PATTERN =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A Kubernetes object name / namespace (RFC 1123 subdomain, at most 253 characters). */
export const K8S_NAME_PATTERN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Secret data key. */
export const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

/**
 * An owner of a catalog entity: `[group:|user:][namespace/]name`, with Backstage's rules
 * for namespaces (DNS label) and names (at most 63 characters of `[A-Za-z0-9-_.]`,
 * alphanumeric at both ends). The same pattern guards the template parameters.
 */
export const OWNER_REF_PATTERN =
  /^(?:(?:group|user|Group|User):)?(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/)?(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A System entity ref: `[system:][namespace/]name`. */
export const SYSTEM_REF_PATTERN =
  /^(?:(?:system|System):)?(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/)?(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Returns the problem with an owner entity ref, or undefined when it is one. */
export function ownerProblem(owner: string): string | undefined {
  if (!OWNER_REF_PATTERN.test(owner)) {
    return 'must be an entity ref of a group or user, e.g. group:default/platform-team';
  }
  const [, namespace, name] =
    /^(?:[^:]+:)?(?:([^/]+)\/)?(.+)$/.exec(owner) ?? [];
  if ((namespace ?? '').length > 63 || name.length > 63) {
    return 'namespace and name of the entity ref must be at most 63 characters';
  }
  return undefined;
}

/** Standard base64 (padded), as in a kubeconfig's certificate-authority-data; empty allowed. */
export const BASE64_PATTERN =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Whether a text holds whitespace (any Unicode space or line break) or a control character. */
export function hasSpaceOrControl(text: string): boolean {
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (c.trim() === '' || code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      return true;
    }
  }
  return false;
}

/** Returns the problem with an API server URL, or undefined when it is an https URL. */
export function serverProblem(
  server: string,
  httpHosts: string[] = [],
): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return 'not a valid URL';
  }
  // Checked on the raw text: the URL parser drops tabs and newlines silently.
  if (hasSpaceOrControl(server)) {
    return 'must not contain whitespace or control characters';
  }
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && hostMatches(url.hostname, httpHosts))
  ) {
    return `must use https, got ${url.protocol.replace(':', '')}${
      url.protocol === 'http:'
        ? ` (plain http only for the hosts of kubernetes.clusterLocatorMethods[].dangerouslyAllowClusterUrls)`
        : ''
    }`;
  }
  if (url.username || url.password) {
    return 'must not contain credentials';
  }
  if (url.search || url.hash || /[?#]/.test(server)) {
    return 'must not have a query or a fragment';
  }
  return undefined;
}

/** The Kubernetes plugin's host patterns: `host` or `*.domain`, case-insensitive. */
function hostMatches(hostname: string, patterns: string[]): boolean {
  const host = hostname.toLowerCase();
  return patterns.some(p => {
    const pattern = p.toLowerCase();
    return pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) || host === pattern.slice(2)
      : host === pattern;
  });
}

/** A Secret type: `Opaque`, `kubernetes.io/tls`, `example.com/custom`… */
export const SECRET_TYPE_PATTERN =
  /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?(\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/** Returns the problem with a Kubernetes label or annotation key (`[prefix/]name`). */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    name.length > 63 ||
    !QUALIFIED_NAME.test(name) ||
    (prefix !== undefined &&
      (prefix.length > 253 || !K8S_NAME_PATTERN.test(prefix)))
  ) {
    return `"${key}" is not a Kubernetes label or annotation key ([prefix/]name)`;
  }
  return undefined;
}

/** Returns the problem with a Kubernetes label value (at most 63 of `[A-Za-z0-9-_.]`). */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !QUALIFIED_NAME.test(value)) {
    return 'is not a Kubernetes label value (at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends)';
  }
  return undefined;
}

/** A zod `superRefine` callback from a `…Problem` function. */
export const refine =
  (problem: (value: string) => string | undefined) =>
  (
    value: string,
    ctx: { addIssue(issue: { code: 'custom'; message: string }): void },
  ) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
