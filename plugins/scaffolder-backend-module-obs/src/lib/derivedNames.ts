import { InputError } from '@backstage/errors';
import { clusterLogIndexPrefix } from '@fleetobs/plugin-observability-common';
import { ObsSettings } from './settings';

/**
 * What onboarding fills in from the cluster name and `observability.scaffolder.*` when the
 * template leaves it empty, following the example GitOps repository's names:
 * - the cluster's local Thanos Query behind its Gateway: `thanos-query.<cluster>.<domain>`
 *   (as `globalQuery.stores` of values.ops-01.yaml lists the seed clusters);
 * - its Thanos bucket, one per cluster (seed §0.2, §8): `[<bucketPrefix>-]thanos-<cluster>`;
 * - its Filebeat rollover alias: `logs-<cluster>` (seed §3.4, `logs-<cluster>-*`);
 * - the shared endpoints in ops, when no sibling names them: `logs-ingest.<domain>:443`
 *   (seed §0.4) and `https://elasticsearch.<domain>:443` for the Jaeger collectors.
 */
export function derivedNames(
  cluster: string,
  naming: ObsSettings['naming'],
): {
  localQueryHost: string;
  bucket: string;
  indexPrefix: string;
  shippingEndpoint: string;
  elasticsearchUrl: string;
} {
  const domain = naming.clusterDomain;
  return {
    localQueryHost: `thanos-query.${cluster}.${domain}`,
    bucket: `${
      naming.bucketPrefix ? `${naming.bucketPrefix}-` : ''
    }thanos-${cluster}`,
    indexPrefix: clusterLogIndexPrefix(cluster),
    shippingEndpoint: `logs-ingest.${domain}:443`,
    elasticsearchUrl: `https://elasticsearch.${domain}:443`,
  };
}

/**
 * Whether `host` names `cluster`: the name appears between label or word boundaries
 * (`thanos-query.prod-07.example.com`, `prod-07-query.example.com`), not inside
 * another name (`prod-071.example.com`).
 */
export function hostNamesCluster(host: string, cluster: string): boolean {
  const h = host.toLowerCase();
  let from = 0;
  for (;;) {
    const at = h.indexOf(cluster, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : h[at - 1];
    const after = h[at + cluster.length] ?? '';
    if (/^[.-]?$/.test(before) && /^[.-]?$/.test(after)) return true;
    from = at + 1;
  }
}

/** The template parameter (and action input) that lets a host without the cluster name through. */
export const ALLOW_FOREIGN_HOSTS = 'allowHostsWithoutClusterName';

/**
 * Refuses hosts that do not name the cluster, unless `allowed`: a default or a copy from
 * another cluster's onboarding would register the wrong store with the Global Query.
 */
export function checkHostsNameCluster(
  field: string,
  hosts: readonly string[],
  cluster: string,
  allowed: boolean | undefined,
): void {
  if (allowed) return;
  const foreign = hosts.filter(h => !hostNamesCluster(h, cluster));
  if (foreign.length) {
    throw new InputError(
      `${field}: ${foreign
        .map(h => `"${h}"`)
        .join(
          ', ',
        )} does not contain the cluster name ${cluster}; leave it empty to use thanos-query.${cluster}.<observability.scaffolder.clusterDomain>, or set ${ALLOW_FOREIGN_HOSTS}: true if this host really serves ${cluster}`,
    );
  }
}
