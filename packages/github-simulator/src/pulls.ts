import { encodePath, repoApiUrl, repoWebUrl, SimContext } from './context';
import { LivePull, PullDetails, isoSeconds } from './format';
import { DiffEntry, EMPTY_TREE, GitIdentity } from './git';
import { ApiError, unprocessable, validationFailed } from './http';
import { PullRecord } from './pullStore';

/**
 * Pull requests over the git repository: records in the PullStore, `refs/pull/<n>/head`
 * like GitHub, merges with `git merge-tree --write-tree`. Methods that write are called
 * inside the WriteQueue (the API handlers and the web page do that).
 */

const pullRef = (number: number) => `refs/pull/${number}/head`;

const MERGE_COMMITTER: GitIdentity = {
  name: 'GitHub',
  email: 'noreply@github.com',
};

export interface CreatePullInput {
  title?: unknown;
  body?: unknown;
  head?: unknown;
  base?: unknown;
  draft?: unknown;
  maintainer_can_modify?: unknown;
}

export interface UpdatePullInput {
  title?: unknown;
  body?: unknown;
  state?: unknown;
  base?: unknown;
  maintainer_can_modify?: unknown;
}

export interface MergeInput {
  commit_title?: unknown;
  commit_message?: unknown;
  sha?: unknown;
  merge_method?: unknown;
}

export interface PullFile extends DiffEntry {
  patch?: string;
}

const now = () => isoSeconds(Date.now());

const optionalString = (value: unknown, field: string) => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw unprocessable(
      `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(
        value,
      )} is not a string.`,
    );
  }
  return value;
};

const optionalBoolean = (value: unknown, field: string) => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    throw unprocessable(
      `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(
        value,
      )} is not a boolean.`,
    );
  }
  return value;
};

export class PullService {
  constructor(private readonly ctx: SimContext) {}

  /** The record with its current head and base commits. */
  async live(record: PullRecord): Promise<LivePull> {
    if (record.state !== 'open') {
      return { record, headSha: record.head.sha, baseSha: record.base.sha };
    }
    const { git } = this.ctx;
    const headSha =
      (await git.branchSha(record.head.ref)) ??
      (await git.refSha(pullRef(record.number))) ??
      record.head.sha;
    const baseSha = (await git.branchSha(record.base.ref)) ?? record.base.sha;
    return { record, headSha, baseSha };
  }

  async get(number: number): Promise<LivePull | undefined> {
    const record = await this.ctx.pulls.get(number);
    return record ? this.live(record) : undefined;
  }

  async list(filter: {
    state?: string;
    head?: string;
    base?: string;
    direction?: string;
  }): Promise<LivePull[]> {
    const state = filter.state ?? 'open';
    let headRef: string | undefined;
    if (filter.head) {
      const colon = filter.head.indexOf(':');
      const owner = colon === -1 ? this.ctx.owner : filter.head.slice(0, colon);
      if (owner.toLowerCase() !== this.ctx.owner.toLowerCase()) return [];
      headRef = colon === -1 ? filter.head : filter.head.slice(colon + 1);
    }
    const records = (await this.ctx.pulls.list())
      .filter(pr => state === 'all' || pr.state === state)
      .filter(pr => headRef === undefined || pr.head.ref === headRef)
      .filter(pr => !filter.base || pr.base.ref === filter.base)
      .sort((a, b) =>
        filter.direction === 'asc' ? a.number - b.number : b.number - a.number,
      );
    return Promise.all(records.map(record => this.live(record)));
  }

  /** The commit range a pull request shows: merge base of base and head, to head. */
  private async range(live: LivePull): Promise<{ from: string; to: string }> {
    const base = await this.ctx.git.mergeBase(live.baseSha, live.headSha);
    return { from: base ?? EMPTY_TREE, to: live.headSha };
  }

  async files(live: LivePull): Promise<PullFile[]> {
    const { from, to } = await this.range(live);
    const entries = await this.ctx.git.diffEntries(from, to);
    return Promise.all(
      entries.map(async entry => {
        if (entry.binary) return entry;
        const patch = await this.ctx.git.diffPatch(from, to, entry.path);
        const hunk = patch.indexOf('\n@@');
        return { ...entry, patch: hunk === -1 ? '' : patch.slice(hunk + 1) };
      }),
    );
  }

