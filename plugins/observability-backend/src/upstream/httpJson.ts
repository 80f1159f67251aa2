import { setImmediate as nextTurn } from 'node:timers/promises';
import { Agent } from 'undici';
import { z } from 'zod';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  formatBytes,
  readCappedText,
  ResponseTooLargeError,
} from './readCappedBody';
import { reportUpstreamTiming } from './timings';
import { UpstreamError } from './UpstreamError';

/** Client certificate and CA for an upstream, as PEM text. */
export interface UpstreamTls {
  ca?: string;
  cert?: string;
  key?: string;
}

/** One of: bearer token, basic auth, Elasticsearch API key. */
export interface UpstreamAuth {
  bearerToken?: string;
  username?: string;
  password?: string;
  apiKey?: string;
}

/** Called once per request an upstream client sends (before it is sent). */
export type RequestHook = (request: {
  upstream: string;
  method: string;
  path: string;
}) => void;

export interface UpstreamHttpOptions {
  /** Name used in errors and evidence, e.g. `thanos`. */
  name: string;
  /** Base URL, from config only; may carry a path prefix (`https://host/thanos`). */
  baseUrl: string;
  /** Per-request timeout in milliseconds (covers connect, headers and body). */
  timeoutMs: number;
  /**
   * Largest answer body read, in bytes (default 32 MiB): past it the answer is
   * dropped as it streams in and the request fails with a `parse` error.
   */
  maxResponseBytes?: number;
  auth?: UpstreamAuth;
  tls?: UpstreamTls;
  onRequest?: RequestHook;
}

export type QueryParams = Record<
  string,
  string | number | boolean | string[] | undefined
>;

const MAX_ERROR_TEXT = 300;
/** Entries `parseInTurns` validates between two turns of the event loop. */
const ITEMS_PER_TURN = 500;
/** Of an error answer only a line is shown: read no more than this of it. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const TLS_CODES =
  /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ALTNAME/i;

/**
 * JSON over HTTP to one upstream: one attempt per call (no retries), a timeout per
 * request, the configured auth header and mTLS material, and typed errors that never
 * contain credentials. Counts the requests it sends.
 */
export class UpstreamHttp {
  readonly name: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Agent;
  private readonly secrets: string[];
  private readonly onRequest?: RequestHook;
  private count = 0;

