/**
 * The subset of the Kubernetes API that `@backstage/plugin-kubernetes-backend` reads,
 * one API server per cluster under `/k8s/<cluster>`: list endpoints (all namespaces or
 * one namespace) with `labelSelector`, single objects, pod logs, and
 * `metrics.k8s.io/v1beta1` pod metrics. Wire shapes follow the real API server: a
 * `<Kind>List` with `apiVersion`, `metadata.resourceVersion` and `items` (items carry no
 * `kind`/`apiVersion`), `Status` objects for errors.
 *
 * The demo services run in the clusters where the rest of the simulator gives them
 * metrics, logs and traces (`FleetModel.serviceClusters()`), in namespace `shop`, as a
 * Deployment → ReplicaSet → Pods labelled `backstage.io/kubernetes-id=<service>`; the
 * first pod of each service carries the pod name its log documents in Elasticsearch have.
 */
import { NEW_CLUSTER_NAME } from './sealingController';
import { FleetModel, hash, SERVICES, SimCluster, unit, wave } from './model';

/** Label the Kubernetes plugin selects a service's objects by. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
/** Namespace of the demo services (as in their log documents). */
export const SERVICE_NAMESPACE = 'shop';

type Obj = Record<string, any>;

interface ResourceType {
  kind: string;
  /** `v1` or `<group>/<version>`. */
  apiVersion: string;
  namespaced: boolean;
}

/** Every resource type served; the ones the demo has nothing of answer empty lists. */
const RESOURCE_TYPES: Record<string, ResourceType> = {};
function served(apiVersion: string, plural: string, kind: string, ns = true) {
  RESOURCE_TYPES[`${apiVersion}/${plural}`] = {
    kind,
    apiVersion,
    namespaced: ns,
  };
}
served('v1', 'pods', 'Pod');
served('v1', 'services', 'Service');
served('v1', 'configmaps', 'ConfigMap');
served('v1', 'limitranges', 'LimitRange');
served('v1', 'resourcequotas', 'ResourceQuota');
served('v1', 'secrets', 'Secret');
served('v1', 'persistentvolumeclaims', 'PersistentVolumeClaim');
served('v1', 'persistentvolumes', 'PersistentVolume', false);
served('v1', 'events', 'Event');
served('v1', 'endpoints', 'Endpoints');
served('v1', 'namespaces', 'Namespace', false);
served('apps/v1', 'deployments', 'Deployment');
served('apps/v1', 'replicasets', 'ReplicaSet');
served('apps/v1', 'statefulsets', 'StatefulSet');
served('apps/v1', 'daemonsets', 'DaemonSet');
served('autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler');
served('autoscaling/v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler');
served('networking.k8s.io/v1', 'ingresses', 'Ingress');
served('batch/v1', 'jobs', 'Job');
served('batch/v1', 'cronjobs', 'CronJob');
served('metrics.k8s.io/v1beta1', 'pods', 'PodMetrics');

/** A Kubernetes API error, answered as a `Status` object. */
export class KubernetesError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly details: Obj = {},
  ) {
    super(message);
  }

  body(): Obj {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.status,
    };
  }
}

const notFound = (what = 'the server could not find the requested resource') =>
  new KubernetesError(404, 'NotFound', what);

