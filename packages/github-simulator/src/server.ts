import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { addContentsRoutes } from './api/contents';
import { addGitDatabaseRoutes } from './api/gitdb';
import { answerGraphql } from './api/graphql';
import { addPullRoutes } from './api/pulls';
import { addRepoRoutes } from './api/repos';
import { SimContext, SimulatorUser } from './context';
import { GitRepo, runGit } from './git';
import {
  ApiError,
  parseJsonObject,
  pathSegments,
  readBody,
  Reply,
  RouteRequest,
  Router,
} from './http';
import { PullStore } from './pullStore';
import { PullService } from './pulls';
import { WriteQueue } from './queue';
import { addWebRoutes } from './web';

export interface GithubSimulatorOptions {
  /** A bare git repository (see createBareRepoFrom). */
  repoDir: string;
  /** The one repository served, e.g. `fleetobs` / `gitops`. */
  owner: string;
  repo: string;
  /** Accepted as `Authorization: token <t>` or `Bearer <t>`; at least one. */
  tokens: string[];
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Listen address, default 127.0.0.1. */
  host?: string;
  /**
   * Base URL people and clients reach the simulator at (html_url and the API URLs in
   * answers); default the listening address, e.g. `http://127.0.0.1:7012`.
   */
  webBaseUrl?: string;
  /** The user every token authenticates as. */
  user?: Partial<SimulatorUser>;
}

export interface GithubSimulator {
  /** Listening address, e.g. `http://127.0.0.1:7012`. */
  url: string;
  port: number;
  /** Base of the web pages (`html_url`s). */
  webBaseUrl: string;
  /** `${webBaseUrl}/api/v3`: the integration's `apiBaseUrl`. */
  apiBaseUrl: string;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Headers GitHub's API sends with every answer (octokit-plugin-create-pull-request reads x-oauth-scopes). */
function apiHeaders(): Record<string, string> {
  return {
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-oauth-scopes': 'repo, workflow',
    'x-accepted-oauth-scopes': 'repo',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-used': '1',
    'x-ratelimit-resource': 'core',
    'x-github-request-id': randomUUID().toUpperCase(),
  };
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  extraHeaders: Record<string, string> = {},
) {
  const headers: Record<string, string> = { ...extraHeaders, ...reply.headers };
  let body: Buffer | undefined;
  if (reply.raw !== undefined) {
    body = Buffer.isBuffer(reply.raw) ? reply.raw : Buffer.from(reply.raw);
  } else if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json));
    headers['content-type'] ??= JSON_TYPE;
  }
  if (body && reply.status !== 204 && reply.status !== 304) {
    headers['content-length'] = String(body.length);
  }
  res.writeHead(reply.status, headers);
  if (
    req.method === 'HEAD' ||
    !body ||
    reply.status === 204 ||
    reply.status === 304
  ) {
    res.end();
  } else {
    res.end(body);
  }
}

function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  headers: Record<string, string>,
) {
  if (error instanceof ApiError) {
    const extra: Record<string, string> =
      error.status === 413 ? { connection: 'close' } : {};
    send(
      req,
      res,
      { status: error.status, json: error.body() },
      { ...headers, ...extra },
    );
    return;
  }
  process.stderr.write(
    `github-simulator: ${req.method} ${req.url}: ${
      error instanceof Error ? error.stack : String(error)
    }\n`,
  );
  send(
    req,
    res,
    {
      status: 500,
      json: {
        message: 'Server Error',
        documentation_url: 'https://docs.github.com/rest',
        status: '500',
      },
    },
    headers,
  );
}

function toRouteRequest(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  scope: { ctx: SimContext; pulls: PullService },
): RouteRequest {
  let raw: Promise<Buffer> | undefined;
  const rawBody = () => (raw ??= readBody(req));
  return {
    ...scope,
    method: req.method ?? 'GET',
    params,
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    body: async () => parseJsonObject(await rawBody()),
  };
}

