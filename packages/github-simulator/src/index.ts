/**
 * Demo and test stand-in for GitHub: the REST API (v3) and the slice of the GraphQL API
 * that Backstage's GithubUrlReader and publish:github:pull-request use, over one bare
 * git repository on disk, plus plain web pages for pull requests. Dev/test only; never
 * deployed and never a dependency of a plugin.
 *
 * @packageDocumentation
 */
export { startGithubSimulator } from './server';
export type { GithubSimulator, GithubSimulatorOptions } from './server';
export type { SimulatorUser } from './context';
export { createBareRepoFrom } from './git';
export { PULLS_FILE } from './pullStore';
export type { PullRecord } from './pullStore';