// ---------------------------------------------------------------------------
// label selectors (equality- and set-based, as `kubectl -l`)

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a label selector; throws a 400 `Status` on syntax errors. */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const KEY = '([A-Za-z0-9][-A-Za-z0-9_./]*)';
  return parts
    .map(p => p.trim())
    .filter(Boolean)
    .map(part => {
      let m = new RegExp(`^${KEY}\\s*(==|=|!=)\\s*([-A-Za-z0-9_.]*)$`).exec(
        part,
      );
      if (m) {
        const [, key, op, value] = m;
        return op === '!='
          ? (l: Record<string, string>) => l[key] !== value
          : (l: Record<string, string>) => l[key] === value;
      }
      m = new RegExp(`^${KEY}\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(part);
      if (m) {
        const [, key, op, list] = m;
        const values = list.split(',').map(v => v.trim());
        return op === 'in'
          ? (l: Record<string, string>) => key in l && values.includes(l[key])
          : (l: Record<string, string>) => !values.includes(l[key]);
      }
      m = new RegExp(`^(!?)${KEY}$`).exec(part);
      if (m) {
        const [, not, key] = m;
        return not
          ? (l: Record<string, string>) => !(key in l)
          : (l: Record<string, string>) => key in l;
      }
      throw new KubernetesError(
        400,
        'BadRequest',
        `unable to parse requirement: found '${part}', expected: valid label selector`,
      );
    });
}

// ---------------------------------------------------------------------------
// the demo workloads

const HOUR_MS = 3600_000;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A stable RFC 4122-shaped uid for an object. */
export function uid(key: string): string {
  const h = (s: string) => hex(hash(`${key}/${s}`), 8);
  const a = h('a');
  const b = h('b');
  const c = h('c');
  const d = h('d');
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-a${c.slice(1, 4)}-${c.slice(
    4,
  )}${d}`;
}

/** The suffix of a service's first pod, as its log documents name it (`<template-hash>-<id>`). */
export function podSuffix(service: string, cluster: string): string {
  return `${(hash(service + cluster) % 0xfffffff).toString(36).slice(0, 9)}-${(
    hash(cluster + service) % 0xfffff
  )
    .toString(36)
    .slice(0, 5)}`;
}

const REPLICAS: Record<string, number> = { prod: 3, stag: 2, dev: 1 };
const VERSIONS: Record<string, string> = {
  dev: '1.9.0-rc.2',
  stag: '1.8.3',
  prod: '1.8.2',
};

interface ClusterObjects {
  /** `<apiVersion>/<plural>` → items. */
  lists: Map<string, Obj[]>;
  pods: Obj[];
}

const CACHE = new WeakMap<FleetModel, Map<string, ClusterObjects>>();

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace('.000', '');
}

/** What every object of one service in one cluster is made from. */
interface Workload {
  cluster: SimCluster;
  service: string;
  /** `<cluster>/<service>`: the seed of the objects' uids and varying values. */
  key: string;
  env: string;
  replicas: number;
  deployedAt: number;
  /** Of the ReplicaSet and the pods (the first pod's id is what its logs name). */
  templateHash: string;
  firstPodId: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  created: string;
  image: string;
  container: Obj;
  /** The next `metadata.resourceVersion` of the cluster (objects take them in order). */
  resourceVersion: () => string;
}

function workloadOf(
  cluster: SimCluster,
  service: string,
  deployedAt: number,
  resourceVersion: () => string,
): Workload {
  const env = cluster.environment;
  const version = VERSIONS[env] ?? '1.8.2';
  const key = `${cluster.name}/${service}`;
  const [templateHash, firstPodId] = podSuffix(service, cluster.name).split(
    '-',
  );
  const image = `registry.example.com/shop/${service}:${version}`;
  const port = service === 'web-frontend' ? 3000 : 8080;
  return {
    cluster,
    service,
    key,
    env,
    replicas: REPLICAS[env] ?? 1,
    deployedAt,
    templateHash,
    firstPodId,
    labels: {
      'app.kubernetes.io/name': service,
      'app.kubernetes.io/part-of': 'web-shop',
      'app.kubernetes.io/version': version,
      [KUBERNETES_ID_LABEL]: service,
    },
    selector: { 'app.kubernetes.io/name': service },
    created: iso(deployedAt + unit(`${key}/created`) * HOUR_MS),
    image,
    container: {
      name: service,
      image,
      ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
      env: [
        { name: 'CLUSTER', value: cluster.name },
        { name: 'ENVIRONMENT', value: env },
        { name: 'OTEL_SERVICE_NAME', value: service },
      ],
      resources: {
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { cpu: '1', memory: '512Mi' },
      },
      readinessProbe: {
        httpGet: { path: '/health/ready', port, scheme: 'HTTP' },
        periodSeconds: 10,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      },
      livenessProbe: {
        httpGet: { path: '/health/live', port, scheme: 'HTTP' },
        periodSeconds: 10,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
    },
    resourceVersion,
  };
}

function deploymentOf(w: Workload): Obj {
  const { service, replicas, created, labels } = w;
  return {
    metadata: {
      name: service,
      namespace: SERVICE_NAMESPACE,
      uid: uid(`${w.key}/deployment`),
      resourceVersion: w.resourceVersion(),
      generation: 3,
      creationTimestamp: created,
      labels,
      annotations: { 'deployment.kubernetes.io/revision': '3' },
    },
    spec: {
      replicas,
      selector: { matchLabels: w.selector },
      template: {
        metadata: { labels },
        spec: { containers: [w.container], restartPolicy: 'Always' },
      },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 3,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          lastUpdateTime: created,
          lastTransitionTime: created,
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          lastUpdateTime: created,
          lastTransitionTime: created,
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${service}-${w.templateHash}" has successfully progressed.`,
        },
      ],
    },
  };
}