/** Starts the simulator over an existing bare repository. */
export async function startGithubSimulator(
  options: GithubSimulatorOptions,
): Promise<GithubSimulator> {
  const tokens = options.tokens.filter(t => typeof t === 'string' && t.length);
  if (!tokens.length)
    throw new Error(
      'startGithubSimulator: tokens must name at least one token',
    );
  if (
    !/^[A-Za-z0-9_.-]+$/.test(options.owner) ||
    !/^[A-Za-z0-9_.-]+$/.test(options.repo)
  ) {
    throw new Error(
      'startGithubSimulator: owner and repo must be GitHub names',
    );
  }
  const bare = await runGit(
    ['--git-dir', options.repoDir, 'rev-parse', '--is-bare-repository'],
    {
      okCodes: [0, 128],
    },
  );
  if (bare.code !== 0 || bare.stdout.toString('utf8').trim() !== 'true') {
    throw new Error(
      `startGithubSimulator: ${options.repoDir} is not a bare git repository`,
    );
  }
  const tokenDigests = tokens.map(t => createHash('sha256').update(t).digest());
  const isKnownToken = (token: string) => {
    const digest = createHash('sha256').update(token).digest();
    return tokenDigests.some(known => timingSafeEqual(known, digest));
  };

  const apiRouter = new Router();
  addRepoRoutes(apiRouter);
  addContentsRoutes(apiRouter);
  addGitDatabaseRoutes(apiRouter);
  addPullRoutes(apiRouter);
  const webRouter = new Router();
  addWebRoutes(webRouter);
  // set once listening (the URLs need the port)
  const started: { ctx?: SimContext } = {};

  /**
   * The context of one request. Without a configured webBaseUrl, the URLs in answers
   * (html_url, archive_url, trees_url, blob urls…) use the host the client called, so
   * they match its `integrations.github[].host` whether that is localhost or 127.0.0.1.
   */
  const scopeFor = (req: IncomingMessage) => {
    let ctx = started.ctx!;
    const host = req.headers.host;
    if (
      !options.webBaseUrl &&
      host &&
      /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
    ) {
      const webBaseUrl = `http://${host}`;
      if (webBaseUrl !== ctx.webBaseUrl) {
        ctx = { ...ctx, webBaseUrl, apiBaseUrl: `${webBaseUrl}/api/v3` };
      }
    }
    return { ctx, pulls: new PullService(ctx) };
  };

  const authenticate = (req: IncomingMessage) => {
    const header = req.headers.authorization;
    if (!header) throw new ApiError(401, 'Requires authentication');
    const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
    if (!match || !isKnownToken(match[1])) {
      throw new ApiError(
        401,
        'Bad credentials',
        {},
        req.url?.startsWith('/api/graphql')
          ? 'https://docs.github.com/graphql'
          : undefined,
      );
    }
  };

  const dispatch = async (
    router: Router,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    segments: string[],
    headers: Record<string, string>,
    scope: { ctx: SimContext; pulls: PullService },
  ) => {
    const method = req.method === 'HEAD' ? 'GET' : req.method ?? 'GET';
    const matched = router.match(method, segments);
    if (!matched) throw new ApiError(404, 'Not Found');
    const reply = await matched.handler(
      toRouteRequest(req, url, matched.params, scope),
    );
    send(req, res, reply, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    // the path as sent: URL parsing would resolve `..` segments before validation sees them
    const rawPath = (req.url ?? '/').split(/[?#]/)[0];
    const segments = pathSegments(rawPath);
    const isApi = rawPath === '/api' || rawPath.startsWith('/api/');
    const headers = isApi ? apiHeaders() : {};
    try {
      if (!started.ctx) throw new ApiError(503, 'Starting');
      if (!segments) throw new ApiError(400, 'Malformed URL');
      const scope = scopeFor(req);
      if (isApi) {
        authenticate(req);
        if (segments.length === 2 && segments[1] === 'graphql') {
          if (req.method !== 'POST') throw new ApiError(404, 'Not Found');
          const input = parseJsonObject(await readBody(req));
          const result = await answerGraphql(scope.ctx, scope.pulls, input);
          send(req, res, { status: 200, json: result }, headers);
          return;
        }
        if (segments[1] !== 'v3') throw new ApiError(404, 'Not Found');
        await dispatch(
          apiRouter,
          req,
          res,
          url,
          segments.slice(2),
          headers,
          scope,
        );
        return;
      }
      await dispatch(webRouter, req, res, url, segments, headers, scope);
    } catch (error) {
      sendError(req, res, error, headers);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent) sendError(req, res, error, {});
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let host = options.host ?? '127.0.0.1';
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = 'localhost';
  if (host.includes(':')) host = `[${host}]`;
  const url = `http://${host}:${address.port}`;
  const webBaseUrl = (options.webBaseUrl ?? url).replace(/\/+$/, '');
  const git = new GitRepo(options.repoDir);
  const ctx: SimContext = {
    owner: options.owner,
    repo: options.repo,
    git,
    pulls: new PullStore(options.repoDir),
    queue: new WriteQueue(),
    user: {
      login: options.user?.login ?? 'github-simulator',
      name: options.user?.name ?? 'GitHub Simulator',
      email: options.user?.email ?? 'github-simulator@users.noreply.localhost',
    },
    webBaseUrl,
    apiBaseUrl: `${webBaseUrl}/api/v3`,
    startedAt: new Date(),
  };
  started.ctx = ctx;

  const queue = ctx.queue;
  return {
    url,
    port: address.port,
    webBaseUrl,
    apiBaseUrl: ctx.apiBaseUrl,
    close: async () => {
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queue.idle();
    },
  };
}
