import { encodePath, repoApiUrl, repoWebUrl } from './context';
import { LivePull } from './format';
import { EMPTY_TREE } from './git';
import { html, page, PAGE_HEADERS, SafeHtml } from './html';
import { ApiError, notFound, Reply, RouteRequest, Router } from './http';
import { isValidRepoPath } from './paths';

/**
 * Plain HTML pages for people (no token; a local demo): the pull request that
 * publish:github:pull-request returns as `remoteUrl` (`/{o}/{r}/pull/{n}`, with a Merge
 * button posting to `/{o}/{r}/pull/{n}/merge`), the list of pull requests, and the
 * blob, tree, raw and commit pages the API's `html_url`s point at. Every value is
 * escaped; pages carry a CSP without scripts and cannot be framed.
 */

const MAX_SHOWN_BYTES = 1024 * 1024;

const pageReply = (body: string, status = 200): Reply => ({
  status,
  raw: body,
  headers: PAGE_HEADERS,
});

function truncated(text: string) {
  return text.length > MAX_SHOWN_BYTES
    ? { text: text.slice(0, MAX_SHOWN_BYTES), cut: true }
    : { text, cut: false };
}

function diffLines(diff: string): SafeHtml {
  const { text, cut } = truncated(diff);
  const lines = text.split('\n').map(line => {
    let cls = '';
    if (line.startsWith('+') && !line.startsWith('+++')) cls = 'add';
    else if (line.startsWith('-') && !line.startsWith('---')) cls = 'del';
    else if (line.startsWith('@@')) cls = 'note';
    // One line each: pre keeps the newline.
    return html`<span class="${cls}">${line}</span>${'\n'}`;
  });
  return html`<pre class="diff">${lines}</pre>
    ${cut ? html`<p class="note">Diff truncated at 1 MiB.</p>` : ''}`;
}

const isBinary = (content: Buffer) => content.subarray(0, 8000).includes(0);

/** A browser form post from another site may not merge (CSRF). */
function assertSameOrigin(req: RouteRequest) {
  const site = req.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new ApiError(403, 'Cross-site form posts are refused');
  }
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.headers.host) {
      throw new ApiError(403, 'Cross-site form posts are refused');
    }
  } else if (origin === 'null') {
    throw new ApiError(403, 'Cross-site form posts are refused');
  }
}

/** What every page handler works with, for the repository and URLs of its request. */
function scopeOf(req: RouteRequest) {
  const { ctx, pulls } = req;
  const { git } = ctx;
  const repoName = `${ctx.owner}/${ctx.repo}`;
  const web = repoWebUrl(ctx);
  const render = (title: string, body: SafeHtml, status = 200) =>
    pageReply(page(title, repoName, web, body), status);
  if (
    req.params.owner?.toLowerCase() !== ctx.owner.toLowerCase() ||
    req.params.repo?.toLowerCase() !== ctx.repo.toLowerCase()
  ) {
    throw notFound();
  }
  /** `{ref}/{path}` of blob/tree/raw URLs: the shortest prefix that names a commit. */
  const refAndPath = async (rest: string) => {
    const segments = rest.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const ref = segments.slice(0, i).join('/');
      const commit = await git.resolveCommit(ref);
      if (commit) return { ref, commit, path: segments.slice(i).join('/') };
    }
    throw notFound();
  };
  return { ctx, pulls, git, repoName, web, render, refAndPath };
}

const stateOf = (live: LivePull) => {
  if (live.record.state === 'open') return { cls: 'open', label: 'Open' };
  return live.record.merged_at
    ? { cls: 'merged', label: 'Merged' }
    : { cls: 'closed', label: 'Closed' };
};

const pullNumber = (value: string) => {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw notFound();
  return Number(value);
};