/** The Deployment's ReplicaSet; its pods carry `podLabels`. */
function replicaSetOf(
  w: Workload,
  deployment: Obj,
  podLabels: Record<string, string>,
): Obj {
  const { service, replicas, templateHash } = w;
  return {
    metadata: {
      name: `${service}-${templateHash}`,
      namespace: SERVICE_NAMESPACE,
      uid: uid(`${w.key}/replicaset`),
      resourceVersion: w.resourceVersion(),
      generation: 1,
      creationTimestamp: w.created,
      labels: podLabels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        'deployment.kubernetes.io/revision': '3',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: service,
          uid: deployment.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: {
        matchLabels: { ...w.selector, 'pod-template-hash': templateHash },
      },
      template: {
        metadata: { labels: podLabels },
        spec: { containers: [w.container], restartPolicy: 'Always' },
      },
    },
    status: {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      observedGeneration: 1,
    },
  };
}

/** The ReplicaSet's running pods; the first one is named as its log documents say. */
function podsOf(w: Workload, replicaSet: Obj): Obj[] {
  const { cluster, service, key, container, image } = w;
  const rsName = replicaSet.metadata.name as string;
  const pods: Obj[] = [];
  for (let i = 0; i < w.replicas; i++) {
    const podId =
      i === 0
        ? w.firstPodId
        : (hash(`${key}/pod/${i}`) % 0xfffff).toString(36).slice(0, 5);
    const name = `${rsName}-${podId}`;
    const started = iso(
      w.deployedAt + HOUR_MS + unit(`${key}/pod/${i}`) * HOUR_MS,
    );
    const node = `${cluster.name}-worker-${(hash(name) % 3) + 1}`;
    const podIP = `10.${40 + cluster.index}.${(hash(name) >> 8) & 0xff}.${
      hash(name) & 0xff || 1
    }`;
    pods.push({
      metadata: {
        name,
        generateName: `${rsName}-`,
        namespace: SERVICE_NAMESPACE,
        uid: uid(`${key}/pod/${i}`),
        resourceVersion: w.resourceVersion(),
        creationTimestamp: started,
        labels: replicaSet.metadata.labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rsName,
            uid: replicaSet.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        containers: [container],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: service,
        serviceAccount: service,
        nodeName: node,
        schedulerName: 'default-scheduler',
        priority: 0,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
      },
      status: {
        phase: 'Running',
        conditions: [
          'PodReadyToStartContainers',
          'Initialized',
          'Ready',
          'ContainersReady',
          'PodScheduled',
        ].map(type => ({
          type,
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: started,
        })),
        hostIP: `172.20.${cluster.index}.${(hash(node) % 200) + 10}`,
        podIP,
        podIPs: [{ ip: podIP }],
        startTime: started,
        containerStatuses: [
          {
            name: service,
            state: { running: { startedAt: started } },
            lastState: {},
            ready: true,
            restartCount: 0,
            image,
            imageID: `${image.split(':')[0]}@sha256:${hex(
              hash(image),
              8,
            ).repeat(8)}`,
            containerID: `containerd://${hex(hash(name), 8).repeat(8)}`,
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    });
  }
  return pods;
}

function serviceOf(w: Workload): Obj {
  const { cluster, key } = w;
  return {
    metadata: {
      name: w.service,
      namespace: SERVICE_NAMESPACE,
      uid: uid(`${key}/service`),
      resourceVersion: w.resourceVersion(),
      creationTimestamp: w.created,
      labels: w.labels,
    },
    spec: {
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }],
      selector: w.selector,
      clusterIP: `10.96.${cluster.index}.${(hash(key) % 250) + 2}`,
      clusterIPs: [`10.96.${cluster.index}.${(hash(key) % 250) + 2}`],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

function configMapOf(w: Workload): Obj {
  return {
    metadata: {
      name: `${w.service}-config`,
      namespace: SERVICE_NAMESPACE,
      uid: uid(`${w.key}/configmap`),
      resourceVersion: w.resourceVersion(),
      creationTimestamp: w.created,
      labels: w.labels,
    },
    data: {
      CLUSTER: w.cluster.name,
      ENVIRONMENT: w.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger-collector.tracing:4317',
      LOG_FORMAT: 'json',
    },
  };
}

/**
 * The HorizontalPodAutoscaler of a service with more than one replica, as
 * `autoscaling/v2` and `autoscaling/v1` serve it; none otherwise.
 */
function autoscalersOf(w: Workload): { v2: Obj; v1: Obj } | undefined {
  const { service, replicas, created, key } = w;
  if (replicas <= 1) return undefined;
  const current = Math.round(30 + 25 * unit(`${key}/hpa`));
  const v2 = {
    metadata: {
      name: service,
      namespace: SERVICE_NAMESPACE,
      uid: uid(`${key}/hpa`),
      resourceVersion: w.resourceVersion(),
      creationTimestamp: created,
      labels: w.labels,
    },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: service,
      },
      minReplicas: replicas,
      maxReplicas: replicas * 4,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 70 },
          },
        },
      ],
    },
    status: {
      lastScaleTime: created,
      currentReplicas: replicas,
      desiredReplicas: replicas,
      currentMetrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            current: {
              averageValue: `${Math.round(current * 2.5)}m`,
              averageUtilization: current,
            },
          },
        },
      ],
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          lastTransitionTime: created,
          reason: 'ReadyForNewScale',
          message: 'recommended size matches current size',
        },
        {
          type: 'ScalingActive',
          status: 'True',
          lastTransitionTime: created,
          reason: 'ValidMetricFound',
          message:
            'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
        },
      ],
    },
  };
  const v1 = {
    metadata: v2.metadata,
    spec: {
      scaleTargetRef: v2.spec.scaleTargetRef,
      minReplicas: v2.spec.minReplicas,
      maxReplicas: v2.spec.maxReplicas,
      targetCPUUtilizationPercentage: 70,
    },
    status: {
      lastScaleTime: created,
      currentReplicas: replicas,
      desiredReplicas: replicas,
      currentCPUUtilizationPercentage: current,
    },
  };
  return { v2, v1 };
}