  /** The whole diff of the pull request (`git diff base...head`). */
  async patch(live: LivePull): Promise<string> {
    const { from, to } = await this.range(live);
    return this.ctx.git.diffPatch(from, to);
  }

  /**
   * Whether head merges into base without conflicts (null once closed). The trial
   * merge only adds content-addressed objects, never a ref or a record, so it runs
   * outside the write queue (and may be called from inside a queued job).
   */
  async mergeable(live: LivePull): Promise<boolean | null> {
    if (live.record.state !== 'open') return null;
    const result = await this.ctx.git.mergeTree(live.baseSha, live.headSha);
    return result.clean;
  }

  async details(live: LivePull): Promise<PullDetails> {
    const { from, to } = await this.range(live);
    const [commits, entries, mergeable] = await Promise.all([
      this.ctx.git.revList([live.headSha, `^${live.baseSha}`]),
      this.ctx.git.diffEntries(from, to),
      this.mergeable(live),
    ]);
    return {
      mergeable,
      commits: commits.length,
      additions: entries.reduce((sum, e) => sum + e.additions, 0),
      deletions: entries.reduce((sum, e) => sum + e.deletions, 0),
      changedFiles: entries.length,
    };
  }

  /** GitHub's file objects of GET /pulls/{n}/files. */
  fileJson(live: LivePull, file: PullFile) {
    const web = repoWebUrl(this.ctx);
    const removed = file.status === 'removed';
    const sha = removed ? file.oldSha : file.newSha;
    const at = removed ? live.baseSha : live.headSha;
    return {
      sha,
      filename: file.path,
      status: file.status,
      additions: file.additions,
      deletions: file.deletions,
      changes: file.additions + file.deletions,
      blob_url: `${web}/blob/${at}/${encodePath(file.path)}`,
      raw_url: `${web}/raw/${at}/${encodePath(file.path)}`,
      contents_url: `${repoApiUrl(this.ctx)}/contents/${encodePath(
        file.path,
      )}?ref=${at}`,
      ...(file.patch !== undefined ? { patch: file.patch } : {}),
    };
  }

  private async openPullFor(head: string, base: string, except?: number) {
    return (await this.ctx.pulls.list()).find(
      pr =>
        pr.state === 'open' &&
        pr.head.ref === head &&
        pr.base.ref === base &&
        pr.number !== except,
    );
  }

