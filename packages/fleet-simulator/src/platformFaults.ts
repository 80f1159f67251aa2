import {
  BadRequest,
  ClusterFault,
  FAULT_BACKDATE_MS,
  Faults,
  FleetModel,
  SimCluster,
} from './model';

// Failure modes of the platform-fidelity checks (issue 16), kept beside the model's
// own faults: `PUT /__admin/faults` takes them in the same `clusters` lists, and the
// shared platform parts under `platform`.

/** Faults of one cluster. */
export const PLATFORM_CLUSTER_FAULTS = [
  /** The Global Query lists the cluster's sidecars and store gateway, not its local Query. */
  'global-query-direct',
  /** The sidecars ship to the environment's bucket (`thanos-<env>`), not the cluster's. */
  'bucket-mismatch',
  /** Every bucket operation of the cluster's Thanos components fails (§8). */
  'bucket-outage',
  /** ElastAlert2 stopped running the cluster's rules. */
  'elastalert-stalled',
  /** The cluster's Prometheus loaded none of the platform's alert rule groups. */
  'rules-missing',
] as const;
export type PlatformClusterFault = (typeof PLATFORM_CLUSTER_FAULTS)[number];

/** Faults of the shared UIs. */
export const PLATFORM_FAULTS = [
  /** Kibana answers `/api/status` 503 with level `unavailable`. */
  'kibana-unavailable',
  /** Grafana answers `/api/health` 503 with `database: failing`. */
  'grafana-database-failing',
] as const;
export type PlatformFault = (typeof PLATFORM_FAULTS)[number];

/** Faults as the admin API and `startFleetSimulator` take them. */
export interface SimulatorFaults {
  clusters?: Record<string, Array<ClusterFault | PlatformClusterFault>>;
  upstreams?: Faults['upstreams'];
  platform?: PlatformFault[];
}

interface FaultBook {
  clusters: Map<string, Map<PlatformClusterFault, number>>;
  platform: Set<PlatformFault>;
}

const BOOKS = new WeakMap<FleetModel, FaultBook>();

function book(model: FleetModel): FaultBook {
  let found = BOOKS.get(model);
  if (!found) {
    found = { clusters: new Map(), platform: new Set() };
    BOOKS.set(model, found);
  }
  return found;
}

const isPlatformClusterFault = (f: unknown): f is PlatformClusterFault =>
  (PLATFORM_CLUSTER_FAULTS as readonly unknown[]).includes(f);

/**
 * Replaces all faults, the model's and these: the model validates its part (and the
 * cluster names), then these are set, each keeping its start if it was already on.
 */
export function setAllFaults(model: FleetModel, input: unknown): void {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    model.setFaults(input as Faults); // the model's own message
    return;
  }
  const { clusters, platform = [], ...rest } = input as SimulatorFaults;
  if (
    !Array.isArray(platform) ||
    platform.some(f => !(PLATFORM_FAULTS as readonly unknown[]).includes(f))
  ) {
    throw new BadRequest(
      `platform must be a list of ${PLATFORM_FAULTS.join(', ')}`,
    );
  }
  const core: Record<string, unknown> = {};
  const mine: Record<string, PlatformClusterFault[]> = {};
  const byCluster =
    clusters && typeof clusters === 'object' && !Array.isArray(clusters);
  for (const [name, list] of Object.entries(byCluster ? clusters : {})) {
    core[name] = Array.isArray(list)
      ? list.filter(f => !isPlatformClusterFault(f))
      : list;
    mine[name] = Array.isArray(list) ? list.filter(isPlatformClusterFault) : [];
  }
  model.setFaults({
    ...rest,
    clusters: (byCluster ? core : clusters) as Faults['clusters'],
  });
  const faults = book(model);
  const injectedAt = model.now() - FAULT_BACKDATE_MS;
  const next = new Map<string, Map<PlatformClusterFault, number>>();
  for (const [name, list] of Object.entries(mine)) {
    const previous = faults.clusters.get(name);
    next.set(name, new Map(list.map(f => [f, previous?.get(f) ?? injectedAt])));
  }
  faults.clusters = next;
  faults.platform = new Set(platform);
}

/** Every fault in force, as `setAllFaults` takes them. */
export function getAllFaults(model: FleetModel): Required<SimulatorFaults> {
  const { clusters, upstreams } = model.getFaults();
  const all: Record<string, Array<ClusterFault | PlatformClusterFault>> = {
    ...clusters,
  };
  for (const [name, faults] of book(model).clusters) {
    if (faults.size > 0) all[name] = [...(all[name] ?? []), ...faults.keys()];
  }
  return { clusters: all, upstreams, platform: [...book(model).platform] };
}

/** Since when (ms) a fault of this file is on in a cluster, or undefined. */
export function platformFaultSince(
  model: FleetModel,
  cluster: string,
  fault: PlatformClusterFault,
): number | undefined {
  return book(model).clusters.get(cluster)?.get(fault);
}

export function hasPlatformFault(
  model: FleetModel,
  fault: PlatformFault,
): boolean {
  return book(model).platform.has(fault);
}

/** The bucket a cluster's Thanos components use (§0.2: one per cluster). */
export function clusterBucket(model: FleetModel, cluster: SimCluster): string {
  return platformFaultSince(model, cluster.name, 'bucket-mismatch') !==
    undefined
    ? `thanos-${cluster.environment}`
    : `thanos-${cluster.name}`;
}
