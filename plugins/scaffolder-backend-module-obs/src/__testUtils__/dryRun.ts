import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Server } from 'node:http';
import path from 'node:path';
import YAML from 'yaml';
import scaffolderModule from '../index';
import { GITOPS_SEED, listFiles } from './fixtures';

/** The repository's templates/ folder. */
export const TEMPLATES = path.resolve(__dirname, '../../../../templates');

/** A git repository at `dir` on branch main holding the demo GitOps seed. */
export function seedGitopsRepo(dir: string) {
  fs.cpSync(GITOPS_SEED, dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.com',
    'commit',
    '-q',
    '-m',
    'seed',
  );
}

/** The body of POST /api/scaffolder/v2/dry-run, as the template editor sends it. */
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
    values,
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

/** The files a dry run would write, as text by path. */
export const decode = (files: Array<{ path: string; base64Content: string }>) =>
  Object.fromEntries(
    files.map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );

/**
 * The scaffolder with the obs actions over the demo GitOps repository at `repo`:
 * certificates signed by `ca`, secrets sealed for `sealingCertificate` (declared fleet-wide,
 * as in the demo). Returns its
 * HTTP server (for the dry-run API).
 */
export async function startScaffolderWithObsActions(options: {
  repo: string;
  sealingCertificate: string;
  ca: { certificatePem: string; privateKeyPem: string };
}): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModule,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          observability: {
            gitops: {
              valuesPath: 'charts/app-of-apps',
              demoRepoPath: options.repo,
            },
            // Like the demo: one stand-in controller key pair for every cluster.
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
