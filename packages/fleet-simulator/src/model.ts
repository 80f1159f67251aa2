/** Failure modes of the platform design that can be injected per cluster. */
export const CLUSTER_FAULTS = [
  'sidecar-down',
  'compactor-halted',
  'store-gateway-down',
  'gateway-down',
  'es-yellow',
  'es-red',
  'hot-node-pressure',
  'ilm-error',
  'collector-down',
  'cert-near-expiry',
  // extras, handy for demos
  'replica-down',
  'query-unreachable',
  // the cluster's own Alertmanager (`/alertmanager/<cluster>`) answers 503 / too late
  'alertmanager-down',
  'alertmanager-slow',
] as const;

export type ClusterFault = (typeof CLUSTER_FAULTS)[number];

export type UpstreamName =
  | 'thanos'
  | 'elasticsearch'
  | 'jaeger'
  | 'alertmanager';
export const UPSTREAMS: UpstreamName[] = [
  'thanos',
  'elasticsearch',
  'jaeger',
  'alertmanager',
];

/** Transport faults of one upstream. */
export interface TransportFault {
  /** Delay every answer by this many milliseconds. */
  slowMs?: number;
  /** Answer every request with this 5xx status. */
  status?: number;
  /** Answer 200 with a truncated JSON body. */
  badJson?: boolean;
}

export interface Faults {
  clusters?: Record<string, ClusterFault[]>;
  upstreams?: Partial<Record<UpstreamName, TransportFault>>;
}

export interface SimCluster {
  name: string;
  environment: string;
  index: number;
}

/** The four demo clusters of the platform design. */
export const DEMO_CLUSTERS: Array<{ name: string; environment: string }> = [
  { name: 'dev-01', environment: 'dev' },
  { name: 'stag-01', environment: 'stag' },
  { name: 'prod-01', environment: 'prod' },
  { name: 'ops-01', environment: 'ops' },
];

/** Demo services (they run in the dev, stag and prod clusters). */
export const SERVICES = [
  'checkout',
  'payments-api',
  'cart',
  'web-frontend',
] as const;
export type ServiceName = (typeof SERVICES)[number];

const ENVIRONMENTS = ['dev', 'stag', 'prod'];

/** Builds the cluster list: a count (demo clusters first, then `edge-NNN`) or names. */
export function buildClusters(
  clusters:
    | number
    | string[]
    | Array<{ name: string; environment?: string }>
    | undefined,
): SimCluster[] {
  let list: Array<{ name: string; environment?: string }> = DEMO_CLUSTERS;
  if (typeof clusters === 'number') {
    list = Array.from({ length: clusters }, (_, i) =>
      i < DEMO_CLUSTERS.length
        ? DEMO_CLUSTERS[i]
        : {
            name: `edge-${String(i + 1).padStart(3, '0')}`,
            environment: ENVIRONMENTS[i % 3],
          },
    );
  } else if (clusters !== undefined) {
    list = clusters.map(c => (typeof c === 'string' ? { name: c } : c));
  }
  return list.map((c, index) => ({
    name: c.name,
    environment: c.environment ?? guessEnvironment(c.name),
    index,
  }));
}

function guessEnvironment(name: string): string {
  const prefix = name.split('-')[0];
  if (['dev', 'stag', 'prod', 'ops'].includes(prefix)) return prefix;
  if (prefix === 'staging') return 'stag';
  return 'dev';
}

/** FNV-1a 32-bit: deterministic pseudo-randomness from strings. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A stable fraction in [0, 1) for a key. */
export function unit(key: string): number {
  return hash(key) / 0x100000000;
}

/** Smoothly varying factor around 1 (daily and 10-minute waves). */
export function wave(key: string, tMs: number, amplitude = 0.2): number {
  const phase = unit(key) * 2 * Math.PI;
  const t = tMs / 1000;
  return (
    1 +
    amplitude * Math.sin((2 * Math.PI * t) / 86400 + phase) +
    (amplitude / 2) * Math.sin((2 * Math.PI * t) / 600 + phase * 3)
  );
}

/** Faults are simulated as having started this long before they were injected. */
export const FAULT_BACKDATE_MS = 3600_000;

/** State shared by the upstream handlers. */
export class FleetModel {
  readonly clusters: SimCluster[];
  private readonly byName: Map<string, SimCluster>;
  private clusterFaults = new Map<string, Map<ClusterFault, number>>();
  upstreamFaults: Partial<Record<UpstreamName, TransportFault>> = {};
  /** Changes whenever faults change (cache key of generated documents). */
  version = 0;
  /** When the simulator started (counters start here). */
  readonly startedAt: number;

