import { repoApiUrl, repoWebUrl } from '../context';
import {
  authenticatedUserJson,
  repoCommitJson,
  repoJson,
  repoSummaryJson,
} from '../format';
import { ApiError, json, notFound, Reply, RouteRequest, Router } from '../http';
import { assertRepo, pagination } from './deps';

/**
 * The repository, its branches and commits, and archives:
 * GET /user, GET /repos/{o}/{r}, branches, commits, commits/{ref}/status, tarball/zipball.
 */
export function addRepoRoutes(router: Router) {
  router.add('GET', '/user', async ({ ctx }) =>
    json(authenticatedUserJson(ctx, ctx.user)),
  );

  router.add('GET', '/repos/:owner/:repo', async ({ ctx, params }) => {
    assertRepo(ctx, params);
    const { git } = ctx;
    return json(repoJson(ctx, await git.defaultBranch()));
  });

  router.add(
    'GET',
    '/repos/:owner/:repo/branches',
    async ({ ctx, params, query }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const { perPage, skip } = pagination(query);
      const refs = (await git.listRefs('refs/heads/')).slice(
        skip,
        skip + perPage,
      );
      return json(
        refs.map(({ ref, sha }) => ({
          name: ref.slice('refs/heads/'.length),
          commit: { sha, url: `${repoApiUrl(ctx)}/commits/${sha}` },
          protected: false,
        })),
      );
    },
  );

  router.add(
    'GET',
    '/repos/:owner/:repo/branches/*branch',
    async ({ ctx, params }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const name = params.branch;
      const sha = await git.branchSha(name);
      if (!sha) throw notFound('Branch not found');
      const api = `${repoApiUrl(ctx)}/branches/${encodeURIComponent(name)}`;
      return json({
        name,
        commit: repoCommitJson(ctx, await git.readCommit(sha)),
        _links: {
          self: api,
          html: `${repoWebUrl(ctx)}/tree/${encodeURIComponent(name)}`,
        },
        protected: false,
        protection: {
          enabled: false,
          required_status_checks: {
            enforcement_level: 'off',
            contexts: [],
            checks: [],
          },
        },
        protection_url: `${api}/protection`,
      });
    },
  );

  router.add(
    'GET',
    '/repos/:owner/:repo/commits',
    async ({ ctx, params, query }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const ref = query.get('sha') || (await git.defaultBranch());
      const sha = await git.resolveCommit(ref);
      if (!sha) throw notFound(`No commit found for SHA: ${ref}`);
      const { perPage, skip } = pagination(query);
      const shas = await git.revList([sha], { max: perPage, skip });
      const commits = await Promise.all(shas.map(s => git.readCommit(s)));
      return json(commits.map(commit => repoCommitJson(ctx, commit)));
    },
  );

  // The combined status GithubUrlReader asks for the commit SHA and the repository's
  // archive_url / trees_url (GET .../commits/{ref}/status?per_page=0).
  router.add(
    'GET',
    '/repos/:owner/:repo/commits/*ref/status',
    async ({ ctx, params }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const sha = await git.resolveCommit(params.ref);
      if (!sha) throw notFound(`No commit found for SHA: ${params.ref}`);
      return json({
        state: 'pending',
        statuses: [],
        sha,
        total_count: 0,
        repository: repoSummaryJson(ctx),
        commit_url: `${repoApiUrl(ctx)}/commits/${sha}`,
        url: `${repoApiUrl(ctx)}/commits/${sha}/status`,
      });
    },
  );

  const archive =
    (format: 'tar.gz' | 'zip') =>
    async ({ ctx, params }: RouteRequest): Promise<Reply> => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const ref = params.ref || (await git.defaultBranch());
      const sha = await git.resolveCommit(ref);
      if (!sha) throw notFound();
      // GitHub's archives hold one folder `<owner>-<repo>-<sha7>/`
      const prefix = `${ctx.owner}-${ctx.repo}-${sha.slice(0, 7)}`;
      const body = await git.archive(sha, format, prefix);
      return {
        status: 200,
        raw: body,
        headers: {
          'content-type':
            format === 'zip' ? 'application/zip' : 'application/x-gzip',
          'content-disposition': `attachment; filename=${prefix}.${format}`,
          etag: `"${sha}"`,
        },
      };
    };
  router.add('GET', '/repos/:owner/:repo/tarball', archive('tar.gz'));
  router.add('GET', '/repos/:owner/:repo/tarball/*ref', archive('tar.gz'));
  router.add('GET', '/repos/:owner/:repo/zipball', archive('zip'));
  router.add('GET', '/repos/:owner/:repo/zipball/*ref', archive('zip'));

  router.add(
    'GET',
    '/repos/:owner/:repo/commits/*ref',
    async ({ ctx, params }) => {
      assertRepo(ctx, params);
      const { git } = ctx;
      const sha = await git.resolveCommit(params.ref);
      if (!sha) {
        throw new ApiError(422, `No commit found for SHA: ${params.ref}`);
      }
      return json(repoCommitJson(ctx, await git.readCommit(sha)));
    },
  );
}
