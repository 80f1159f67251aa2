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

/** Returns the problem with an API server URL, or undefined when it is an https URL. */
export function serverProblem(server: string): string | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:') {
    return `must use https, got ${url.protocol.replace(':', '')}`;
  }
  if (url.username || url.password) {
    return 'must not contain credentials';
  }
  return undefined;
}
