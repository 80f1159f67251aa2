import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The git plumbing the simulator needs, run through the system `git` CLI (execFile, no
 * shell). Every command gets `--literal-pathspecs` so a path is never a glob, and a
 * clean environment: no system or global config, no inherited GIT_* variables.
 */

/** The empty tree, which every git repository knows. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const MAX_OUTPUT = 512 * 1024 * 1024;

export class GitCommandError extends Error {
  constructor(readonly args: string[], readonly code: number, stderr: string) {
    super(`git ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

export interface GitRunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (default [0]). */
  okCodes?: number[];
  cwd?: string;
}

export interface GitRunResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

function gitEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_')) env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
    ...extra,
  };
}

/** Runs `git <args>` (no git dir implied). */
export function runGit(
  args: string[],
  options: GitRunOptions = {},
): Promise<GitRunResult> {
  const okCodes = options.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        env: gitEnv(options.env),
        cwd: options.cwd,
        encoding: 'buffer',
        maxBuffer: MAX_OUTPUT,
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          const exitCode = (error as { code?: unknown }).code;
          code = typeof exitCode === 'number' ? exitCode : -1;
        }
        const stderrText = stderr.toString('utf8');
        if (!okCodes.includes(code)) {
          reject(new GitCommandError(args, code, stderrText || String(error)));
          return;
        }
        resolve({ stdout, stderr: stderrText, code });
      },
    );
    child.stdin?.on('error', () => {
      // git may exit before reading all of stdin; the exit code tells what happened
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Blob size in bytes; undefined for trees and submodules. */
  size?: number;
  path: string;
}

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601; default now. */
  date?: string;
}

export interface ParsedCommit {
  sha: string;
  tree: string;
  parents: string[];
  author: Required<GitIdentity>;
  committer: Required<GitIdentity>;
  message: string;
}

export interface DiffEntry {
  status: 'added' | 'removed' | 'modified' | 'changed';
  path: string;
  oldMode: string;
  newMode: string;
  oldSha: string;
  newSha: string;
  additions: number;
  deletions: number;
  binary: boolean;
}

export type MergeResult =
  | { clean: true; tree: string }
  | { clean: false; conflicts: string[] };

/** `git diff --raw` letters -> GitHub's file status. */
const DIFF_STATUS: Record<string, DiffEntry['status']> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
};

const SHA_RE = /^[0-9a-f]{40}$/;
const SHORT_SHA_RE = /^[0-9a-f]{4,40}$/i;

export const isSha = (value: string) => SHA_RE.test(value);

/**
 * A name a client may pass where git expects a revision: refuses what git would read
 * as an option or a revision expression, so the value can only name a ref or an object.
 */
