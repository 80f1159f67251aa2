import { base64Lines, contentEntryJson, contentType } from '../format';
import { json, notFound, Reply, RouteRequest, Router } from '../http';
import { isValidRepoPath } from '../paths';
import { assertRepo } from './deps';

/** Whether an If-None-Match header names `etag` (weak or strong, or `*`). */
function matchesEtag(header: string | undefined, etag: string) {
  if (!header) return false;
  const bare = (value: string) => value.trim().replace(/^W\//, '');
  return header
    .split(',')
    .some(
      candidate => bare(candidate) === '*' || bare(candidate) === bare(etag),
    );
}

/**
 * GET/HEAD /repos/{o}/{r}/contents/{path}?ref= — with `Accept:
 * application/vnd.github.v3.raw` (GithubUrlReader.readUrl) the file's bytes, with an
 * ETag (If-None-Match -> 304) and Last-Modified (If-Modified-Since -> 304); otherwise
 * GitHub's JSON (a file with base64 content, or a directory listing).
 */
export function addContentsRoutes(router: Router) {
  const contents = async ({
    ctx,
    params,
    query,
    headers,
  }: RouteRequest): Promise<Reply> => {
    assertRepo(ctx, params);
    const { git } = ctx;
    const ref = query.get('ref') || (await git.defaultBranch());
    const commit = await git.resolveCommit(ref);
    if (!commit) throw notFound(`No commit found for the ref ${ref}`);
    const path = params.path ?? '';
    if (path === '') {
      const entries = await git.lsTree(commit);
      return json(entries.map(entry => contentEntryJson(ctx, entry, ref)));
    }
    if (!isValidRepoPath(path)) throw notFound();
    const entry = await git.entryAt(commit, path);
    if (!entry) throw notFound();
    if (entry.type === 'tree') {
      const entries = await git.lsTree(entry.sha);
      return json(
        entries.map(child =>
          contentEntryJson(
            ctx,
            { ...child, path: `${path}/${child.path}` },
            ref,
          ),
        ),
      );
    }
    if (entry.type === 'commit') {
      return json({
        ...contentEntryJson(ctx, entry, ref),
        submodule_git_url: null,
      });
    }

    const raw = /\.raw\b|vnd\.github\.raw/.test(String(headers.accept ?? ''));
    const etag = raw ? `"${entry.sha}"` : `"${entry.sha}-object"`;
    const modifiedAt = await git.lastModified(commit, path);
    const cacheHeaders = {
      etag,
      'last-modified': new Date(modifiedAt * 1000).toUTCString(),
    };
    const ifNoneMatch = headers['if-none-match'];
    const ifModifiedSince = Date.parse(
      String(headers['if-modified-since'] ?? ''),
    );
    if (
      ifNoneMatch !== undefined
        ? matchesEtag(ifNoneMatch, etag)
        : !Number.isNaN(ifModifiedSince) && modifiedAt * 1000 <= ifModifiedSince
    ) {
      return { status: 304, headers: cacheHeaders };
    }
    const content = await git.readBlob(entry.sha);
    if (raw) {
      return {
        status: 200,
        raw: content,
        headers: {
          ...cacheHeaders,
          'content-type': 'application/vnd.github.raw',
        },
      };
    }
    const item = contentEntryJson(ctx, { ...entry, size: content.length }, ref);
    return json(
      {
        ...item,
        ...(contentType(entry) === 'symlink'
          ? { target: content.toString('utf8') }
          : {}),
        content: base64Lines(content),
        encoding: 'base64',
      },
      200,
      cacheHeaders,
    );
  };

  router.add('GET', '/repos/:owner/:repo/contents', contents);
  router.add('GET', '/repos/:owner/:repo/contents/*path', contents);
}
