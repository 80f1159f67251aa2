/**
 * The Git hosts whose URL layouts the GitOps repository may use (the `type` of the
 * integration that serves it, from `integrations.*` of app-config).
 *
 * @public
 */
export type GitopsScm = 'github' | 'gitlab';

/**
 * The GitOps repository of `observability.gitops.repoUrl`, named the way Backstage's
 * UrlReader (`fetch:plain`, catalog locations) and the publish actions
 * (`publish:github:pull-request`, `publish:gitlab:merge-request`) name it.
 *
 * @public
 */
export interface GitopsRepository {
  /** The repository's web URL, e.g. `https://github.com/example-org/gitops`. */
  url: string;
  /** The branch pull requests target and the portal reads. */
  baseBranch: string;
  /** `<host>?owner=<owner>&repo=<repo>`: the `repoUrl` input of the publish actions. */
  publishRepoUrl: string;
  /** The URL of a file, at `branch` (default the base branch). */
  fileUrl(path: string, branch?: string): string;
  /** The URL of a folder, at `branch` (default the base branch). */
  treeUrl(path: string, branch?: string): string;
}

/** Encodes each segment of a repository path, keeping the slashes. */
const encodePath = (p: string) =>
  p
    .split('/')
    .filter(Boolean)
    .map(s => encodeURIComponent(s))
    .join('/');

/**
 * Names the GitOps repository at `repoUrl` (its web URL, as copied from the browser).
 * Throws an error naming `observability.gitops.repoUrl` when the URL is not one.
 *
 * @public
 */
export function gitopsRepository(options: {
  repoUrl: string;
  baseBranch: string;
  scm: GitopsScm;
}): GitopsRepository {
  const key = 'observability.gitops.repoUrl';
  let parsed: URL;
  try {
    parsed = new URL(options.repoUrl);
  } catch {
    throw new Error(`${key}: "${options.repoUrl}" is not a URL`);
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash) {
    throw new Error(
      `${key}: "${options.repoUrl}" must be the http(s) URL of the repository, without query or fragment`,
    );
  }
  const segments = parsed.pathname
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  if (
    segments.length < 2 ||
    (options.scm === 'github' && segments.length !== 2)
  ) {
    throw new Error(
      `${key}: "${options.repoUrl}" must name a repository, e.g. https://github.com/<owner>/<repo>`,
    );
  }
  const repo = segments[segments.length - 1];
  const owner = segments.slice(0, -1).join('/');
  const url = `${parsed.origin}/${segments.join('/')}`;
  // GitLab puts `/-/` between the project and its blob/tree routes.
  const route = options.scm === 'gitlab' ? '/-' : '';
  const at = (kind: 'blob' | 'tree', path: string, branch?: string) =>
    `${url}${route}/${kind}/${encodePath(
      branch ?? options.baseBranch,
    )}/${encodePath(path)}`.replace(/\/$/, '');
  return {
    url,
    baseBranch: options.baseBranch,
    publishRepoUrl: `${parsed.host}?owner=${encodeURIComponent(
      owner,
    )}&repo=${encodeURIComponent(repo)}`,
    fileUrl: (path, branch) => at('blob', path, branch),
    treeUrl: (path, branch) => at('tree', path, branch),
  };
}