/** The Ingress of the web front end; other services have none. */
function ingressOf(w: Workload): Obj | undefined {
  const { service, env, cluster } = w;
  if (service !== 'web-frontend') return undefined;
  const host = env === 'prod' ? 'shop.example.com' : `shop.${env}.example.com`;
  return {
    metadata: {
      name: service,
      namespace: SERVICE_NAMESPACE,
      uid: uid(`${w.key}/ingress`),
      resourceVersion: w.resourceVersion(),
      generation: 1,
      creationTimestamp: w.created,
      labels: w.labels,
      annotations: { 'cert-manager.io/cluster-issuer': 'platform-ca' },
    },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: [host], secretName: `${service}-tls` }],
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: { name: service, port: { name: 'http' } },
                },
              },
            ],
          },
        },
      ],
    },
    status: {
      loadBalancer: {
        ingress: [{ ip: `203.0.113.${10 + cluster.index}` }],
      },
    },
  };
}

function namespaceOf(
  cluster: SimCluster,
  deployedAt: number,
  resourceVersion: () => string,
): Obj {
  return {
    metadata: {
      name: SERVICE_NAMESPACE,
      uid: uid(`${cluster.name}/namespace/${SERVICE_NAMESPACE}`),
      resourceVersion: resourceVersion(),
      creationTimestamp: iso(deployedAt - 24 * HOUR_MS),
      labels: { 'kubernetes.io/metadata.name': SERVICE_NAMESPACE },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/**
 * The objects of one cluster: for each demo service that runs there a Deployment, its
 * ReplicaSet and pods, a Service, a ConfigMap, an HPA (more than one replica) and an
 * Ingress (the web front end); and their namespace. Nothing in a cluster where the
 * services do not run.
 */
function buildClusterObjects(
  model: FleetModel,
  cluster: SimCluster,
): ClusterObjects {
  const lists = new Map<string, Obj[]>();
  const add = (key: string, obj: Obj) => {
    const list = lists.get(key) ?? [];
    list.push(obj);
    lists.set(key, list);
  };
  const runsHere = model.serviceClusters().some(c => c.name === cluster.name);
  const pods: Obj[] = [];
  if (!runsHere) return { lists, pods };

  // Deployed some hours before the simulator started (stable across restarts within a day).
  const deployedAt =
    Math.floor(model.startedAt / (24 * HOUR_MS)) * 24 * HOUR_MS -
    (cluster.index + 1) * 5 * HOUR_MS;
  let rv = 100_000 + cluster.index * 10_000;
  const resourceVersion = () => String((rv += 7));

  for (const service of SERVICES) {
    const w = workloadOf(cluster, service, deployedAt, resourceVersion);
    const deployment = deploymentOf(w);
    add('apps/v1/deployments', deployment);
    const podLabels = { ...w.labels, 'pod-template-hash': w.templateHash };
    const replicaSet = replicaSetOf(w, deployment, podLabels);
    add('apps/v1/replicasets', replicaSet);
    for (const pod of podsOf(w, replicaSet)) {
      add('v1/pods', pod);
      pods.push(pod);
    }
    add('v1/services', serviceOf(w));
    add('v1/configmaps', configMapOf(w));
    const autoscalers = autoscalersOf(w);
    if (autoscalers) {
      add('autoscaling/v2/horizontalpodautoscalers', autoscalers.v2);
      add('autoscaling/v1/horizontalpodautoscalers', autoscalers.v1);
    }
    const ingress = ingressOf(w);
    if (ingress) add('networking.k8s.io/v1/ingresses', ingress);
  }
  add('v1/namespaces', namespaceOf(cluster, deployedAt, resourceVersion));
  return { lists, pods };
}

function clusterObjects(model: FleetModel, cluster: SimCluster) {
  let cache = CACHE.get(model);
  if (!cache) {
    cache = new Map();
    CACHE.set(model, cache);
  }
  let objects = cache.get(cluster.name);
  if (!objects) {
    objects = buildClusterObjects(model, cluster);
    cache.set(cluster.name, objects);
  }
  return objects;
}

/** Current usage of a pod (`metrics.k8s.io` PodMetrics), varying smoothly over time. */
function podMetrics(model: FleetModel, pod: Obj): Obj {
  const now = model.now();
  const name = pod.metadata.name as string;
  const cpuMillicores = 40 + 160 * unit(`${name}/cpu`) * wave(name, now, 0.3);
  const memoryKi = Math.round(
    (120 + 110 * unit(`${name}/mem`)) * 1024 * wave(`${name}/m`, now, 0.05),
  );
  return {
    metadata: {
      name,
      namespace: pod.metadata.namespace,
      creationTimestamp: iso(now),
      labels: pod.metadata.labels,
    },
    timestamp: iso(now - 15_000),
    window: '20.013s',
    containers: pod.spec.containers.map((c: Obj) => ({
      name: c.name,
      usage: {
        cpu: `${Math.round(cpuMillicores * 1_000_000)}n`,
        memory: `${memoryKi}Ki`,
      },
    })),
  };
}

function items(model: FleetModel, cluster: SimCluster, typeKey: string): Obj[] {
  const objects = clusterObjects(model, cluster);
  if (typeKey === 'metrics.k8s.io/v1beta1/pods')
    return objects.pods.map(p => podMetrics(model, p));
  return objects.lists.get(typeKey) ?? [];
}

/** A pod's recent log lines (`kubectl logs`). */
function podLog(
  model: FleetModel,
  cluster: SimCluster,
  pod: Obj,
  params: URLSearchParams,
) {
  const tail = Math.min(Number(params.get('tailLines') ?? 100) || 100, 1000);
  const now = model.now();
  const service = pod.metadata.labels[KUBERNETES_ID_LABEL] as string;
  const lines: string[] = [];
  for (let i = tail - 1; i >= 0; i--) {
    const t =
      now - i * 7_000 - Math.floor(unit(`${pod.metadata.name}/${i}`) * 5_000);
    lines.push(
      JSON.stringify({
        '@timestamp': new Date(t).toISOString(),
        'log.level': 'info',
        message: `Completed request in ${Math.round(
          40 * wave(`${service}${i}`, t),
        )} ms`,
        'service.name': service,
        'kubernetes.cluster.name': cluster.name,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

const DISCOVERY_GROUPS = [
  ['apps', 'v1'],
  ['autoscaling', 'v2'],
  ['batch', 'v1'],
  ['networking.k8s.io', 'v1'],
  ['metrics.k8s.io', 'v1beta1'],
];

/**
 * Answers one request to the Kubernetes API of `clusterName`; `path` is what follows
 * `/k8s/<cluster>`. Returns a JSON-able object, or a string (pod logs, `text/plain`).
 */
export function kubernetesApi(
  model: FleetModel,
  clusterName: string,
  path: string,
  method: string,
  params: URLSearchParams,
): unknown {
  // A cluster onboarded in the demo (e.g. dev-02) is a fresh API server: empty lists.
  const cluster: SimCluster | undefined =
    model.cluster(clusterName) ??
    (NEW_CLUSTER_NAME.test(clusterName)
      ? { name: clusterName, environment: clusterName.split('-')[0], index: 99 }
      : undefined);
  if (!cluster)
    throw notFound(`no cluster "${clusterName}" in the fleet simulator`);
  if (method !== 'GET' && method !== 'HEAD') {
    throw new KubernetesError(
      405,
      'MethodNotAllowed',
      `the fleet simulator's Kubernetes API is read-only (${method} ${path})`,
    );
  }
  if (path === '/version') {
    return {
      major: '1',
      minor: '31',
      gitVersion: 'v1.31.4',
      platform: 'linux/amd64',
    };
  }
  if (path === '/healthz' || path === '/readyz' || path === '/livez')
    return 'ok';
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [],
    };
  }
  if (path === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: DISCOVERY_GROUPS.map(([name, version]) => ({
        name,
        versions: [{ groupVersion: `${name}/${version}`, version }],
        preferredVersion: { groupVersion: `${name}/${version}`, version },
      })),
    };
  }

  // /api/v1/... or /apis/<group>/<version>/...
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  let apiVersion: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    apiVersion = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    apiVersion = `${segments[1]}/${segments[2]}`;
    rest = segments.slice(3);
  } else {
    throw notFound();
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  const typeKey = `${apiVersion}/${plural}`;
  const type = RESOURCE_TYPES[typeKey];
  if (!type || rest.length > 3 || (namespace && !type.namespaced))
    throw notFound();

  const selector = params.get('labelSelector');
  const requirements = selector ? parseLabelSelector(selector) : [];
  let list = items(model, cluster, typeKey).filter(
    o =>
      (!namespace || o.metadata.namespace === namespace) &&
      requirements.every(r => r(o.metadata.labels ?? {})),
  );

  if (name !== undefined) {
    const obj = list.find(o => o.metadata.name === name);
    const what = `${plural}${
      type.apiVersion.includes('/') ? `.${type.apiVersion.split('/')[0]}` : ''
    }`;
    if (!obj) {
      throw new KubernetesError(
        404,
        'NotFound',
        `${what} "${name}" not found`,
        {
          name,
          kind: plural,
          ...(type.apiVersion.includes('/')
            ? { group: type.apiVersion.split('/')[0] }
            : {}),
        },
      );
    }
    if (subresource === 'log' && typeKey === 'v1/pods') {
      return podLog(model, cluster, obj, params);
    }
    if (subresource !== undefined) throw notFound();
    return { kind: type.kind, apiVersion: type.apiVersion, ...obj };
  }

  const limit = Number(params.get('limit') ?? 0);
  if (limit > 0) list = list.slice(0, limit);
  return {
    kind: `${type.kind}List`,
    apiVersion: type.apiVersion,
    metadata: {
      resourceVersion: String(100_000 + cluster.index * 10_000 + 999),
    },
    items: list,
  };
}
