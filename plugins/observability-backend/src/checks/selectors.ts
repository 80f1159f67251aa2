import { promString } from './promql';

/** Regexes on `job` that find the Thanos components' scrape targets. */
export interface JobSelectors {
  prometheus: string;
  sidecar: string;
  compactor: string;
  storeGateway: string;
}

export const DEFAULT_JOBS: JobSelectors = {
  prometheus: '.*prometheus.*',
  sidecar: '.*sidecar.*',
  compactor: '.*compact.*',
  storeGateway: '.*store.*',
};

/** `{job=~"..."}` with the regex escaped as a PromQL string. */
export function jobMatcher(regex: string): string {
  return `{job=~${promString(regex)}}`;
}
