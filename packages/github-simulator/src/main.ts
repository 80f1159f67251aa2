/* eslint-disable no-console */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createBareRepoFrom } from './git';
import { startGithubSimulator } from './server';

/**
 * `yarn workspace @fleetobs/github-simulator start`
 *
 * Env: GITHUB_SIMULATOR_REPO (bare repository, required), GITHUB_SIMULATOR_TOKEN
 * (required), GITHUB_SIMULATOR_PORT (default 7012), GITHUB_SIMULATOR_HOST (default
 * 127.0.0.1), GITHUB_SIMULATOR_OWNER / GITHUB_SIMULATOR_REPO_NAME (default
 * fleetobs / gitops), GITHUB_SIMULATOR_WEB_BASE_URL (default the listening address),
 * GITHUB_SIMULATOR_SEED_DIR (a folder: when GITHUB_SIMULATOR_REPO does not exist yet,
 * it is created from this folder with one commit on main).
 */
async function main() {
  const repoDir = process.env.GITHUB_SIMULATOR_REPO;
  const token = process.env.GITHUB_SIMULATOR_TOKEN;
  if (!repoDir || !token) {
    throw new Error(
      'Set GITHUB_SIMULATOR_REPO (path of a bare git repository) and GITHUB_SIMULATOR_TOKEN',
    );
  }
  const seedDir = process.env.GITHUB_SIMULATOR_SEED_DIR;
  if (seedDir && !existsSync(resolve(repoDir, 'HEAD'))) {
    const { commit } = await createBareRepoFrom(
      resolve(seedDir),
      resolve(repoDir),
    );
    console.log(`created ${repoDir} from ${seedDir} (main at ${commit})`);
  }
  const owner = process.env.GITHUB_SIMULATOR_OWNER ?? 'fleetobs';
  const repo = process.env.GITHUB_SIMULATOR_REPO_NAME ?? 'gitops';
  const simulator = await startGithubSimulator({
    repoDir: resolve(repoDir),
    owner,
    repo,
    tokens: [token],
    port: Number(process.env.GITHUB_SIMULATOR_PORT ?? 7012),
    host: process.env.GITHUB_SIMULATOR_HOST ?? '127.0.0.1',
    webBaseUrl: process.env.GITHUB_SIMULATOR_WEB_BASE_URL,
  });
  const web = simulator.webBaseUrl;
  const host = new URL(web).host;
  console.log(
    `GitHub simulator serving ${owner}/${repo} (${repoDir}) on ${web}`,
  );
  console.log(
    '(answers use the host a client calls: localhost and 127.0.0.1 both work)',
  );
  console.log('');
  console.log('app-config.yaml:');
  console.log('  integrations:');
  console.log('    github:');
  console.log(`      - host: ${host}`);
  console.log(`        apiBaseUrl: ${simulator.apiBaseUrl}`);
  console.log('        token: ${GITHUB_SIMULATOR_TOKEN}');
  console.log('');
  console.log(`pull requests: ${web}/${owner}/${repo}/pulls`);
  console.log('merge one (N = its number):');
  console.log(
    `  curl -X PUT -H "Authorization: token $GITHUB_SIMULATOR_TOKEN" ${simulator.apiBaseUrl}/repos/${owner}/${repo}/pulls/N/merge`,
  );
  const stop = async () => {
    await simulator.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