  constructor(clusters: SimCluster[], readonly clock: () => number = Date.now) {
    this.clusters = clusters;
    this.byName = new Map(clusters.map(c => [c.name, c]));
    this.startedAt = clock() - 6 * 3600_000;
  }

  now(): number {
    return this.clock();
  }

  cluster(name: string): SimCluster | undefined {
    return this.byName.get(name);
  }

  /** Clusters where the demo services run: dev-01, stag-01, prod-01 (or the first three non-ops clusters). */
  serviceClusters(): SimCluster[] {
    if (!this.serviceClusterList) {
      const demo = this.clusters.filter(c =>
        ['dev-01', 'stag-01', 'prod-01'].includes(c.name),
      );
      this.serviceClusterList =
        demo.length > 0
          ? demo
          : this.clusters.filter(c => c.environment !== 'ops').slice(0, 3);
    }
    return this.serviceClusterList;
  }

  private serviceClusterList?: SimCluster[];

  /** Since when (ms) a fault is active in a cluster, or undefined. */
  faultSince(cluster: string, fault: ClusterFault): number | undefined {
    return this.clusterFaults.get(cluster)?.get(fault);
  }

  has(cluster: string, fault: ClusterFault): boolean {
    return this.faultSince(cluster, fault) !== undefined;
  }

  /** Any cluster has the fault (for ES-wide faults). */
  anyHas(fault: ClusterFault): boolean {
    for (const faults of this.clusterFaults.values()) {
      if (faults.has(fault)) return true;
    }
    return false;
  }

  getFaults(): Required<Faults> {
    const clusters: Record<string, ClusterFault[]> = {};
    for (const [name, faults] of this.clusterFaults) {
      if (faults.size > 0) clusters[name] = [...faults.keys()];
    }
    return { clusters, upstreams: { ...this.upstreamFaults } };
  }

  /** Replaces all faults; throws a message for bad input. */
  setFaults(faults: Faults): void {
    const validated = validateFaults(faults, this);
    const next = new Map<string, Map<ClusterFault, number>>();
    const injectedAt = this.now() - FAULT_BACKDATE_MS;
    for (const [cluster, list] of Object.entries(validated.clusters ?? {})) {
      const previous = this.clusterFaults.get(cluster);
      next.set(
        cluster,
        new Map(list.map(f => [f, previous?.get(f) ?? injectedAt])),
      );
    }
    this.clusterFaults = next;
    this.upstreamFaults = validated.upstreams ?? {};
    this.version += 1;
  }
}

export class BadRequest extends Error {}

function validateFaults(input: unknown, model: FleetModel): Faults {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new BadRequest('faults must be an object {clusters?, upstreams?}');
  }
  const { clusters = {}, upstreams = {} } = input as Faults;
  if (typeof clusters !== 'object' || Array.isArray(clusters)) {
    throw new BadRequest('clusters must map cluster names to fault lists');
  }
  for (const [name, list] of Object.entries(clusters)) {
    if (!model.cluster(name)) throw new BadRequest(`unknown cluster "${name}"`);
    if (!Array.isArray(list)) {
      throw new BadRequest(`faults of ${name} must be a list`);
    }
    for (const fault of list) {
      if (!CLUSTER_FAULTS.includes(fault)) {
        throw new BadRequest(
          `unknown fault "${fault}" (one of ${CLUSTER_FAULTS.join(', ')})`,
        );
      }
    }
  }
  if (typeof upstreams !== 'object' || Array.isArray(upstreams)) {
    throw new BadRequest(
      'upstreams must map upstream names to transport faults',
    );
  }
  for (const [name, fault] of Object.entries(upstreams)) {
    if (!UPSTREAMS.includes(name as UpstreamName)) {
      throw new BadRequest(
        `unknown upstream "${name}" (one of ${UPSTREAMS.join(', ')})`,
      );
    }
    const f = fault as TransportFault;
    if (
      f.slowMs !== undefined &&
      !(Number.isFinite(f.slowMs) && f.slowMs >= 0)
    ) {
      throw new BadRequest(`${name}.slowMs must be a non-negative number`);
    }
    if (
      f.status !== undefined &&
      !(Number.isInteger(f.status) && f.status >= 500 && f.status <= 599)
    ) {
      throw new BadRequest(`${name}.status must be a 5xx status`);
    }
  }
  return { clusters, upstreams };
}
