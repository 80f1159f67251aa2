/** HTML that is already escaped (built with `html`). */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString() {
    return this.value;
  }
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** Template tag: every interpolated value is escaped unless it is SafeHtml (or a list of it). */
export function html(
  strings: TemplateStringsArray,
  ...values: unknown[]
): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Headers of every page: no script, no framing (the merge button), no sniffing. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

const STYLE = `
body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1f2328; }
header { background: #24292f; color: #fff; padding: 12px 24px; }
header a { color: #fff; font-weight: 600; text-decoration: none; }
main { padding: 16px 24px; max-width: 1100px; }
.state { display: inline-block; padding: 4px 12px; border-radius: 2em; color: #fff; font-weight: 600; }
.state.open { background: #1f883d; } .state.merged { background: #8250df; } .state.closed { background: #cf222e; }
.body { white-space: pre-wrap; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px; }
table { border-collapse: collapse; } td, th { border-bottom: 1px solid #d0d7de; padding: 6px 10px; text-align: left; }
pre.diff { background: #f6f8fa; padding: 12px; overflow-x: auto; border-radius: 6px; }
code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
.add { color: #1a7f37; } .del { color: #cf222e; } .note { color: #59636e; }
button { background: #1f883d; color: #fff; border: 0; border-radius: 6px; padding: 8px 16px; font-weight: 600; cursor: pointer; }
button:disabled { background: #94d3a2; cursor: not-allowed; }
.error { border: 1px solid #cf222e; background: #ffebe9; padding: 12px; border-radius: 6px; }
`;

export function page(
  title: string,
  repoName: string,
  repoHref: string,
  body: SafeHtml,
) {
  return html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · ${repoName}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <a href="${repoHref}">${repoName}</a>
          <span class="note">— GitHub simulator (local demo)</span>
        </header>
        <main>${body}</main>
      </body>
    </html> `.value;
}
