import type { UpstreamRequest } from './defineCheck';
import type { ArgoCdInstanceAnswer } from '../upstream/ArgoCdClient';

// Its own module, importing no value: the check modules use it at load time, and
// ./result (imported by ./argocdShared) loads the registry, which loads them.

/**
 * The round's Argo CD answers: one request per Argo CD, shared by the three checks.
 * Without Argo CD in config the answer says so and the checks place no result: the
 * `gitops` signal then has no checks and does not count in a cluster's status.
 */
export const argocdApplicationsRequest: UpstreamRequest<ArgoCdRoundAnswer> = {
  key: 'argocd:applications',
  upstream: 'argocd',
  async send(clients, env) {
    const argocd = clients.argocd;
    if (!argocd) {
      return { configured: false, answers: [], clusterLabel: '', selector: '' };
    }
    return {
      configured: true,
      answers: await argocd.applications(env.clusters.map(c => c.name)),
      clusterLabel: argocd.clusterLabel,
      selector: argocd.selector,
    };
  },
};

export interface ArgoCdRoundAnswer {
  /** Whether `observability.argocd` is configured at all. */
  configured: boolean;
  answers: ArgoCdInstanceAnswer[];
  clusterLabel: string;
  selector: string;
}