export function addWebRoutes(router: Router) {
  router.add('GET', '/:owner/:repo', async req => {
    const { git, web, render, pulls, ctx, repoName } = scopeOf(req);
    const defaultBranch = await git.defaultBranch();
    const branches = await git.listRefs('refs/heads/');
    const open = await pulls.list({ state: 'open' });
    return render(
      repoName,
      html`<h1>${repoName}</h1>
        <p>
          Default branch <code>${defaultBranch}</code>.
          <a href="${web}/pulls">${open.length} open pull request(s)</a>.
        </p>
        <h2>Branches</h2>
        <table>
          ${branches.map(({ ref, sha }) => {
            const name = ref.slice('refs/heads/'.length);
            return html`<tr>
              <td><a href="${web}/tree/${encodePath(name)}">${name}</a></td>
              <td>
                <a href="${web}/commit/${sha}"
                  ><code>${sha.slice(0, 7)}</code></a
                >
              </td>
            </tr>`;
          })}
        </table>
        <p class="note">API: <code>${ctx.apiBaseUrl}</code></p>`,
    );
  });

  router.add('GET', '/:owner/:repo/pulls', async req => {
    const { web, render, pulls } = scopeOf(req);
    const { query } = req;
    const requested = query.get('state') ?? 'all';
    const state = ['open', 'closed', 'all'].includes(requested)
      ? requested
      : 'all';
    const list = await pulls.list({ state });
    const rows = list.map(live => {
      const { cls, label } = stateOf(live);
      const pr = live.record;
      return html`<tr>
        <td><span class="state ${cls}">${label}</span></td>
        <td>
          <a href="${web}/pull/${pr.number}">#${pr.number} ${pr.title}</a>
        </td>
        <td><code>${pr.head.ref}</code> → <code>${pr.base.ref}</code></td>
        <td class="note">${pr.created_at}</td>
      </tr>`;
    });
    return render(
      'Pull requests',
      html`<h1>Pull requests</h1>
        <p>
          <a href="${web}/pulls?state=open">Open</a> ·
          <a href="${web}/pulls?state=closed">Closed</a> ·
          <a href="${web}/pulls?state=all">All</a>
        </p>
        ${list.length
          ? html`<table>
              <tr>
                <th>State</th>
                <th>Title</th>
                <th>Branches</th>
                <th>Created</th>
              </tr>
              ${rows}
            </table>`
          : html`<p class="note">No pull requests.</p>`}`,
    );
  });

  router.add('GET', '/:owner/:repo/pull/:number', async req => {
    const { web, render, pulls, ctx } = scopeOf(req);
    const { params } = req;
    const diffSuffix = /^(\d+)\.(diff|patch)$/.exec(params.number);
    const live = await pulls.get(
      pullNumber(diffSuffix ? diffSuffix[1] : params.number),
    );
    if (!live) throw notFound();
    if (diffSuffix) {
      return {
        status: 200,
        raw: await pulls.patch(live),
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'x-content-type-options': 'nosniff',
          'content-security-policy': 'sandbox',
        },
      };
    }
    const pr = live.record;
    const [details, files, diff] = await Promise.all([
      pulls.details(live),
      pulls.files(live),
      pulls.patch(live),
    ]);
    const { cls, label } = stateOf(live);
    const verb = pr.merged_at ? 'merged' : 'wants to merge';
    let mergeBox: SafeHtml;
    if (pr.merged_at) {
      mergeBox = html`<p>
        Merged into <code>${pr.base.ref}</code> as
        <a href="${web}/commit/${pr.merge_commit_sha}"
          ><code>${(pr.merge_commit_sha ?? '').slice(0, 7)}</code></a
        >
        at ${pr.merged_at}.
      </p>`;
    } else if (pr.state === 'closed') {
      mergeBox = html`<p>Closed without merging at ${pr.closed_at}.</p>`;
    } else if (details.mergeable) {
      mergeBox = html`<form method="post" action="${String(pr.number)}/merge">
          <input type="hidden" name="sha" value="${live.headSha}" />
          <button type="submit">Merge pull request</button>
        </form>
        <p class="note">
          Or:
          <code
            >curl -X PUT -H "Authorization: token $GITHUB_SIMULATOR_TOKEN"
            ${repoApiUrl(ctx)}/pulls/${pr.number}/merge</code
          >
        </p>`;
    } else {
      mergeBox = html`<p class="error">
          This branch has conflicts with <code>${pr.base.ref}</code> that must
          be resolved.
        </p>
        <button type="button" disabled>Merge pull request</button>`;
    }
    const fileRows = files.map(file => {
      const at = file.status === 'removed' ? live.baseSha : live.headSha;
      return html`<tr>
        <td>${file.status}</td>
        <td>
          <a href="${web}/blob/${at}/${encodePath(file.path)}">${file.path}</a>
        </td>
        <td class="add">+${file.additions}</td>
        <td class="del">−${file.deletions}</td>
      </tr>`;
    });
    return render(
      `${pr.title} #${pr.number}`,
      html`<h1>${pr.title} <span class="note">#${pr.number}</span></h1>
        <p>
          <span class="state ${cls}">${label}</span>
          <strong>${pr.user}</strong> ${verb} ${details.commits} commit(s) into
          <code>${pr.base.ref}</code> from <code>${pr.head.ref}</code>
          <span class="note"
            >(head
            <a href="${web}/commit/${live.headSha}"
              ><code>${live.headSha.slice(0, 7)}</code></a
            >)</span
          >
        </p>
        <div class="body">${pr.body || 'No description provided.'}</div>
        <h2>Merge</h2>
        ${mergeBox}
        <h2>Files changed (${files.length})</h2>
        <table>
          ${fileRows}
        </table>
        <h2>Diff</h2>
        ${diffLines(diff)}
        <p>
          <a href="${web}/pulls">All pull requests</a> ·
          <a href="${web}/pull/${pr.number}.diff">Raw diff</a>
        </p>`,
    );
  });

  router.add('POST', '/:owner/:repo/pull/:number/merge', async req => {
    const { web, render, pulls, ctx } = scopeOf(req);
    const n = pullNumber(req.params.number);
    assertSameOrigin(req);
    const form = new URLSearchParams((await req.rawBody()).toString('utf8'));
    const back = `${web}/pull/${n}`;
    try {
      const result = await ctx.queue.run(() =>
        pulls.merge(n, { sha: form.get('sha') ?? undefined }, ctx.user.login),
      );
      if (!result) throw notFound();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 404) throw error;
      return render(
        'Merge failed',
        html`<h1>Merge failed</h1>
          <p class="error">${error.message}</p>
          <p><a href="${back}">Back to the pull request</a></p>`,
        error.status,
      );
    }
    return { status: 303, headers: { location: back } };
  });

  router.add('GET', '/:owner/:repo/commit/:sha', async req => {
    const { git, web, render } = scopeOf(req);
    const { params } = req;
    const sha = await git.resolveCommit(params.sha);
    if (!sha) throw notFound();
    const commit = await git.readCommit(sha);
    const diff = await git.diffPatch(commit.parents[0] ?? EMPTY_TREE, sha);
    const [subject, ...rest] = commit.message.split('\n');
    return render(
      subject,
      html`<h1>${subject}</h1>
        <div class="body">${rest.join('\n').trim() || ''}</div>
        <p>
          <strong>${commit.author.name}</strong> &lt;${commit.author.email}&gt;
          authored ${commit.author.date} · commit <code>${sha}</code>
        </p>
        <p>
          Parents:
          ${commit.parents.map(
            parent =>
              html`<a href="${web}/commit/${parent}"
                ><code>${parent.slice(0, 7)}</code></a
              > `,
          )}
        </p>
        ${diffLines(diff)}`,
    );
  });

  router.add('GET', '/:owner/:repo/tree/*rest', async req => {
    const { git, web, render, refAndPath, repoName } = scopeOf(req);
    const { params } = req;
    const { ref, commit, path } = await refAndPath(params.rest);
    if (path && !isValidRepoPath(path)) throw notFound();
    const entry = path ? await git.entryAt(commit, path) : undefined;
    if (path && entry?.type !== 'tree') throw notFound();
    const entries = await git.lsTree(entry ? entry.sha : commit);
    const rows = entries.map(child => {
      const childPath = path ? `${path}/${child.path}` : child.path;
      const kind = child.type === 'tree' ? 'tree' : 'blob';
      return html`<tr>
        <td>${child.type === 'tree' ? 'dir' : 'file'}</td>
        <td>
          <a href="${web}/${kind}/${encodePath(ref)}/${encodePath(childPath)}"
            >${child.path}</a
          >
        </td>
      </tr>`;
    });
    return render(
      path || repoName,
      html`<h1>${path || '/'} <span class="note">at ${ref}</span></h1>
        <table>
          ${rows}
        </table>`,
    );
  });

  const blob = async (req: RouteRequest) => {
    const { git, refAndPath } = scopeOf(req);
    const { ref, commit, path } = await refAndPath(req.params.rest);
    if (!isValidRepoPath(path)) throw notFound();
    const entry = await git.entryAt(commit, path);
    if (!entry || entry.type !== 'blob') throw notFound();
    return { ref, path, content: await git.readBlob(entry.sha) };
  };

  router.add('GET', '/:owner/:repo/blob/*rest', async req => {
    const { web, render } = scopeOf(req);
    const { ref, path, content } = await blob(req);
    const shown = isBinary(content)
      ? html`<p class="note">Binary file, ${content.length} bytes.</p>`
      : html`<pre class="diff">
${truncated(content.toString('utf8')).text}</pre
        >`;
    return render(
      path,
      html`<h1>${path} <span class="note">at ${ref}</span></h1>
        <p>
          <a href="${web}/raw/${encodePath(ref)}/${encodePath(path)}">Raw</a>
        </p>
        ${shown}`,
    );
  });

  router.add('GET', '/:owner/:repo/raw/*rest', async req => {
    const { content } = await blob(req);
    return {
      status: 200,
      raw: content,
      headers: {
        'content-type': isBinary(content)
          ? 'application/octet-stream'
          : 'text/plain; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
      },
    };
  });
}
