import { repoApiUrl, SimContext } from '../context';
import { blobJson, gitCommitJson, refJson, treeJson } from '../format';
import { GitIdentity, isSha } from '../git';
import { ApiError, json, notFound, Router, unprocessable } from '../http';
import { isValidRepoPath } from '../paths';
import { assertRepo } from './deps';

/**
 * The Git Database API: blobs, trees, commits and refs, as octokit-plugin-create-pull-request
 * (publish:github:pull-request) and GithubUrlReader.search use them.
 */

const BLOB_MODES = new Set(['100644', '100755', '120000']);
const TREE_MODE = '040000';
const COMMIT_MODE = '160000';

/** The object type a tree entry's mode names. */
function modeType(mode: string): 'blob' | 'tree' | 'commit' {
  if (mode === TREE_MODE) return 'tree';
  if (mode === COMMIT_MODE) return 'commit';
  return 'blob';
}

const notSupplied = (field: string) =>
  unprocessable(`Invalid request.\n\n"${field}" wasn't supplied.`);

function decodeContent(content: unknown, encoding: unknown): Buffer {
  if (typeof content !== 'string') throw notSupplied('content');
  if (encoding === undefined || encoding === 'utf-8' || encoding === 'utf8') {
    return Buffer.from(content, 'utf8');
  }
  if (encoding === 'base64') {
    const compact = content.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw unprocessable('content is not valid Base64');
    }
    return Buffer.from(compact, 'base64');
  }
  throw unprocessable(
    `encoding must be one of "utf-8" or "base64", got ${JSON.stringify(
      encoding,
    )}`,
  );
}

function identity(value: unknown, field: string, fallback: GitIdentity) {
  if (value === undefined || value === null) return fallback;
  const who = value as Record<string, unknown>;
  if (
    typeof who !== 'object' ||
    typeof who.name !== 'string' ||
    typeof who.email !== 'string' ||
    (who.date !== undefined && typeof who.date !== 'string') ||
    (typeof who.date === 'string' && Number.isNaN(Date.parse(who.date)))
  ) {
    throw unprocessable(
      `Invalid request.\n\n${field} must have a name and an email (and an ISO 8601 date).`,
    );
  }
  return {
    name: who.name,
    email: who.email,
    date: who.date as string | undefined,
  };
}

/** Resolves `heads/x` or `refs/heads/x` (a path parameter) to a full ref name. */
const fullRef = (ref: string) =>
  ref.startsWith('refs/') ? ref : `refs/${ref}`;

/**
 * Applies GitHub tree entries to the files of a base tree (in memory) and writes the
 * result through a temporary index. `sha: null` deletes a file (or a folder); deleting
 * what does not exist is GitHub's "GitRPC::BadObjectState".
 */
async function buildTree(
  ctx: SimContext,
  baseTree: string | undefined,
  entries: unknown[],
): Promise<string> {
  const { git } = ctx;
  const files = baseTree ? await git.flatTree(baseTree) : new Map();
  const removeUnder = (path: string) => {
    let removed = 0;
    for (const key of [...files.keys()]) {
      if (key === path || key.startsWith(`${path}/`)) {
        files.delete(key);
        removed++;
      }
    }
    return removed;
  };
  const removeParents = (path: string) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++)
      files.delete(parts.slice(0, i).join('/'));
  };
  for (const raw of entries) {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const path = entry.path;
    if (typeof path !== 'string' || !isValidRepoPath(path)) {
      throw unprocessable('tree.path contains a malformed path component');
    }
    const mode = entry.mode;
    if (
      typeof mode !== 'string' ||
      !(BLOB_MODES.has(mode) || mode === TREE_MODE || mode === COMMIT_MODE)
    ) {
      throw unprocessable(
        `tree.mode must be one of 100644, 100755, 040000, 160000 or 120000`,
      );
    }
    const expectedType = modeType(mode);
    if (entry.type !== undefined && entry.type !== expectedType) {
      throw unprocessable(`tree.type must be ${expectedType} for mode ${mode}`);
    }
    const hasSha = 'sha' in entry && entry.sha !== undefined;
    const hasContent = 'content' in entry && entry.content !== undefined;
    if (hasSha === hasContent && !(hasSha && entry.sha === null)) {
      throw unprocessable(
        'Must supply either tree.sha or tree.content. Request will be rejected if both are present.',
      );
    }
    if (hasSha && entry.sha === null) {
      if (!removeUnder(path)) throw unprocessable('GitRPC::BadObjectState');
      continue;
    }
    let sha: string;
    if (hasContent) {
      if (typeof entry.content !== 'string' || expectedType !== 'blob') {
        throw unprocessable('tree.content must be a string, for a blob mode');
      }
      sha = await git.writeBlob(Buffer.from(entry.content, 'utf8'));
    } else {
      sha = String(entry.sha).toLowerCase();
      const type = isSha(sha) ? await git.objectType(sha) : undefined;
      const ok = expectedType === 'commit' ? isSha(sha) : type === expectedType;
      if (!ok)
        throw unprocessable(
          `tree.sha ${entry.sha} is not a valid ${expectedType}`,
        );
    }
    removeUnder(path);
    removeParents(path);
    if (expectedType === 'tree') {
      for (const [child, value] of await git.flatTree(sha)) {
        files.set(`${path}/${child}`, value);
      }
    } else {
      files.set(path, { mode, sha });
    }
  }
  return git.writeTree(files);
}