  constructor(options: UpstreamHttpOptions) {
    this.name = options.name;
    const base = new URL(options.baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(
        `${options.name} URL must be http(s), got ${base.protocol.replace(
          ':',
          '',
        )}`,
      );
    }
    this.secrets = [];
    if (base.username || base.password) {
      // Credentials belong in `auth`, not the URL; keep them out of every message.
      this.secrets.push(
        decodeURIComponent(base.username),
        decodeURIComponent(base.password),
      );
      base.username = '';
      base.password = '';
    }
    this.baseUrl = base.toString().replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.maxResponseBytes =
      options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isInteger(this.maxResponseBytes) || this.maxResponseBytes < 1) {
      throw new Error(
        `observability.${options.name}.maxResponseBytes must be a positive integer`,
      );
    }
    this.onRequest = options.onRequest;
    this.headers = { accept: 'application/json' };
    const auth = options.auth ?? {};
    if (auth.apiKey) {
      this.headers.authorization = `ApiKey ${auth.apiKey}`;
      this.secrets.push(auth.apiKey);
    } else if (auth.bearerToken) {
      this.headers.authorization = `Bearer ${auth.bearerToken}`;
      this.secrets.push(auth.bearerToken);
    } else if (auth.username !== undefined) {
      const basic = Buffer.from(
        `${auth.username}:${auth.password ?? ''}`,
      ).toString('base64');
      this.headers.authorization = `Basic ${basic}`;
      this.secrets.push(basic);
      if (auth.password) this.secrets.push(auth.password);
    }
    const tls = options.tls ?? {};
    // Its own connection pool, TLS or not: with one Alertmanager or Argo CD per
    // cluster behind one gateway (`https://gw/{cluster}/`), a shared pool would be
    // thousands of connections to one origin, which undici scans on every request.
    this.dispatcher = new Agent(
      tls.ca || tls.cert || tls.key
        ? { connect: { ca: tls.ca, cert: tls.cert, key: tls.key } }
        : {},
    );
    if (tls.key) this.secrets.push(tls.key);
    this.secrets = this.secrets.filter(s => s.length >= 4);
  }

  /** Number of requests sent so far. */
  get requestCount(): number {
    return this.count;
  }

  get<T>(
    path: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    query?: QueryParams,
  ): Promise<T> {
    return this.request('GET', path, schema, { query });
  }

  /**
   * A GET whose answer is read (and validated) also for the `alsoRead` error statuses:
   * health endpoints (Kibana's `/api/status`, Grafana's `/api/health`) answer 503 with
   * the same document when they are up but unhealthy.
   */
  async getWithStatus<T>(
    path: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    alsoRead: number[],
  ): Promise<{ status: number; body: T }> {
    let status = 200;
    const body = await this.request('GET', path, schema, {
      alsoRead,
      onStatus: s => (status = s),
    });
    return { status, body };
  }

  post<T>(
    path: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    body: { json?: unknown; form?: QueryParams },
    query?: QueryParams,
  ): Promise<T> {
    return this.request('POST', path, schema, { query, ...body });
  }

  /** A DELETE whose answer may be empty (Alertmanager's `DELETE /api/v2/silence/{id}`). */
  delete(path: string): Promise<unknown> {
    return this.request('DELETE', path, z.unknown(), { emptyOk: true });
  }

  /**
   * Validates a big part of an answer (an array's items or a record's values), a
   * slice at a time with the event loop let run in between: zod takes some 100 ms per
   * MB, and at 4,000 clusters an answer is megabytes. Its schema in the `get` was
   * `z.array(z.unknown())` / `z.record(z.unknown())`; `where` names the part in errors
   * (`data.result`), as the `get` would have.
   */
  parseInTurns<T>(
    path: string,
    where: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    items: unknown[],
  ): Promise<T[]>;
  parseInTurns<T>(
    path: string,
    where: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    items: Record<string, unknown>,
  ): Promise<Record<string, T>>;
  async parseInTurns<T>(
    path: string,
    where: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    items: unknown[] | Record<string, unknown>,
  ): Promise<T[] | Record<string, T>> {
    const entries = Array.isArray(items)
      ? items.map((item, i) => [String(i), item] as const)
      : Object.entries(items);
    const parsed: Array<readonly [string, T]> = [];
    for (let i = 0; i < entries.length; i += ITEMS_PER_TURN) {
      if (i > 0) await nextTurn();
      for (const [key, item] of entries.slice(i, i + ITEMS_PER_TURN)) {
        const result = schema.safeParse(item);
        if (!result.success) {
          const issue = result.error.issues[0];
          throw this.fail(
            'parse',
            path,
            `unexpected response shape from ${this.name} at ${path}: ${[
              ...(where ? [where] : []),
              key,
              ...(issue?.path ?? []),
            ].join('.')}: ${issue?.message ?? 'invalid'}`,
          );
        }
        parsed.push([key, result.data]);
      }
    }
    return Array.isArray(items)
      ? parsed.map(([, value]) => value)
      : Object.fromEntries(parsed);
  }

  /** Closes its connection pool. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    options: {
      query?: QueryParams;
      json?: unknown;
      form?: QueryParams;
      alsoRead?: number[];
      onStatus?: (status: number) => void;
      /** A 2xx answer without a body is read as `null`. */
      emptyOk?: boolean;
    },
  ): Promise<T> {
    const url = `${this.baseUrl}${path}${toSearch(options.query)}`;
    const headers: Record<string, string> = { ...this.headers };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = toSearch(options.form).slice(1);
    }

    this.count += 1;
    this.onRequest?.({ upstream: this.name, method, path });

    const timeout = AbortSignal.timeout(this.timeoutMs);
    // Aborted also when the answer grows past the cap, to close the connection.
    const dropped = new AbortController();
    const signal = AbortSignal.any([timeout, dropped.signal]);
    const sent = performance.now();
    let status: number;
    let text: string;
    try {
      const init: RequestInit & { dispatcher?: Agent } = {
        method,
        headers,
        body,
        signal,
        redirect: 'error',
      };
      init.dispatcher = this.dispatcher;
      const response = await fetch(url, init as RequestInit);
      status = response.status;
      const ok =
        (status >= 200 && status < 300) ||
        (options.alsoRead ?? []).includes(status);
      text = await readCappedText(
        response,
        ok
          ? this.maxResponseBytes
          : Math.min(this.maxResponseBytes, MAX_ERROR_BODY_BYTES),
        { truncate: !ok, abort: () => dropped.abort() },
      );
    } catch (error) {
      if (error instanceof ResponseTooLargeError) {
        throw this.fail(
          'parse',
          path,
          `${this.name} at ${path} answered more than ${formatBytes(
            this.maxResponseBytes,
          )}${
            error.declaredBytes !== undefined
              ? ` (content-length ${error.declaredBytes})`
              : ''
          }; the answer was dropped unread (observability.${
            this.name
          }.maxResponseBytes)`,
        );
      }
      throw this.transportError(path, error, timeout);
    } finally {
      reportUpstreamTiming({
        upstream: this.name,
        path,
        ms: performance.now() - sent,
      });
    }

    const httpError = () =>
      this.fail(
        'http',
        path,
        `${this.name} at ${path} answered HTTP ${status}${describeBody(text)}`,
        status,
      );
    const errorStatus = status < 200 || status >= 300;
    if (errorStatus && !(options.alsoRead ?? []).includes(status)) {
      throw httpError();
    }
    let json: unknown;
    try {
      json =
        options.emptyOk && !errorStatus && !text.trim()
          ? null
          : JSON.parse(text);
    } catch {
      // An error status read for its document, without one (a proxy's page): the status.
      if (errorStatus) throw httpError();
      throw this.fail(
        'parse',
        path,
        `malformed JSON from ${this.name} at ${path}`,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      if (errorStatus) throw httpError();
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : '(root)';
      throw this.fail(
        'parse',
        path,
        `unexpected response shape from ${this.name} at ${path}: ${where}: ${
          issue?.message ?? 'invalid'
        }`,
      );
    }
    options.onStatus?.(status);
    return parsed.data;
  }

  private transportError(
    path: string,
    error: unknown,
    signal: AbortSignal,
  ): UpstreamError {
    const name = (error as Error | undefined)?.name;
    if (signal.aborted || name === 'TimeoutError' || name === 'AbortError') {
      return this.fail(
        'timeout',
        path,
        `${this.name} at ${path} timed out after ${this.timeoutMs} ms`,
      );
    }
    const code = causeCode(error);
    if (code && TLS_CODES.test(code)) {
      return this.fail(
        'tls',
        path,
        `TLS failure talking to ${this.name} at ${path}: ${code}`,
      );
    }
    return this.fail(
      'network',
      path,
      `${this.name} at ${path} could not be reached${code ? `: ${code}` : ''}`,
    );
  }

  private fail(
    kind: UpstreamError['kind'],
    path: string,
    message: string,
    status?: number,
  ): UpstreamError {
    return new UpstreamError({
      kind,
      upstream: this.name,
      path,
      message: this.redact(message),
      status,
    });
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      out = out.split(secret).join('[redacted]');
    }
    return out;
  }
}

