import { IncomingMessage } from 'node:http';
import type { SimContext } from './context';
import type { PullService } from './pulls';

export const DOCUMENTATION_URL = 'https://docs.github.com/rest';

/** An answer in GitHub's error format: `{ message, errors?, documentation_url, status }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly documentationUrl = DOCUMENTATION_URL,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body() {
    return {
      message: this.message,
      ...this.extra,
      documentation_url: this.documentationUrl,
      status: String(this.status),
    };
  }
}

export const notFound = (message = 'Not Found') => new ApiError(404, message);

/** 422 "Validation Failed" with GitHub's `errors` list. */
export const validationFailed = (...errors: Array<Record<string, unknown>>) =>
  new ApiError(422, 'Validation Failed', { errors });

export const unprocessable = (message: string) => new ApiError(422, message);

/** What a handler answers; the server writes it. */
export interface Reply {
  status: number;
  /** JSON body (ignored when raw is set). */
  json?: unknown;
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

export const json = (
  body: unknown,
  status = 200,
  headers?: Record<string, string>,
): Reply => ({ status, json: body, headers });

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Reads a request body up to `limit` bytes; more is a 413. */
export async function readBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new ApiError(413, 'Request body is too large');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'Request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request body as GitHub reads it: absent or a JSON object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'Problems parsing JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'Problems parsing JSON');
  }
  return value as Record<string, unknown>;
}

export interface RouteRequest {
  /** The repository and the URLs of this request (see server.ts: from its Host). */
  ctx: SimContext;
  pulls: PullService;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The JSON body (an object; {} when empty). */
  body(): Promise<Record<string, unknown>>;
  /** The raw body (web forms). */
  rawBody(): Promise<Buffer>;
}

export type RouteHandler = (req: RouteRequest) => Promise<Reply>;

interface Route {
  method: string;
  prefix: string[];
  rest?: string;
  suffix: string[];
  handler: RouteHandler;
}

/**
 * Splits a raw URL path into decoded segments; an encoded `/` (`heads%2Ffeature`, as
 * octokit sends `{ref}` and `:path`) splits too, so a ref or a path is the same
 * however it was encoded. Empty segments are dropped. Undefined for bad encoding.
 */
export function pathSegments(rawPath: string): string[] | undefined {
  try {
    return rawPath
      .split('/')
      .flatMap(segment => decodeURIComponent(segment).split('/'))
      .filter(segment => segment !== '');
  } catch {
    return undefined;
  }
}

/**
 * A small router over decoded path segments. Patterns: `/repos/:owner/:repo/git/refs/*ref`
 * (`*name` takes one or more segments, joined with `/`, and may be followed by fixed
 * segments: `/commits/*ref/status`).
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    const parts = pattern.split('/').filter(Boolean);
    const star = parts.findIndex(part => part.startsWith('*'));
    this.routes.push({
      method,
      prefix: star === -1 ? parts : parts.slice(0, star),
      rest: star === -1 ? undefined : parts[star].slice(1),
      suffix: star === -1 ? [] : parts.slice(star + 1),
      handler,
    });
    return this;
  }

  match(
    method: string,
    segments: string[],
  ): { handler: RouteHandler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const params = matchRoute(route, segments);
      if (params) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function matchRoute(
  route: Route,
  segments: string[],
): Record<string, string> | undefined {
  const fixed = route.prefix.length + route.suffix.length;
  if (
    route.rest === undefined
      ? segments.length !== fixed
      : segments.length <= fixed
  ) {
    return undefined;
  }
  const params: Record<string, string> = {};
  const matchPart = (pattern: string, value: string) => {
    if (pattern.startsWith(':')) {
      params[pattern.slice(1)] = value;
      return true;
    }
    return pattern === value;
  };
  for (let i = 0; i < route.prefix.length; i++) {
    if (!matchPart(route.prefix[i], segments[i])) return undefined;
  }
  const tailStart = segments.length - route.suffix.length;
  for (let i = 0; i < route.suffix.length; i++) {
    if (!matchPart(route.suffix[i], segments[tailStart + i])) return undefined;
  }
  if (route.rest !== undefined) {
    params[route.rest] = segments
      .slice(route.prefix.length, tailStart)
      .join('/');
  }
  return params;
}
