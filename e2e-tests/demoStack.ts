import { APIRequestContext, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API } from './demoUsers';

// The demo's stand-ins (scripts/start-demo.sh): the fleet simulator (:7011) and the
// GitHub simulator (:7012) over the bare repository .demo/gitops.git.

export const SIMULATOR = 'http://localhost:7011';
export const GITHUB_API = 'http://localhost:7012/api/v3/repos/fleetobs/gitops';
const GITOPS_GIT_DIR = join(__dirname, '../.demo/gitops.git');

/** Replaces every fault of the fleet simulator (`{}` clears them). */
export async function setFaults(faults: object) {
  const res = await fetch(`${SIMULATOR}/__admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(res.ok, await res.text()).toBe(true);
}

/** The demo's token for the GitHub stand-in (made by scripts/start-demo.sh). */
export const githubToken = () =>
  readFileSync(join(__dirname, '../.demo/github-token'), 'utf8').trim();

/** A request to the GitHub stand-in's REST API for the demo GitOps repository. */
export async function github(
  request: APIRequestContext,
  path: string,
  options: { method?: 'GET' | 'PATCH'; data?: object; raw?: boolean } = {},
) {
  return request.fetch(`${GITHUB_API}/${path}`, {
    method: options.method ?? 'GET',
    data: options.data,
    headers: {
      authorization: `token ${githubToken()}`,
      ...(options.raw ? { accept: 'application/vnd.github.v3.raw' } : {}),
    },
  });
}

/**
 * Closes the open pull requests of `branch` and deletes it, so that a kept demo can
 * run a test that opens it again. The stand-in has no API to delete a branch; its
 * branches are the bare repository's, so git deletes it there.
 */
export async function removeBranch(request: APIRequestContext, branch: string) {
  const pulls = await github(request, `pulls?state=open&per_page=100`);
  expect(pulls.ok()).toBeTruthy();
  for (const pr of (await pulls.json()) as Array<{
    number: number;
    head: { ref: string };
  }>) {
    if (pr.head.ref !== branch) continue;
    const closed = await github(request, `pulls/${pr.number}`, {
      method: 'PATCH',
      data: { state: 'closed' },
    });
    expect(closed.ok()).toBeTruthy();
  }
  const exists = await github(request, `branches/${branch}`);
  if (exists.status() === 404) return;
  execFileSync('git', ['--git-dir', GITOPS_GIT_DIR, 'branch', '-D', branch]);
}

/** The Backstage token of a guest, as the guest sign-in gets it. */
export async function guestToken(request: APIRequestContext): Promise<string> {
  const res = await request.get(`${API}/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(res.ok()).toBeTruthy();
  return (await res.json()).backstageIdentity.token as string;
}
