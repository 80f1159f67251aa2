/**
 * A call of the observability back end that did not succeed: the HTTP status, and the
 * name and message of the back end's JSON error body (`{ error: { name, message } }`).
 *
 * @public
 */
export class ObservabilityApiError extends Error {
  /** The HTTP status of the answer. */
  readonly status: number;

  constructor(status: number, name: string, message: string) {
    super(message);
    this.status = status;
    this.name = name;
  }

  /**
   * The error a failed answer carries. Reads the body (it must not have been read
   * yet). The name and message are the back end's when its body is a Backstage JSON
   * error, with or without the `response` part (`ResponseError.fromResponse` of
   * `@backstage/errors` needs it); else the status and the start of the body.
   */
  static async fromResponse(
    response: Response,
  ): Promise<ObservabilityApiError> {
    const text = await response.text().catch(() => '');
    let error: { name?: unknown; message?: unknown } | undefined;
    try {
      error = JSON.parse(text)?.error;
    } catch {
      // not JSON: a proxy's or gateway's page
    }
    if (typeof error?.message === 'string') {
      return new ObservabilityApiError(
        response.status,
        typeof error.name === 'string' ? error.name : 'Error',
        error.message,
      );
    }
    return new ObservabilityApiError(
      response.status,
      'ObservabilityApiError',
      `${response.status} ${text.trim().slice(0, 200) || response.statusText}`,
    );
  }
}

/**
 * Whether the back end refused the request itself (a 4xx: unknown cluster, settings it
 * refuses, missing permission), as opposed to failing or being unreachable.
 */
export function isClientError(error: unknown): error is ObservabilityApiError {
  return (
    error instanceof ObservabilityApiError &&
    error.status >= 400 &&
    error.status < 500
  );
}

/** Whether the back end answered 404 (e.g. a cluster that is not in the fleet). */
export function isNotFound(error: unknown): error is ObservabilityApiError {
  return error instanceof ObservabilityApiError && error.status === 404;
}

/**
 * The message to show for an error: the back end's own for an
 * {@link ObservabilityApiError}; for any other error its message, with its cause's
 * when that adds something.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const cause = (error as { cause?: { message?: unknown } }).cause?.message;
  return typeof cause === 'string' && cause !== '' && cause !== error.message
    ? `${error.message}: ${cause}`
    : error.message;
}
