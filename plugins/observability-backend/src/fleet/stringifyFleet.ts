import {
  CheckSummary,
  ClusterHealth,
  FleetHealth,
} from '@fleetobs/plugin-observability-common';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Clusters serialized between two turns of the event loop (a few ms at most). */
export const CLUSTERS_PER_SLICE = 100;

/**
 * `JSON.stringify(fleet)`, byte for byte, with `mapClusters` applied to the clusters,
 * which are mapped and serialized a slice at a time with the event loop let run in
 * between: 4,000 clusters are tens of megabytes of JSON, a second of CPU that must not
 * stall every other request.
 */
export async function stringifyFleet<C extends CheckSummary, D>(
  fleet: FleetHealth<C>,
  mapClusters: (clusters: Array<ClusterHealth<C>>) => D[] = c =>
    c as unknown as D[],
): Promise<string> {
  // The fleet without its clusters, a marker where they go (a random one: no cluster
  // text can contain it, so the first occurrence is the marker).
  const marker = JSON.stringify(`clusters-${randomUUID()}`);
  const frame = JSON.stringify({ ...fleet, clusters: JSON.parse(marker) });
  const at = frame.indexOf(marker);
  const parts = [frame.slice(0, at), '['];
  const { clusters } = fleet;
  for (let i = 0; i < clusters.length; i += CLUSTERS_PER_SLICE) {
    if (i > 0) {
      await nextTurn();
      parts.push(',');
    }
    const text = JSON.stringify(
      mapClusters(clusters.slice(i, i + CLUSTERS_PER_SLICE)),
    );
    parts.push(text.slice(1, -1));
  }
  parts.push(']', frame.slice(at + marker.length));
  return parts.join('');
}
