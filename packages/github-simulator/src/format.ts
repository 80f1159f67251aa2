import { createHash } from 'node:crypto';
import {
  encodePath,
  repoApiUrl,
  repoWebUrl,
  SimContext,
  SimulatorUser,
} from './context';
import { ParsedCommit, TreeEntry } from './git';
import { PullRecord } from './pullStore';

/**
 * GitHub's JSON representations (REST API v3 field names), built from git objects and
 * pull-request records.
 */

/** A stable numeric id for a name (GitHub's `id`). */
export function numericId(kind: string, key: string | number): number {
  return (
    createHash('sha1').update(`${kind}:${key}`).digest().readUInt32BE(0) >>> 1
  );
}

/** A GraphQL-style global node id, e.g. `PR_kwDO…`. */
export function nodeId(prefix: string, key: string | number): string {
  return `${prefix}_${Buffer.from(`sim:${key}`).toString('base64url')}`;
}

/** GitHub's timestamps: ISO 8601 UTC without milliseconds. */
export const isoSeconds = (date: Date | string | number) =>
  new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function ownerJson(ctx: SimContext) {
  return {
    login: ctx.owner,
    id: numericId('owner', ctx.owner),
    node_id: nodeId('O', ctx.owner),
    avatar_url: '',
    gravatar_id: '',
    url: `${ctx.apiBaseUrl}/users/${ctx.owner}`,
    html_url: `${ctx.webBaseUrl}/${ctx.owner}`,
    repos_url: `${ctx.apiBaseUrl}/users/${ctx.owner}/repos`,
    type: 'Organization',
    site_admin: false,
  };
}

export function userJson(ctx: SimContext, login: string) {
  return {
    login,
    id: numericId('user', login),
    node_id: nodeId('U', login),
    avatar_url: '',
    gravatar_id: '',
    url: `${ctx.apiBaseUrl}/users/${login}`,
    html_url: `${ctx.webBaseUrl}/${login}`,
    type: 'User',
    site_admin: false,
  };
}

/** GET /user: the authenticated user. */
export function authenticatedUserJson(ctx: SimContext, user: SimulatorUser) {
  return {
    ...userJson(ctx, user.login),
    name: user.name,
    email: user.email,
    company: null,
    blog: '',
    location: null,
    bio: null,
    public_repos: 0,
    followers: 0,
    following: 0,
    created_at: isoSeconds(ctx.startedAt),
    updated_at: isoSeconds(ctx.startedAt),
  };
}

/** The "minimal repository" GitHub embeds (status, pulls' head/base). */
export function repoSummaryJson(ctx: SimContext) {
  const api = repoApiUrl(ctx);
  return {
    id: numericId('repo', `${ctx.owner}/${ctx.repo}`),
    node_id: nodeId('R', `${ctx.owner}/${ctx.repo}`),
    name: ctx.repo,
    full_name: `${ctx.owner}/${ctx.repo}`,
    private: true,
    owner: ownerJson(ctx),
    html_url: repoWebUrl(ctx),
    description: 'Served by @fleetobs/github-simulator',
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    merges_url: `${api}/merges`,
    pulls_url: `${api}/pulls{/number}`,
    statuses_url: `${api}/statuses/{sha}`,
    trees_url: `${api}/git/trees{/sha}`,
  };
}

/** GET /repos/{owner}/{repo} */
export function repoJson(ctx: SimContext, defaultBranch: string) {
  return {
    ...repoSummaryJson(ctx),
    clone_url: `${repoWebUrl(ctx)}.git`,
    git_url: `${repoWebUrl(ctx)}.git`,
    created_at: isoSeconds(ctx.startedAt),
    updated_at: isoSeconds(ctx.startedAt),
    pushed_at: isoSeconds(ctx.startedAt),
    size: 0,
    visibility: 'private',
    archived: false,
    disabled: false,
    has_issues: false,
    has_projects: false,
    has_wiki: false,
    is_template: false,
    default_branch: defaultBranch,
    permissions: {
      admin: true,
      maintain: true,
      push: true,
      triage: true,
      pull: true,
    },
    allow_merge_commit: true,
    allow_squash_merge: true,
    allow_rebase_merge: false,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
  };
}

/** The `verification` block of an unsigned commit. */
const UNSIGNED = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
};

/** Git Database API commit (POST/GET /git/commits). */
export function gitCommitJson(ctx: SimContext, commit: ParsedCommit) {
  const api = repoApiUrl(ctx);
  return {
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${repoWebUrl(ctx)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message.replace(/\n$/, ''),
    parents: commit.parents.map(sha => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${repoWebUrl(ctx)}/commit/${sha}`,
    })),
    verification: UNSIGNED,
  };
}

/** Repos API commit (GET /commits, branches' `commit`). */
export function repoCommitJson(ctx: SimContext, commit: ParsedCommit) {
  const api = repoApiUrl(ctx);
  return {
    sha: commit.sha,
    node_id: nodeId('C', commit.sha),
    commit: {
      author: commit.author,
      committer: commit.committer,
      message: commit.message.replace(/\n$/, ''),
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: UNSIGNED,
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${repoWebUrl(ctx)}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    author: null,
    committer: null,
    parents: commit.parents.map(sha => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${repoWebUrl(ctx)}/commit/${sha}`,
    })),
  };
}