  /** POST /pulls (in the write queue). */
  async create(input: CreatePullInput, login: string): Promise<LivePull> {
    const { git, owner } = this.ctx;
    const title = optionalString(input.title, 'title');
    const body = optionalString(input.body, 'body') ?? null;
    const headInput = optionalString(input.head, 'head');
    const base = optionalString(input.base, 'base');
    const draft = optionalBoolean(input.draft, 'draft') ?? false;
    const maintainerCanModify =
      optionalBoolean(input.maintainer_can_modify, 'maintainer_can_modify') ??
      true;
    const missing = (
      [
        ['title', title],
        ['head', headInput],
        ['base', base],
      ] as const
    )
      .filter(([, value]) => !value)
      .map(([field]) => ({
        resource: 'PullRequest',
        field,
        code: 'missing_field',
      }));
    if (missing.length) throw validationFailed(...missing);

    let head = headInput!;
    const colon = head.indexOf(':');
    if (colon !== -1) {
      if (head.slice(0, colon).toLowerCase() !== owner.toLowerCase()) {
        throw validationFailed({
          resource: 'PullRequest',
          field: 'head',
          code: 'invalid',
        });
      }
      head = head.slice(colon + 1);
    }
    const baseSha = await git.branchSha(base!);
    if (!baseSha) {
      throw validationFailed({
        resource: 'PullRequest',
        field: 'base',
        code: 'invalid',
      });
    }
    const headSha = await git.branchSha(head);
    if (!headSha) {
      throw validationFailed({
        resource: 'PullRequest',
        field: 'head',
        code: 'invalid',
      });
    }
    const existing = await this.openPullFor(head, base!);
    if (existing) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${owner}:${head}.`,
      });
    }
    if (!(await git.mergeBase(baseSha, headSha))) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: `The ${base} branch has no history in common with ${head}`,
      });
    }
    if (!(await git.revList([headSha, `^${baseSha}`], { max: 1 })).length) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${base} and ${head}`,
      });
    }
    const record = await this.ctx.pulls.update(({ pulls, allocate }) => {
      const created = now();
      const pr: PullRecord = {
        number: allocate(),
        title: title!,
        body,
        state: 'open',
        draft,
        maintainer_can_modify: maintainerCanModify,
        head: { ref: head, sha: headSha },
        base: { ref: base!, sha: baseSha },
        user: login,
        created_at: created,
        updated_at: created,
        closed_at: null,
        merged_at: null,
        merge_commit_sha: null,
        merged_by: null,
      };
      pulls.push(pr);
      return pr;
    });
    await git.updateRef(pullRef(record.number), headSha, undefined);
    return this.live(record);
  }

  /** PATCH /pulls/{n} (in the write queue). */
  async update(
    number: number,
    input: UpdatePullInput,
  ): Promise<LivePull | undefined> {
    const { git, owner } = this.ctx;
    const current = await this.ctx.pulls.get(number);
    if (!current) return undefined;
    const title = optionalString(input.title, 'title');
    const body = optionalString(input.body, 'body');
    const state = optionalString(input.state, 'state');
    const base = optionalString(input.base, 'base');
    const maintainerCanModify = optionalBoolean(
      input.maintainer_can_modify,
      'maintainer_can_modify',
    );
    if (state !== undefined && state !== 'open' && state !== 'closed') {
      throw validationFailed({
        resource: 'PullRequest',
        field: 'state',
        code: 'invalid',
      });
    }
    if (title === '') {
      throw validationFailed({
        resource: 'PullRequest',
        field: 'title',
        code: 'missing_field',
      });
    }
    const merged = current.merged_at !== null;
    if (merged && (state !== undefined || base !== undefined)) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        field: state !== undefined ? 'state' : 'base',
        message: 'The pull request has already been merged.',
      });
    }
    const baseRef = base ?? current.base.ref;
    const baseSha = await git.branchSha(baseRef);
    if (base !== undefined && !baseSha) {
      throw validationFailed({
        resource: 'PullRequest',
        field: 'base',
        code: 'invalid',
      });
    }
    const headSha = await git.branchSha(current.head.ref);
    const reopening = state === 'open' && current.state === 'closed';
    if (reopening || (current.state === 'open' && base !== undefined)) {
      if (!headSha) {
        throw validationFailed({
          resource: 'PullRequest',
          field: 'head',
          code: 'invalid',
        });
      }
      if (await this.openPullFor(current.head.ref, baseRef, number)) {
        throw validationFailed({
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${owner}:${current.head.ref}.`,
        });
      }
    }
    const live = await this.live(current);
    const record = await this.ctx.pulls.update(({ pulls }) => {
      const pr = pulls.find(p => p.number === number)!;
      if (title !== undefined) pr.title = title;
      if (body !== undefined) pr.body = body;
      if (maintainerCanModify !== undefined)
        pr.maintainer_can_modify = maintainerCanModify;
      if (base !== undefined) pr.base = { ref: base, sha: baseSha! };
      if (state === 'closed' && pr.state === 'open') {
        // a closed pull request keeps the commits it had
        pr.state = 'closed';
        pr.closed_at = now();
        pr.head.sha = live.headSha;
        pr.base.sha = base !== undefined ? baseSha! : live.baseSha;
      } else if (reopening) {
        pr.state = 'open';
        pr.closed_at = null;
        pr.head.sha = headSha!;
      }
      pr.updated_at = now();
      return pr;
    });
    if (record.state === 'open') {
      await git.updateRef(pullRef(number), record.head.sha, undefined);
    }
    return this.live(record);
  }

  /** Points `refs/pull/<n>/head` of the open pull requests of `branch` at it (after a push). */
  async syncHeads(branch: string): Promise<void> {
    const sha = await this.ctx.git.branchSha(branch);
    if (!sha) return;
    const open = (await this.ctx.pulls.list()).filter(
      pr => pr.state === 'open' && pr.head.ref === branch,
    );
    if (!open.length) return;
    for (const pr of open) {
      await this.ctx.git.updateRef(pullRef(pr.number), sha, undefined);
    }
    await this.ctx.pulls.update(({ pulls }) => {
      for (const pr of pulls) {
        if (pr.state === 'open' && pr.head.ref === branch) pr.head.sha = sha;
      }
    });
  }

  /**
   * PUT /pulls/{n}/merge (in the write queue): a merge commit (or a squash commit) of
   * `git merge-tree --write-tree`, the base branch moved with its old value as
   * compare-and-set.
   */
  async merge(
    number: number,
    input: MergeInput,
    login: string,
  ): Promise<{ sha: string; merged: true; message: string } | undefined> {
    const { git, owner, user } = this.ctx;
    const record = await this.ctx.pulls.get(number);
    if (!record) return undefined;
    const commitTitle = optionalString(input.commit_title, 'commit_title');
    const commitMessage = optionalString(
      input.commit_message,
      'commit_message',
    );
    const expectedSha = optionalString(input.sha, 'sha');
    const method =
      optionalString(input.merge_method, 'merge_method') ?? 'merge';
    if (!['merge', 'squash', 'rebase'].includes(method)) {
      throw validationFailed({
        resource: 'PullRequest',
        field: 'merge_method',
        code: 'invalid',
      });
    }
    if (method === 'rebase') {
      throw new ApiError(
        405,
        'Rebase merges are not allowed on this repository.',
      );
    }
    if (record.state !== 'open') {
      throw new ApiError(405, 'Pull Request is not mergeable');
    }
    const live = await this.live(record);
    if (expectedSha !== undefined && expectedSha !== live.headSha) {
      throw new ApiError(
        409,
        'Head branch was modified. Review and try the merge again.',
      );
    }
    const baseSha = await git.branchSha(record.base.ref);
    if (!baseSha) throw new ApiError(405, 'Pull Request is not mergeable');
    const result = await git.mergeTree(baseSha, live.headSha);
    if (!result.clean) throw new ApiError(405, 'Pull Request is not mergeable');

    let title: string;
    let body: string;
    let parents: string[];
    if (method === 'squash') {
      const commits = await git.revList([live.headSha, `^${baseSha}`]);
      const messages = await Promise.all(
        commits
          .reverse()
          .map(async sha => (await git.readCommit(sha)).message.trim()),
      );
      title = commitTitle ?? `${record.title} (#${number})`;
      body = commitMessage ?? messages.map(m => `* ${m}`).join('\n\n');
      parents = [baseSha];
    } else {
      title =
        commitTitle ??
        `Merge pull request #${number} from ${owner}/${record.head.ref}`;
      body = commitMessage ?? record.title;
      parents = [baseSha, live.headSha];
    }
    const author = { name: user.name, email: user.email };
    const sha = await git.commitTree({
      tree: result.tree,
      parents,
      message: body ? `${title}\n\n${body}\n` : `${title}\n`,
      author,
      committer: MERGE_COMMITTER,
    });
    const moved = await git.updateRef(
      `refs/heads/${record.base.ref}`,
      sha,
      baseSha,
      `merge pull request #${number}`,
    );
    if (!moved) {
      throw new ApiError(
        409,
        'Base branch was modified. Review and try the merge again.',
      );
    }
    await this.ctx.pulls.update(({ pulls }) => {
      const pr = pulls.find(p => p.number === number)!;
      const at = now();
      pr.state = 'closed';
      pr.closed_at = at;
      pr.merged_at = at;
      pr.updated_at = at;
      pr.merge_commit_sha = sha;
      pr.merged_by = login;
      pr.head.sha = live.headSha;
      pr.base.sha = baseSha;
    });
    await git.updateRef(pullRef(number), live.headSha, undefined);
    return { sha, merged: true, message: 'Pull Request successfully merged' };
  }
}
