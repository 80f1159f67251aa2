import { mapInTurns } from '../lib/mapInTurns';
import { describeError } from '../upstream/UpstreamError';
import type { AlertmanagerClient } from '../upstream/AlertmanagerClient';
import type { UpstreamClients } from '../upstream/createUpstreamClients';
import type { Answer } from '../checks/types';
import {
  AlertmanagerPool,
  AlertmanagerTarget,
  createAlertmanagerPool,
} from './AlertmanagerPool';

/** One Alertmanager's answer, for the clusters it serves. */
export interface AlertmanagerAnswer<T> {
  clusters: string[];
  /** Unset for clusters without an Alertmanager in config. */
  target?: AlertmanagerTarget;
  answer: Answer<T>;
}

/**
 * The Alertmanagers of the clients: the pool, or (clients made by hand, as in tests)
 * the one `alertmanager` client for every cluster.
 */
export function alertmanagerPoolOf(
  clients: UpstreamClients,
): AlertmanagerPool | undefined {
  if (clients.alertmanagers) return clients.alertmanagers;
  const one = clients.alertmanager;
  return one && createAlertmanagerPool({ url: 'alertmanager:' }, () => one);
}

/**
 * Asks each Alertmanager of `clusters` once, all in parallel (started a slice per
 * turn of the event loop), each request with its client's own timeout: a down
 * Alertmanager fails only the clusters it serves.
 */
export async function askEachAlertmanager<T>(
  pool: AlertmanagerPool,
  clusters: readonly string[],
  ask: (client: AlertmanagerClient, target: AlertmanagerTarget) => Promise<T>,
): Promise<AlertmanagerAnswer<T>[]> {
  const { targets, missing } = pool.targets(clusters);
  const asked = await mapInTurns(
    targets,
    async (target): Promise<AlertmanagerAnswer<T>> => {
      try {
        const value = await ask(target.client, target);
        return {
          clusters: target.clusters,
          target,
          answer: { ok: true, value },
        };
      } catch (error) {
        return {
          clusters: target.clusters,
          target,
          answer: { ok: false, error: describeError(error) },
        };
      }
    },
  );
  const none: AlertmanagerAnswer<T>[] = missing.length
    ? [
        {
          clusters: missing,
          answer: {
            ok: false,
            error:
              'no Alertmanager configured for the cluster (observability.alertmanager: url, urlTemplate or clusters)',
          },
        },
      ]
    : [];
  return [...asked, ...none];
}
