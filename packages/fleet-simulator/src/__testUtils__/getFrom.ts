/** A GET (or any request) against a running simulator: status, text, JSON if any, type. */
export function getFrom(baseUrl: () => string) {
  return async (path: string, init?: RequestInit) => {
    const res = await fetch(`${baseUrl()}${path}`, init);
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      text,
      json,
      type: res.headers.get('content-type'),
    };
  };
}