export function addGitDatabaseRoutes(router: Router) {
  // --- blobs
  router.add(
    'GET',
    '/repos/:owner/:repo/git/blobs/:sha',
    async ({ ctx, params }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const sha = params.sha.toLowerCase();
      if ((await git.objectType(sha)) !== 'blob') throw notFound();
      return json(blobJson(ctx, sha, await git.readBlob(sha)));
    },
  );

  router.add(
    'POST',
    '/repos/:owner/:repo/git/blobs',
    async ({ ctx, params, body }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const input = await body();
      const content = decodeContent(input.content, input.encoding);
      const sha = await ctx.queue.run(() => git.writeBlob(content));
      const url = `${repoApiUrl(ctx)}/git/blobs/${sha}`;
      return json({ sha, url }, 201, { location: url });
    },
  );

  // --- trees
  router.add(
    'GET',
    '/repos/:owner/:repo/git/trees/*sha',
    async ({ ctx, params, query }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const ref = params.sha;
      let tree: string | undefined;
      if (
        isSha(ref.toLowerCase()) &&
        (await git.objectType(ref.toLowerCase())) === 'tree'
      ) {
        tree = ref.toLowerCase();
      } else {
        const commit = await git.resolveCommit(ref);
        tree = commit ? await git.peelTree(commit) : undefined;
      }
      if (!tree) throw notFound();
      const recursive = query.has('recursive');
      const entries = await git.lsTree(tree, { recursive });
      return json(treeJson(ctx, tree, entries));
    },
  );

  router.add(
    'POST',
    '/repos/:owner/:repo/git/trees',
    async ({ ctx, params, body }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const input = await body();
      if (!Array.isArray(input.tree)) throw notSupplied('tree');
      const sha = await ctx.queue.run(async () => {
        let baseTree: string | undefined;
        if (input.base_tree !== undefined && input.base_tree !== null) {
          const base = String(input.base_tree).toLowerCase();
          baseTree = isSha(base) ? await git.peelTree(base) : undefined;
          if (!baseTree)
            throw unprocessable('base_tree is not a valid tree oid');
        }
        return buildTree(ctx, baseTree, input.tree as unknown[]);
      });
      const url = `${repoApiUrl(ctx)}/git/trees/${sha}`;
      return json(treeJson(ctx, sha, await git.lsTree(sha)), 201, {
        location: url,
      });
    },
  );

  // --- commits
  router.add(
    'GET',
    '/repos/:owner/:repo/git/commits/:sha',
    async ({ ctx, params }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const sha = params.sha.toLowerCase();
      if ((await git.objectType(sha)) !== 'commit') throw notFound();
      return json(gitCommitJson(ctx, await git.readCommit(sha)));
    },
  );

  router.add(
    'POST',
    '/repos/:owner/:repo/git/commits',
    async ({ ctx, params, body }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const input = await body();
      if (typeof input.message !== 'string') throw notSupplied('message');
      if (typeof input.tree !== 'string') throw notSupplied('tree');
      const parents = input.parents ?? [];
      if (!Array.isArray(parents) || parents.some(p => typeof p !== 'string')) {
        throw unprocessable(
          'Invalid request.\n\nparents must be an array of SHAs.',
        );
      }
      const user = { name: ctx.user.name, email: ctx.user.email };
      const author = identity(input.author, 'author', user);
      const committer = identity(input.committer, 'committer', author);
      const sha = await ctx.queue.run(async () => {
        const tree = input.tree as string;
        if (
          !isSha(tree.toLowerCase()) ||
          (await git.objectType(tree.toLowerCase())) !== 'tree'
        ) {
          throw unprocessable('Tree SHA does not exist');
        }
        for (const parent of parents as string[]) {
          if ((await git.objectType(parent.toLowerCase())) !== 'commit') {
            throw unprocessable(
              'Parent SHA does not exist or is not a commit object',
            );
          }
        }
        return git.commitTree({
          tree: tree.toLowerCase(),
          parents: (parents as string[]).map(p => p.toLowerCase()),
          message: input.message as string,
          author,
          committer,
        });
      });
      const commit = await git.readCommit(sha);
      return json(gitCommitJson(ctx, commit), 201, {
        location: `${repoApiUrl(ctx)}/git/commits/${sha}`,
      });
    },
  );

  // --- refs
  router.add(
    'GET',
    '/repos/:owner/:repo/git/ref/*ref',
    async ({ ctx, params }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const ref = fullRef(params.ref);
      const sha = await git.refSha(ref);
      if (!sha) throw notFound();
      return json(refJson(ctx, ref, sha));
    },
  );

  router.add(
    'GET',
    '/repos/:owner/:repo/git/matching-refs/*ref',
    async ({ ctx, params }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const prefix = fullRef(params.ref);
      const refs = (await git.listRefs('refs/')).filter(r =>
        r.ref.startsWith(prefix),
      );
      return json(refs.map(r => refJson(ctx, r.ref, r.sha)));
    },
  );

  router.add(
    'POST',
    '/repos/:owner/:repo/git/refs',
    async ({ ctx, pulls, params, body }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const input = await body();
      if (typeof input.ref !== 'string') throw notSupplied('ref');
      if (typeof input.sha !== 'string') throw notSupplied('sha');
      const ref = input.ref;
      const sha = input.sha.toLowerCase();
      if (
        !ref.startsWith('refs/') ||
        ref.split('/').length < 3 ||
        ref.startsWith('refs/pull/') ||
        !(await git.isValidRefName(ref))
      ) {
        throw unprocessable(`${ref} is not a valid ref name.`);
      }
      await ctx.queue.run(async () => {
        if (!isSha(sha) || (await git.objectType(sha)) !== 'commit') {
          throw unprocessable('Object does not exist');
        }
        if (!(await git.updateRef(ref, sha, ''))) {
          throw unprocessable('Reference already exists');
        }
        if (ref.startsWith('refs/heads/')) {
          await pulls.syncHeads(ref.slice('refs/heads/'.length));
        }
      });
      return json(refJson(ctx, ref, sha), 201, {
        location: `${repoApiUrl(ctx)}/git/${ref}`,
      });
    },
  );

  router.add(
    'PATCH',
    '/repos/:owner/:repo/git/refs/*ref',
    async ({ ctx, pulls, params, body }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const input = await body();
      if (typeof input.sha !== 'string') throw notSupplied('sha');
      const ref = fullRef(params.ref);
      const sha = input.sha.toLowerCase();
      const force = input.force === true;
      await ctx.queue.run(async () => {
        const current = await git.refSha(ref);
        if (!current) throw unprocessable('Reference does not exist');
        if (!isSha(sha) || (await git.objectType(sha)) !== 'commit') {
          throw unprocessable('Object does not exist');
        }
        if (!force && !(await git.isAncestor(current, sha))) {
          throw unprocessable('Update is not a fast forward');
        }
        if (!(await git.updateRef(ref, sha, current))) {
          throw new ApiError(409, 'Reference update failed');
        }
        if (ref.startsWith('refs/heads/')) {
          await pulls.syncHeads(ref.slice('refs/heads/'.length));
        }
      });
      return json(refJson(ctx, ref, sha));
    },
  );
}
