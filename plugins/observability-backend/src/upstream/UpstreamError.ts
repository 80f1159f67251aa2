/** The upstreams the plugin talks to. */
export type UpstreamName =
  | 'thanos'
  | 'elasticsearch'
  | 'jaeger'
  | 'alertmanager'
  | 'kibana'
  | 'grafana'
  | 'argocd';

/**
 * Why a request to an upstream failed:
 * - `timeout`: no complete answer within the per-request timeout;
 * - `http`: the upstream answered with a non-2xx status (or an error payload);
 * - `tls`: the TLS handshake failed (bad CA, expired or rejected client certificate, ...);
 * - `network`: the connection could not be made (refused, DNS, reset);
 * - `parse`: the body was not JSON, or not the shape the API documents.
 */
export type UpstreamErrorKind =
  | 'timeout'
  | 'http'
  | 'tls'
  | 'network'
  | 'parse';

/**
 * A failed upstream request. The message names the upstream and the request path
 * (never the query string, credentials or keys) so it can be shown as evidence.
 */
export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  readonly upstream: string;
  readonly path: string;
  readonly status?: number;

  constructor(options: {
    kind: UpstreamErrorKind;
    upstream: string;
    path: string;
    message: string;
    status?: number;
  }) {
    super(options.message);
    this.name = 'UpstreamError';
    this.kind = options.kind;
    this.upstream = options.upstream;
    this.path = options.path;
    this.status = options.status;
  }
}

/** A short, credential-free description of any error, for `evidence.error`. */
export function describeError(error: unknown): string {
  if (error instanceof UpstreamError) {
    return error.message;
  }
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}
