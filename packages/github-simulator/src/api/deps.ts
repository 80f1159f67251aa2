import { SimContext } from '../context';
import { ApiError } from '../http';

/** 404 unless `{owner}/{repo}` name the one served repository (case-insensitive, like GitHub). */
export function assertRepo(ctx: SimContext, params: Record<string, string>) {
  if (
    params.owner?.toLowerCase() !== ctx.owner.toLowerCase() ||
    params.repo?.toLowerCase() !== ctx.repo.toLowerCase()
  ) {
    throw new ApiError(404, 'Not Found');
  }
}

/** `per_page` (default 30, at most 100) and `page` (from 1) of a list request. */
export function pagination(query: URLSearchParams) {
  const perPage = Math.min(
    100,
    Math.max(1, Number.parseInt(query.get('per_page') ?? '30', 10) || 30),
  );
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  return { perPage, page, skip: (page - 1) * perPage };
}