export function isSafeRevision(value: string): boolean {
  return (
    value.length > 0 &&
    value.length <= 1024 &&
    !value.startsWith('-') &&
    !value.includes('..') &&
    !value.includes('@{') &&
    !/[\s~^:?*[\\]/.test(value) &&
    ![...value].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
  );
}

function identityEnv(kind: 'AUTHOR' | 'COMMITTER', who: GitIdentity) {
  const env: Record<string, string> = {
    [`GIT_${kind}_NAME`]: who.name,
    [`GIT_${kind}_EMAIL`]: who.email,
  };
  if (who.date) {
    const ms = Date.parse(who.date);
    if (!Number.isNaN(ms))
      env[`GIT_${kind}_DATE`] = `@${Math.floor(ms / 1000)} +0000`;
  }
  return env;
}

function parseIdentity(line: string): Required<GitIdentity> {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(line);
  if (!match) return { name: line, email: '', date: new Date(0).toISOString() };
  return {
    name: match[1],
    email: match[2],
    date: new Date(Number(match[3]) * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
  };
}

function splitZ(buffer: Buffer): string[] {
  const parts = buffer.toString('utf8').split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** One bare repository. */
export class GitRepo {
  constructor(readonly gitDir: string) {}

  run(args: string[], options?: GitRunOptions) {
    return runGit(['--git-dir', this.gitDir, '--literal-pathspecs', ...args], {
      ...options,
    });
  }

  private async text(args: string[], options?: GitRunOptions) {
    return (await this.run(args, options)).stdout.toString('utf8').trim();
  }

  /** The branch HEAD names (the repository's default branch). */
  async defaultBranch(): Promise<string> {
    const res = await this.run(['symbolic-ref', '--quiet', 'HEAD'], {
      okCodes: [0, 1, 128],
    });
    const ref = res.stdout.toString('utf8').trim();
    return res.code === 0 && ref.startsWith('refs/heads/')
      ? ref.slice('refs/heads/'.length)
      : 'main';
  }

  /** The object a full ref name points to, or undefined. */
  async refSha(fullRef: string): Promise<string | undefined> {
    if (!fullRef.startsWith('refs/') || !isSafeRevision(fullRef))
      return undefined;
    const res = await this.run(
      ['show-ref', '--verify', '--hash', '--', fullRef],
      { okCodes: [0, 1, 128] },
    );
    const sha = res.stdout.toString('utf8').trim();
    return res.code === 0 && isSha(sha) ? sha : undefined;
  }

  async branchSha(branch: string) {
    return this.refSha(`refs/heads/${branch}`);
  }

  /** All refs under a prefix (e.g. `refs/heads/`), sorted by name. */
  async listRefs(
    prefix = 'refs/',
  ): Promise<Array<{ ref: string; sha: string }>> {
    const out = await this.text([
      'for-each-ref',
      '--format=%(refname)%00%(objectname)',
      prefix,
    ]);
    return out
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [ref, sha] = line.split('\0');
        return { ref, sha };
      })
      .filter(({ ref }) => ref.startsWith(prefix));
  }

  /**
   * Resolves what a GitHub API client may pass as a ref (branch, tag, full ref name,
   * or a commit SHA, possibly abbreviated) to a commit SHA.
   */
  async resolveCommit(ref: string): Promise<string | undefined> {
    if (!isSafeRevision(ref)) return undefined;
    const candidates = ref.startsWith('refs/')
      ? [ref]
      : [`refs/heads/${ref}`, `refs/tags/${ref}`];
    if (SHORT_SHA_RE.test(ref)) candidates.push(ref.toLowerCase());
    for (const candidate of candidates) {
      const res = await this.run(
        ['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`],
        { okCodes: [0, 1, 128] },
      );
      const sha = res.stdout.toString('utf8').trim();
      if (res.code === 0 && isSha(sha)) return sha;
    }
    return undefined;
  }

  async objectType(sha: string): Promise<ObjectType | undefined> {
    if (!isSha(sha)) return undefined;
    const res = await this.run(['cat-file', '-t', sha], {
      okCodes: [0, 1, 128],
    });
    const type = res.stdout.toString('utf8').trim();
    return res.code === 0 ? (type as ObjectType) : undefined;
  }

  /** The tree of a commit, or the tree itself. */
  async peelTree(sha: string): Promise<string | undefined> {
    const type = await this.objectType(sha);
    if (type === 'tree') return sha;
    if (type !== 'commit') return undefined;
    return (await this.readCommit(sha)).tree;
  }

  async readBlob(sha: string): Promise<Buffer> {
    return (await this.run(['cat-file', 'blob', sha])).stdout;
  }

  async writeBlob(content: Buffer): Promise<string> {
    return this.text(['hash-object', '-w', '--stdin'], { input: content });
  }

  async readCommit(sha: string): Promise<ParsedCommit> {
    const raw = (await this.run(['cat-file', 'commit', sha])).stdout.toString(
      'utf8',
    );
    const split = raw.indexOf('\n\n');
    const headerText = split === -1 ? raw : raw.slice(0, split);
    const message = split === -1 ? '' : raw.slice(split + 2);
    const parents: string[] = [];
    let tree = '';
    let author = parseIdentity('');
    let committer = author;
    for (const line of headerText.split('\n')) {
      if (line.startsWith(' ')) continue; // continuation (gpgsig, mergetag)
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === 'tree') tree = value;
      else if (key === 'parent') parents.push(value);
      else if (key === 'author') author = parseIdentity(value);
      else if (key === 'committer') committer = parseIdentity(value);
    }
    return { sha, tree, parents, author, committer, message };
  }

  /** Entries of a tree-ish, recursive (with `-t` trees listed too) or one level. */
  async lsTree(
    treeish: string,
    options: { recursive?: boolean; paths?: string[] } = {},
  ): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-z', '-l'];
    if (options.recursive) args.push('-r', '-t');
    args.push(treeish);
    if (options.paths) args.push('--', ...options.paths);
    const out = await this.run(args);
    return splitZ(out.stdout).map(line => {
      const tab = line.indexOf('\t');
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
      return {
        mode,
        type: type as TreeEntry['type'],
        sha,
        size: size === '-' ? undefined : Number(size),
        path: line.slice(tab + 1),
      };
    });
  }

  /** The entry at `path` of a commit or tree, or undefined. */
  async entryAt(treeish: string, path: string): Promise<TreeEntry | undefined> {
    const entries = await this.lsTree(treeish, { paths: [path] });
    return entries.find(entry => entry.path === path);
  }

  /** Files (blobs and submodules) of a tree, recursively: path -> mode and sha. */
  async flatTree(
    treeish: string,
  ): Promise<Map<string, { mode: string; sha: string }>> {
    const out = await this.run(['ls-tree', '-z', '-r', treeish]);
    const files = new Map<string, { mode: string; sha: string }>();
    for (const line of splitZ(out.stdout)) {
      const tab = line.indexOf('\t');
      const [mode, , sha] = line.slice(0, tab).split(' ');
      files.set(line.slice(tab + 1), { mode, sha });
    }
    return files;
  }

  /**
   * Writes a tree from a full list of files, through a temporary index
   * (GIT_INDEX_FILE): `update-index --index-info`, then `write-tree`.
   */
  async writeTree(
    files: Map<string, { mode: string; sha: string }>,
  ): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'github-simulator-index-'));
    try {
      const env = { GIT_INDEX_FILE: join(dir, 'index') };
      await this.run(['read-tree', '--empty'], { env });
      const lines = [...files].map(
        ([path, { mode, sha }]) => `${mode} ${sha}\t${path}\0`,
      );
      if (lines.length) {
        await this.run(['update-index', '-z', '--index-info'], {
          env,
          input: lines.join(''),
        });
      }
      return await this.text(['write-tree'], { env });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async commitTree(options: {
    tree: string;
    parents: string[];
    message: string;
    author: GitIdentity;
    committer: GitIdentity;
  }): Promise<string> {
    const args = ['commit-tree', options.tree];
    for (const parent of options.parents) args.push('-p', parent);
    args.push('-F', '-');
    return this.text(args, {
      input: options.message,
      env: {
        ...identityEnv('AUTHOR', options.author),
        ...identityEnv('COMMITTER', options.committer),
      },
    });
  }

  /**
   * Compare-and-set of a ref: `oldSha` '' means "must not exist yet". Returns false when
   * the ref was not at `oldSha` (someone else moved it, or it exists already).
   */
  async updateRef(
    ref: string,
    newSha: string,
    oldSha: string | undefined,
    reason = 'github-simulator',
  ): Promise<boolean> {
    const args = ['update-ref', '-m', reason, ref, newSha];
    if (oldSha !== undefined) args.push(oldSha);
    const res = await this.run(args, {
      okCodes: [0, 1, 128],
    });
    return res.code === 0;
  }

  async isValidRefName(ref: string): Promise<boolean> {
    if (!isSafeRevision(ref)) return false;
    const res = await runGit(['check-ref-format', ref], { okCodes: [0, 1] });
    return res.code === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const res = await this.run(
      ['merge-base', '--is-ancestor', ancestor, descendant],
      { okCodes: [0, 1] },
    );
    return res.code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const res = await this.run(['merge-base', a, b], { okCodes: [0, 1] });
    return res.code === 0 ? res.stdout.toString('utf8').trim() : undefined;
  }

  /** `git merge-tree --write-tree`: the merged tree, or the conflicting paths. */
  async mergeTree(ours: string, theirs: string): Promise<MergeResult> {
    const res = await this.run(
      [
        'merge-tree',
        '--write-tree',
        '-z',
        '--name-only',
        '--no-messages',
        ours,
        theirs,
      ],
      { okCodes: [0, 1, 128] },
    );
    const parts = splitZ(res.stdout);
    if (res.code === 0) return { clean: true, tree: parts[0] };
    if (res.code === 1) {
      return { clean: false, conflicts: [...new Set(parts.slice(1))] };
    }
    // unrelated histories and the like: not mergeable
    return { clean: false, conflicts: [] };
  }

  /** Commits reachable from `head` and not from `base`, newest first. */
  async revList(
    range: string[],
    options: { max?: number; skip?: number } = {},
  ): Promise<string[]> {
    const args = ['rev-list'];
    if (options.max !== undefined) args.push(`--max-count=${options.max}`);
    if (options.skip) args.push(`--skip=${options.skip}`);
    args.push(...range, '--');
    const out = await this.text(args);
    return out ? out.split('\n') : [];
  }

  /** Unix seconds of the last commit from `commit` that touched `path`. */
  async lastModified(commit: string, path: string): Promise<number> {
    const out = await this.text(
      ['log', '-1', '--format=%ct', commit, '--', path].filter(Boolean),
    );
    return Number(out) || 0;
  }

  /** Changes from `from` to `to` (commits or trees). */
  async diffEntries(from: string, to: string): Promise<DiffEntry[]> {
    const range = [from, to];
    const raw = splitZ(
      (
        await this.run([
          'diff',
          '--no-renames',
          '--no-ext-diff',
          '--raw',
          '-z',
          '--abbrev=40',
          ...range,
        ])
      ).stdout,
    );
    const numstat = splitZ(
      (
        await this.run([
          'diff',
          '--no-renames',
          '--no-ext-diff',
          '--numstat',
          '-z',
          ...range,
        ])
      ).stdout,
    );
    const counts = new Map<string, { add: string; del: string }>();
    for (const line of numstat) {
      const [add, del, ...rest] = line.split('\t');
      counts.set(rest.join('\t'), { add, del });
    }
    const entries: DiffEntry[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const [oldMode, newMode, oldSha, newSha, letter] = raw[i]
        .replace(/^:/, '')
        .split(' ');
      const path = raw[i + 1];
      const count = counts.get(path) ?? { add: '0', del: '0' };
      const binary = count.add === '-';
      const status = DIFF_STATUS[letter] ?? 'changed';
      entries.push({
        status,
        path,
        oldMode,
        newMode,
        oldSha,
        newSha,
        additions: binary ? 0 : Number(count.add),
        deletions: binary ? 0 : Number(count.del),
        binary,
      });
    }
    return entries;
  }

  /** Unified diff from `from` to `to`, optionally of one path. */
  async diffPatch(from: string, to: string, path?: string): Promise<string> {
    const args = [
      'diff',
      '--no-renames',
      '--no-ext-diff',
      '--no-textconv',
      '--no-color',
      from,
      to,
    ];
    if (path !== undefined) args.push('--', path);
    return (await this.run(args)).stdout.toString('utf8');
  }

  /** `git archive` of a commit with one top-level folder `prefix/`. */
  async archive(
    commit: string,
    format: 'tar.gz' | 'zip',
    prefix: string,
  ): Promise<Buffer> {
    return (
      await this.run([
        'archive',
        `--format=${format}`,
        `--prefix=${prefix}/`,
        commit,
      ])
    ).stdout;
  }
}

