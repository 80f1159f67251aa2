import { Config } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The configuration the portal's image runs with: app-config.yaml +
// app-config.production.yaml merged by Backstage's own config loader, with the
// environment of deploy/check-config.sh (dummy values, dummy PEM files for the
// `$file` includes).

/** The repository root. */
export const ROOT = resolve(__dirname, '../../../..');

/** The environment of deploy/check-config.sh. */
export const PRODUCTION_ENV: Record<string, string> = {
  APP_BASE_URL: 'https://portal.example.com',
  POSTGRES_HOST: 'postgres.example.internal',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'dummy',
  REDIS_URL: 'redis://redis.example.internal:6379',
  AUTH_GITHUB_CLIENT_ID: 'dummy',
  AUTH_GITHUB_CLIENT_SECRET: 'dummy',
  GITHUB_TOKEN: 'dummy',
  GITHUB_ORG: 'example-org',
  GITOPS_REPO_URL: 'https://github.com/example-org/gitops',
  ELASTICSEARCH_API_KEY: 'ZHVtbXk6ZHVtbXk=',
};

const DUMMY_PEM =
  '-----BEGIN CERTIFICATE-----\nZHVtbXk=\n-----END CERTIFICATE-----\n';

/** The clusters whose controller certificates the production profile pins. */
export const PINNED_SEALING_CLUSTERS = [
  'dev-01',
  'stag-01',
  'prod-01',
  'ops-01',
];

/**
 * A folder of the files the production profile mounts (FLEETOBS_SECRETS_DIR): client
 * certificates of the upstreams and the pinned Sealed Secrets certificates, dummy unless
 * given.
 */
export function makeSecretsDir(
  sealingCertificates: Record<string, string> = {},
): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fleetobs-secrets-'));
  for (const upstream of [
    'thanos',
    'elasticsearch',
    'jaeger',
    'alertmanager',
  ]) {
    mkdirSync(join(dir, upstream));
    for (const file of ['ca.crt', 'tls.crt', 'tls.key']) {
      writeFileSync(join(dir, upstream, file), DUMMY_PEM);
    }
  }
  mkdirSync(join(dir, 'sealed-secrets'));
  for (const cluster of PINNED_SEALING_CLUSTERS) {
    writeFileSync(
      join(dir, 'sealed-secrets', `${cluster}.crt`),
      sealingCertificates[cluster] ?? DUMMY_PEM,
    );
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Config files of the repository merged as the back end merges them. */
export async function loadConfigFiles(
  files: string[],
  env: Record<string, string>,
): Promise<Config> {
  const source = ConfigSources.defaultForTargets({
    rootDir: ROOT,
    targets: files.map(file => ({ type: 'path', target: join(ROOT, file) })),
    substitutionFunc: async name => env[name],
    watch: false,
  });
  const config = await ConfigSources.toConfig(source);
  config.close();
  return config;
}
