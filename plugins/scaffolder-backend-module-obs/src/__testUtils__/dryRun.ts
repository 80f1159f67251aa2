import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Server } from 'node:http';
import path from 'node:path';
import YAML from 'yaml';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import {
  createBareRepoFrom,
  startGithubSimulator,
} from '@fleetobs/github-simulator';
import scaffolderModule from '../index';
import { GITOPS_SEED, listFiles } from './fixtures';

/** The repository's templates/ folder. */
export const TEMPLATES = path.resolve(__dirname, '../../../../templates');

/** The GitOps repository on a GitHub-compatible host, as the templates reach it. */
export interface GitHost {
  /** The bare repository behind the host. */
  repoDir: string;
  /** `observability.gitops.repoUrl`. */
  repoUrl: string;
  /** The `integrations.github` entry that serves it. */
  integration: { host: string; apiBaseUrl: string; token: string };
  /** Runs git in the bare repository and returns stdout. */
  git(...args: string[]): string;
  close(): Promise<void>;
}

/**
 * The demo GitOps seed as a bare repository at `dir` (branch main), served by the GitHub
 * stand-in of packages/github-simulator on a free port.
 */
export async function startGitHost(dir: string): Promise<GitHost> {
  await createBareRepoFrom(GITOPS_SEED, dir);
  const token = `test-${Math.random().toString(36).slice(2)}`;
  const host = await startGithubSimulator({
    repoDir: dir,
    owner: 'fleetobs',
    repo: 'gitops',
    tokens: [token],
    port: 0,
    host: '127.0.0.1',
  });
  const { host: hostPort } = new URL(host.url);
  return {
    repoDir: dir,
    repoUrl: `${host.url.replace(/\/$/, '')}/fleetobs/gitops`,
    integration: { host: hostPort, apiBaseUrl: host.apiBaseUrl, token },
    git: (...args) =>
      execFileSync('git', ['--git-dir', dir, ...args], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    close: () => host.close(),
  };
}

/**
 * The body of POST /api/scaffolder/v2/dry-run, as the template editor sends it: a secret
 * (`ui:field: Secret`) is in `secrets`, and its form value is asterisks of its length.
 */
export function dryRunBody(
  name: string,
  values: Record<string, unknown>,
  secrets: Record<string, string> = {},
) {
  const dir = path.join(TEMPLATES, name);
  return {
    template: YAML.parse(
      fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
    ),
    values: {
      ...values,
      ...Object.fromEntries(
        Object.entries(secrets).map(([k, v]) => [k, '*'.repeat(v.length)]),
      ),
    },
    secrets,
    directoryContents: listFiles(dir).map(f => ({
      path: f,
      base64Content: fs.readFileSync(path.join(dir, f)).toString('base64'),
    })),
  };
}

/** The error of a failed dry run (a step that threw), or none. */
export const failures = (body: any): string[] =>
  body.error ? [body.error.message] : [];

/** The inputs the dry run logged for a step (rendered, secrets redacted). */
export function loggedInputs(body: any, stepId: string): Record<string, any> {
  const marker = 'in dry-run mode with inputs (secrets redacted): ';
  const message = (body.log as Array<{ body: any }>)
    .map(l => l.body)
    .find(b => b.stepId === stepId && b.message?.includes(marker))?.message;
  if (!message) throw new Error(`no dry-run inputs logged for step ${stepId}`);
  return JSON.parse(message.slice(message.indexOf(marker) + marker.length));
}

/** The files a dry run would write, as text by path. */
export const decode = (files: Array<{ path: string; base64Content: string }>) =>
  Object.fromEntries(
    files.map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );

/**
 * The scaffolder with the obs actions and the GitHub actions over the GitOps repository of
 * `gitHost`: certificates signed by `ca`, secrets sealed for `sealingCertificate` (declared
 * fleet-wide, as config may). Returns its HTTP server (dry-run and task APIs).
 */
export async function startScaffolderWithObsActions(options: {
  gitHost: GitHost;
  sealingCertificate: string;
  ca: { certificatePem: string; privateKeyPem: string };
  /** Further `observability.*` config (naming, UI URLs, retention). */
  observability?: Record<string, unknown>;
  /** Further back-end features, e.g. a stand-in for the observability back end. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      ...(options.features ?? []),
      scaffolderPlugin,
      scaffolderModule,
      githubModule,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: { github: [options.gitHost.integration] },
          observability: {
            ...options.observability,
            gitops: {
              repoUrl: options.gitHost.repoUrl,
              valuesPath: 'charts/app-of-apps',
            },
            sealedSecrets: {
              certificate: options.sealingCertificate,
              fleetWide: true,
            },
            pki: {
              ca: {
                certificate: options.ca.certificatePem,
                privateKey: options.ca.privateKeyPem,
              },
              issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer' },
            },
          },
        },
      }),
    ],
  });
  return server;
}
