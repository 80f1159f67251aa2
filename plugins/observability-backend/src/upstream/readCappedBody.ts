/** Default cap of one upstream answer: 32 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** The answer was larger than the cap; it was dropped, not read to its end. */
export class ResponseTooLargeError extends Error {
  readonly name = 'ResponseTooLargeError';
  constructor(
    readonly maxBytes: number,
    /** The `content-length` the upstream announced, when that is how it was caught. */
    readonly declaredBytes?: number,
  ) {
    super(
      declaredBytes !== undefined
        ? `answer of ${declaredBytes} bytes is over the cap of ${maxBytes} bytes`
        : `answer is over the cap of ${maxBytes} bytes`,
    );
  }
}

/** `32 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) {
    return `${bytes / (1024 * 1024)} MiB`;
  }
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads a fetch body as UTF-8 text, counting bytes as they stream in: past `maxBytes`
 * the body is cancelled (which closes the connection) and {@link ResponseTooLargeError}
 * thrown, so a huge or endless answer costs at most `maxBytes` of memory. An announced
 * `content-length` over the cap fails before a byte is read. With `truncate`, the first
 * `maxBytes` are returned instead (for error bodies, of which only a line is shown).
 */
export async function readCappedText(
  response: Response,
  maxBytes: number,
  options: {
    truncate?: boolean;
    /** Aborts the request (its AbortController): closes the connection at once. */
    abort?: () => void;
  } = {},
): Promise<string> {
  // Not awaited: a cancelled stream may never settle its promise.
  const stop = (cancel: () => Promise<void>) => {
    options.abort?.();
    cancel().catch(() => undefined);
  };
  const body = response.body;
  if (!body) return '';
  const encoding = response.headers.get('content-encoding');
  const declared = Number(response.headers.get('content-length') ?? NaN);
  // With a content-encoding the length is that of the compressed bytes; the stream
  // below counts the decoded ones either way.
  if (
    !options.truncate &&
    (!encoding || encoding === 'identity') &&
    Number.isFinite(declared) &&
    declared > maxBytes
  ) {
    stop(() => body.cancel());
    throw new ResponseTooLargeError(maxBytes, declared);
  }
  const reader = body.getReader();
  // Decoded as it streams in (like response.text(): UTF-8, a byte order mark
  // dropped): one copy of a 20 MB answer at the end would stall the event loop.
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > maxBytes) {
      stop(() => reader.cancel());
      if (options.truncate) {
        parts.push(
          decoder.decode(value.subarray(0, maxBytes - total), { stream: true }),
        );
        total = maxBytes;
        break;
      }
      throw new ResponseTooLargeError(maxBytes);
    }
    parts.push(decoder.decode(value, { stream: true }));
    total += value.byteLength;
  }
  parts.push(decoder.decode());
  return parts.join('');
}
