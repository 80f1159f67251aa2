import { GitRepo } from './git';
import { PullStore } from './pullStore';
import { WriteQueue } from './queue';

/** The authenticated user every configured token stands for. */
export interface SimulatorUser {
  login: string;
  name: string;
  email: string;
}

/** What every handler works with: the one repository and where it is served. */
export interface SimContext {
  owner: string;
  repo: string;
  git: GitRepo;
  pulls: PullStore;
  queue: WriteQueue;
  user: SimulatorUser;
  /** Base of the web pages, e.g. `http://127.0.0.1:7012` (no trailing slash). */
  webBaseUrl: string;
  /** `${webBaseUrl}/api/v3` */
  apiBaseUrl: string;
  startedAt: Date;
}

/** `${apiBaseUrl}/repos/{owner}/{repo}` */
export const repoApiUrl = (ctx: SimContext) =>
  `${ctx.apiBaseUrl}/repos/${ctx.owner}/${ctx.repo}`;

/** `${webBaseUrl}/{owner}/{repo}` */
export const repoWebUrl = (ctx: SimContext) =>
  `${ctx.webBaseUrl}/${ctx.owner}/${ctx.repo}`;

/** Encodes each segment of a slash-separated path for a URL. */
export const encodePath = (path: string) =>
  path.split('/').map(encodeURIComponent).join('/');
