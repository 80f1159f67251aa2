import { InputError } from '@backstage/errors';
import { execFile, ExecFileException } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_GIT_TIMEOUT_MS, GIT_TIMEOUT_KEY } from './settings';

/** The error of a git command: its stderr, or that it was killed at the timeout. */
function gitError(
  args: string[],
  error: ExecFileException,
  stderr: Buffer,
  timeoutMs: number,
): Error {
  // execFile stops the child at `timeout` (SIGTERM: git removes its lock files) and
  // says so in `killed`.
  if (error.killed && error.signal) {
    return new Error(
      `git ${args[0]} timed out after ${timeoutMs} ms and was stopped (${GIT_TIMEOUT_KEY})`,
    );
  }
  return new Error(
    `git ${args[0]} failed: ${stderr.toString('utf8').trim() || error.message}`,
  );
}

/**
 * Runs git (no shell) and returns stdout; stderr goes into the error. A command that
 * runs longer than `timeoutMs` (default 2 minutes) is killed and fails.
 */
export function git(
  args: string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    input?: string;
    timeoutMs?: number;
  } = {
    cwd: '.',
  },
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_CONFIG_NOSYSTEM: '1',
          ...options.env,
        },
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'buffer',
        timeout: timeoutMs,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(gitError(args, error, stderr, timeoutMs));
        } else {
          resolve(stdout.toString('utf8'));
        }
      },
    );
    if (options.input !== undefined) {
      child.stdin?.end(options.input);
    }
  });
}

/** Runs git and returns stdout as raw bytes (for blobs); killed after `timeoutMs`. */
export function gitBuffer(
  args: string[],
  cwd: string,
  options: { timeoutMs?: number } = {},
): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
        timeout: timeoutMs,
      },
      (error, stdout, stderr) =>
        error
          ? reject(gitError(args, error, stderr, timeoutMs))
          : resolve(stdout),
    );
  });
}

/**
 * Resolves the configured demo repository (absolute, or relative to the backend's working
 * directory) and checks that it is a git work tree.
 */
export async function resolveDemoRepo(
  configured: string | undefined,
): Promise<string> {
  if (!configured) {
    throw new InputError(
      'observability.gitops.demoRepoPath: not configured (the obs:gitops:local-* actions are for the demo only)',
    );
  }
  const repo = path.resolve(process.cwd(), configured);
  try {
    await fs.access(path.join(repo, '.git'));
  } catch {
    throw new InputError(
      `observability.gitops.demoRepoPath: ${repo} is not a git repository (run the start script that creates it)`,
    );
  }
  return repo;
}

/** The branch HEAD points to (the default branch of the demo repo). */
export async function defaultBranch(repo: string): Promise<string> {
  return (await git(['symbolic-ref', '--short', 'HEAD'], { cwd: repo })).trim();
}

/** Checks a branch name with git's own rules. */
export async function checkBranchName(
  repo: string,
  branch: string,
  field: string,
): Promise<void> {
  try {
    await git(['check-ref-format', '--branch', branch], { cwd: repo });
  } catch {
    throw new InputError(`${field}: "${branch}" is not a valid branch name`);
  }
}