export function refJson(ctx: SimContext, ref: string, sha: string) {
  const api = repoApiUrl(ctx);
  return {
    ref,
    node_id: nodeId('REF', ref),
    url: `${api}/git/${encodePath(ref)}`,
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
}

export function treeEntryJson(ctx: SimContext, entry: TreeEntry) {
  const api = repoApiUrl(ctx);
  const base = {
    path: entry.path,
    mode: entry.mode,
    type: entry.type,
    sha: entry.sha,
  };
  if (entry.type === 'blob') {
    return {
      ...base,
      size: entry.size,
      url: `${api}/git/blobs/${entry.sha}`,
    };
  }
  if (entry.type === 'tree') {
    return { ...base, url: `${api}/git/trees/${entry.sha}` };
  }
  return base;
}

export function treeJson(ctx: SimContext, sha: string, entries: TreeEntry[]) {
  return {
    sha,
    url: `${repoApiUrl(ctx)}/git/trees/${sha}`,
    tree: entries.map(entry => treeEntryJson(ctx, entry)),
    truncated: false,
  };
}

/** Base64 in lines of 60 characters, as GitHub sends blob and file contents. */
export function base64Lines(content: Buffer): string {
  const encoded = content.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 60) {
    lines.push(encoded.slice(i, i + 60));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function blobJson(ctx: SimContext, sha: string, content: Buffer) {
  return {
    sha,
    node_id: nodeId('B', sha),
    size: content.length,
    url: `${repoApiUrl(ctx)}/git/blobs/${sha}`,
    content: base64Lines(content),
    encoding: 'base64',
  };
}

/** The type the contents API gives an entry. */
export function contentType(entry: TreeEntry) {
  if (entry.type === 'tree') return 'dir';
  if (entry.type === 'commit') return 'submodule';
  if (entry.mode === '120000') return 'symlink';
  return 'file';
}

/** An entry of the contents API (a directory listing's item, or a file without content). */
export function contentEntryJson(
  ctx: SimContext,
  entry: TreeEntry,
  ref: string,
) {
  const api = repoApiUrl(ctx);
  const type = contentType(entry);
  const self = `${api}/contents/${encodePath(
    entry.path,
  )}?ref=${encodeURIComponent(ref)}`;
  const git =
    entry.type === 'tree'
      ? `${api}/git/trees/${entry.sha}`
      : `${api}/git/blobs/${entry.sha}`;
  const html = `${repoWebUrl(ctx)}/${
    entry.type === 'tree' ? 'tree' : 'blob'
  }/${encodePath(ref)}/${encodePath(entry.path)}`;
  return {
    type,
    size: entry.size ?? 0,
    name: entry.path.split('/').pop() ?? entry.path,
    path: entry.path,
    sha: entry.sha,
    url: self,
    git_url: entry.type === 'commit' ? null : git,
    html_url: entry.type === 'commit' ? null : html,
    download_url: null,
    _links: { self, git, html },
  };
}

export interface LivePull {
  record: PullRecord;
  /** Current head / base commit (the refs for an open pull request). */
  headSha: string;
  baseSha: string;
}

/** Pull request as listed (GET /pulls). */
export function pullSummaryJson(ctx: SimContext, live: LivePull) {
  const { record: pr } = live;
  const api = repoApiUrl(ctx);
  const web = repoWebUrl(ctx);
  const url = `${api}/pulls/${pr.number}`;
  const htmlUrl = `${web}/pull/${pr.number}`;
  const side = (ref: string, sha: string) => ({
    label: `${ctx.owner}:${ref}`,
    ref,
    sha,
    user: ownerJson(ctx),
    repo: repoSummaryJson(ctx),
  });
  return {
    url,
    id: numericId('pull', pr.number),
    node_id: nodeId('PR', pr.number),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${live.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(ctx, pr.user),
    body: pr.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pr.created_at,
    updated_at: pr.updated_at,
    closed_at: pr.closed_at,
    merged_at: pr.merged_at,
    merge_commit_sha: pr.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pr.head.ref, live.headSha),
    base: side(pr.base.ref, live.baseSha),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${live.headSha}` },
    },
    author_association: 'OWNER',
    auto_merge: null,
    draft: pr.draft,
  };
}

export interface PullDetails {
  mergeable: boolean | null;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** Pull request with the details GET /pulls/{n}, POST and PATCH answer with. */
export function pullJson(
  ctx: SimContext,
  live: LivePull,
  details: PullDetails,
) {
  const { record: pr } = live;
  const merged = pr.merged_at !== null;
  let mergeableState = 'unknown';
  if (pr.state === 'open' && details.mergeable !== null) {
    mergeableState = details.mergeable ? 'clean' : 'dirty';
  }
  return {
    ...pullSummaryJson(ctx, live),
    merged,
    mergeable: pr.state === 'open' ? details.mergeable : null,
    rebaseable: false,
    mergeable_state: mergeableState,
    merged_by: pr.merged_by ? userJson(ctx, pr.merged_by) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: pr.maintainer_can_modify,
    commits: details.commits,
    additions: details.additions,
    deletions: details.deletions,
    changed_files: details.changedFiles,
  };
}
