import { repoApiUrl } from '../context';
import { LivePull, pullJson, pullSummaryJson } from '../format';
import {
  json,
  notFound,
  RouteRequest,
  Router,
  validationFailed,
} from '../http';
import { assertRepo, pagination } from './deps';

const pullNumber = (value: string) => {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw notFound();
  return Number(value);
};

/** The full pull request (with mergeable, commits, additions…) as GET answers it. */
const full = async ({ ctx, pulls }: RouteRequest, live: LivePull) =>
  pullJson(ctx, live, await pulls.details(live));

/** Pull requests: list, create, get, update, files, merge. */
export function addPullRoutes(router: Router) {
  router.add('GET', '/repos/:owner/:repo/pulls', async req => {
    const { ctx, pulls, params, query } = req;
    assertRepo(ctx, params);
    const state = query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) {
      throw validationFailed({
        resource: 'PullRequest',
        field: 'state',
        code: 'invalid',
      });
    }
    const { perPage, skip } = pagination(query);
    const list = await pulls.list({
      state,
      head: query.get('head') ?? undefined,
      base: query.get('base') ?? undefined,
      direction: query.get('direction') ?? undefined,
    });
    return json(
      list.slice(skip, skip + perPage).map(live => pullSummaryJson(ctx, live)),
    );
  });

  router.add('POST', '/repos/:owner/:repo/pulls', async req => {
    const { ctx, pulls, params, body } = req;
    assertRepo(ctx, params);
    const input = await body();
    const live = await ctx.queue.run(() => pulls.create(input, ctx.user.login));
    return json(await full(req, live), 201, {
      location: `${repoApiUrl(ctx)}/pulls/${live.record.number}`,
    });
  });

  router.add('GET', '/repos/:owner/:repo/pulls/:number', async req => {
    const { ctx, pulls, params } = req;
    assertRepo(ctx, params);
    const live = await pulls.get(pullNumber(params.number));
    if (!live) throw notFound();
    return json(await full(req, live));
  });

  router.add('PATCH', '/repos/:owner/:repo/pulls/:number', async req => {
    const { ctx, pulls, params, body } = req;
    assertRepo(ctx, params);
    const n = pullNumber(params.number);
    const input = await body();
    const live = await ctx.queue.run(() => pulls.update(n, input));
    if (!live) throw notFound();
    return json(await full(req, live));
  });

  router.add('GET', '/repos/:owner/:repo/pulls/:number/files', async req => {
    const { ctx, pulls, params, query } = req;
    assertRepo(ctx, params);
    const live = await pulls.get(pullNumber(params.number));
    if (!live) throw notFound();
    const { perPage, skip } = pagination(query);
    const files = await pulls.files(live);
    return json(
      files.slice(skip, skip + perPage).map(file => pulls.fileJson(live, file)),
    );
  });

  // "Check if a pull request has been merged": 204 or 404
  router.add('GET', '/repos/:owner/:repo/pulls/:number/merge', async req => {
    const { ctx, pulls, params } = req;
    assertRepo(ctx, params);
    const live = await pulls.get(pullNumber(params.number));
    if (!live || !live.record.merged_at) throw notFound();
    return { status: 204 };
  });

  router.add('PUT', '/repos/:owner/:repo/pulls/:number/merge', async req => {
    const { ctx, pulls, params, body } = req;
    assertRepo(ctx, params);
    const n = pullNumber(params.number);
    const input = await body();
    const result = await ctx.queue.run(() =>
      pulls.merge(n, input, ctx.user.login),
    );
    if (!result) throw notFound();
    return json(result);
  });
}