const SEED_IDENTITY = {
  name: 'GitHub Simulator',
  email: 'github-simulator@users.noreply.localhost',
};

/**
 * Makes a bare repository at `bareDir` with one commit on `main` holding the files of
 * `dir` (honouring its .gitignore files). `bareDir` must not exist or be empty.
 * Returns the commit SHA.
 */
export async function createBareRepoFrom(
  dir: string,
  bareDir: string,
  options: { branch?: string; message?: string } = {},
): Promise<{ commit: string }> {
  const branch = options.branch ?? 'main';
  if (!(await stat(dir)).isDirectory()) {
    throw new Error(`${dir} is not a directory`);
  }
  const existing = await readdir(bareDir).catch(() => [] as string[]);
  if (existing.length) {
    throw new Error(`${bareDir} exists and is not empty`);
  }
  await runGit([
    'init',
    '--quiet',
    '--bare',
    `--initial-branch=${branch}`,
    bareDir,
  ]);
  const repo = new GitRepo(bareDir);
  const tmp = await mkdtemp(join(tmpdir(), 'github-simulator-seed-'));
  try {
    const env = { GIT_INDEX_FILE: join(tmp, 'index') };
    await runGit(
      ['--git-dir', bareDir, '--work-tree', dir, 'add', '--all', '--', '.'],
      { env, cwd: dir },
    );
    const tree = (await repo.run(['write-tree'], { env })).stdout
      .toString('utf8')
      .trim();
    const commit = await repo.commitTree({
      tree,
      parents: [],
      message: `${options.message ?? 'Initial commit'}\n`,
      author: SEED_IDENTITY,
      committer: SEED_IDENTITY,
    });
    if (!(await repo.updateRef(`refs/heads/${branch}`, commit, ''))) {
      throw new Error(`could not create refs/heads/${branch} in ${bareDir}`);
    }
    await repo.run(['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    return { commit };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