function toSearch(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) params.append(key, v);
    } else {
      params.append(key, String(value));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The upstream's own error text (Prometheus, ES, Jaeger or plain), truncated. */
function describeBody(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  let message = trimmed;
  try {
    const json = JSON.parse(trimmed);
    message = errorTextOf(json) ?? trimmed;
  } catch {
    // not JSON: use the text as is
  }
  message = message.replace(/\s+/g, ' ');
  if (message.length > MAX_ERROR_TEXT) {
    message = `${message.slice(0, MAX_ERROR_TEXT)}…`;
  }
  return `: ${message}`;
}

function errorTextOf(json: any): string | undefined {
  if (typeof json === 'string') return json;
  if (!json || typeof json !== 'object') return undefined;
  // Prometheus / Thanos: {status:"error", errorType, error}
  if (typeof json.error === 'string') {
    return json.errorType ? `${json.errorType}: ${json.error}` : json.error;
  }
  // Elasticsearch: {error:{type, reason, root_cause}, status}
  if (json.error && typeof json.error === 'object') {
    const { type, reason } = json.error;
    if (type || reason) return [type, reason].filter(Boolean).join(': ');
  }
  // Jaeger: {errors:[{code,msg}]}
  if (Array.isArray(json.errors) && json.errors.length > 0) {
    return json.errors
      .map((e: any) => (typeof e === 'string' ? e : e?.msg))
      .filter(Boolean)
      .join('; ');
  }
  // Alertmanager / go-swagger: {code, message}
  if (typeof json.message === 'string') return json.message;
  return undefined;
}

function causeCode(error: unknown): string | undefined {
  let current: any = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause;
  }
  return undefined;
}
