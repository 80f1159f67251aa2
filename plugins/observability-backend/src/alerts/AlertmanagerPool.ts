import type { AlertmanagerOptions } from '../config';
import { isValidClusterName } from '../lib/clusters';
import type { AlertmanagerClient } from '../upstream/AlertmanagerClient';

/** One Alertmanager and the clusters (of a request) it serves. */
export interface AlertmanagerTarget {
  /** Its base URL (config only), for links to its UI. */
  url: string;
  client: AlertmanagerClient;
  clusters: string[];
  /**
   * Whether it is the one Alertmanager of several clusters (`url`): its alerts are
   * told apart by the cluster label; otherwise all its alerts are its cluster's.
   */
  shared: boolean;
}

/** The Alertmanagers of the fleet: one for all clusters, or one per cluster. */
export interface AlertmanagerPool {
  /** The clusters grouped by Alertmanager; `missing`: clusters with none configured. */
  targets(clusters: readonly string[]): {
    targets: AlertmanagerTarget[];
    missing: string[];
  };
  /** The Alertmanager of one cluster. */
  forCluster(cluster: string): AlertmanagerTarget | undefined;
}

/**
 * The Alertmanager URL of a cluster: its `clusters` entry, else the template with
 * `{cluster}` filled in, else the one `url`. Cluster names are checked first: they
 * come from the catalog and end up in a host name.
 */
export function alertmanagerUrlFor(
  options: Pick<AlertmanagerOptions, 'url' | 'urlTemplate' | 'clusterUrls'>,
  cluster: string,
): { url: string; shared: boolean } | undefined {
  if (!isValidClusterName(cluster)) return undefined;
  const own = options.clusterUrls?.[cluster];
  if (own) return { url: own, shared: false };
  if (options.urlTemplate) {
    return {
      url: options.urlTemplate.split('{cluster}').join(cluster),
      shared: false,
    };
  }
  return options.url ? { url: options.url, shared: true } : undefined;
}

/**
 * A pool over the configured Alertmanagers; `clientFor(url)` makes the client of one
 * URL (with the block's TLS and auth), called once per URL.
 */
export function createAlertmanagerPool(
  options: Pick<AlertmanagerOptions, 'url' | 'urlTemplate' | 'clusterUrls'>,
  clientFor: (url: string) => AlertmanagerClient,
): AlertmanagerPool {
  const clients = new Map<string, AlertmanagerClient>();
  const client = (url: string) => {
    let c = clients.get(url);
    if (!c) {
      c = clientFor(url);
      clients.set(url, c);
    }
    return c;
  };
  const forCluster = (cluster: string): AlertmanagerTarget | undefined => {
    const found = alertmanagerUrlFor(options, cluster);
    return (
      found && {
        url: found.url,
        client: client(found.url),
        clusters: [cluster],
        shared: found.shared,
      }
    );
  };
  return {
    forCluster,
    targets(clusters) {
      const byUrl = new Map<string, AlertmanagerTarget>();
      const missing: string[] = [];
      for (const cluster of clusters) {
        const target = forCluster(cluster);
        if (!target) {
          missing.push(cluster);
          continue;
        }
        const seen = byUrl.get(target.url);
        if (seen) {
          seen.clusters.push(cluster);
          // Two clusters on one Alertmanager: only the cluster label tells them apart.
          seen.shared = true;
        } else {
          byUrl.set(target.url, target);
        }
      }
      return { targets: [...byUrl.values()], missing };
    },
  };
}
