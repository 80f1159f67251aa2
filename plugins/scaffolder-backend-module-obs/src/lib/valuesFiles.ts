import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import { clusterLogIndexPrefixProblem } from '@fleetobs/plugin-observability-common';
import YAML, { Document, isMap } from 'yaml';

/** File name of a cluster's values file. */
export const valuesFileName = (cluster: string) => `values.${cluster}.yaml`;
const VALUES_FILE_PATTERN = /^values\.([a-z0-9][a-z0-9-]*)\.yaml$/;

/** Paths (in the values document) that the actions read and write. */
export const PATHS = {
  name: ['cluster', 'name'],
  server: ['cluster', 'server'],
  environment: ['cluster', 'environment'],
  targetRevision: ['source', 'targetRevision'],
  valueFiles: ['source', 'helm', 'valueFiles'],
  monitoring: ['monitoring', 'enable'],
  logging: ['logging', 'enable'],
  jaeger: ['jaeger', 'enable'],
  prometheusReplicas: ['monitoring', 'prometheus', 'replicaCount'],
  thanosEnabled: ['monitoring', 'thanos', 'enabled'],
  // The seed's keys (step 5.1: jaeger.query.enabled); files of earlier portal versions
  // say `enable`, read as well (LEGACY_PATHS).
  jaegerCollector: ['jaeger', 'collector', 'enabled'],
  jaegerQuery: ['jaeger', 'query', 'enabled'],
  externalLabels: ['observability', 'externalLabels'],
  objstore: ['observability', 'thanos', 'objstore'],
  objstoreType: ['observability', 'thanos', 'objstore', 'type'],
  objstoreEndpoint: ['observability', 'thanos', 'objstore', 'endpoint'],
  bucket: ['observability', 'thanos', 'objstore', 'bucket'],
  prefix: ['observability', 'thanos', 'objstore', 'prefix'],
  indexPrefix: ['observability', 'logging', 'indexPrefix'],
  shippingEndpoint: ['observability', 'logging', 'shipping', 'endpoint'],
  spanIndexPrefix: ['observability', 'tracing', 'spanIndexPrefix'],
  collectorElasticsearchUrl: [
    'observability',
    'tracing',
    'collector',
    'elasticsearch',
    'url',
  ],
  collectorTags: ['observability', 'tracing', 'collector', 'tags'],
  tracingIlm: ['observability', 'tracing', 'ilm'],
} as const;

/** Keys of earlier portal versions, read when the seed's key is absent. */
export const LEGACY_PATHS = {
  jaegerCollector: ['jaeger', 'collector', 'enable'],
  jaegerQuery: ['jaeger', 'query', 'enable'],
} as const;

/** Kinds of Thanos object storage a values file may declare; GCS is the platform's (seed §1). */
export const OBJSTORE_TYPES = ['GCS', 'S3'] as const;
export type ObjstoreType = (typeof OBJSTORE_TYPES)[number];

/** A dotted name of a document path, for messages. */
export const dotted = (p: readonly string[]) => p.join('.');

/** A parsed values file. */
export interface ValuesFile {
  /** Path relative to the workspace, for messages. */
  path: string;
  /** Cluster name from the file name. */
  fileCluster: string;
  doc: Document;
}

/**
 * Parses a values file, keeping comments and key order. Fails with the file and the line
 * when the YAML is not valid or not a mapping.
 */
export function parseValuesFile(text: string, relPath: string): Document {
  const doc = YAML.parseDocument(text, {
    prettyErrors: true,
    uniqueKeys: true,
  });
  if (doc.errors.length) {
    throw new InputError(
      `${relPath}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`,
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new InputError(`${relPath}: must be a YAML mapping at the top level`);
  }
  return doc;
}

/** Reads every `values.<cluster>.yaml` of a folder (sorted by name). */
export async function readValuesFiles(
  dir: string,
  relDir: string,
): Promise<ValuesFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw e;
  }
  const files: ValuesFile[] = [];
  for (const name of names.sort()) {
    const match = VALUES_FILE_PATTERN.exec(name);
    if (!match) continue;
    const relPath = path.posix.join(relDir, name);
    const text = await fs.readFile(path.join(dir, name), 'utf8');
    files.push({
      path: relPath,
      fileCluster: match[1],
      doc: parseValuesFile(text, relPath),
    });
  }
  return files;
}

/** Facts of one cluster's values file that alignment and promotion look at. */
export interface ClusterFacts {
  path: string;
  name?: string;
  server?: string;
  environment?: string;
  targetRevision?: string;
  externalLabels: Record<string, string>;
  /** `observability.thanos.objstore.type`; absent in files of earlier versions. */
  objstoreType?: string;
  objstoreEndpoint?: string;
  bucket?: string;
  prefix?: string;
  indexPrefix?: string;
  shippingEndpoint?: string;
  spanIndexPrefix?: string;
  collectorElasticsearchUrl?: string;
  /** `observability.tracing.collector.tags`, when it is a mapping. */
  collectorTags?: Record<string, string>;
  /** `observability.tracing.ilm` as JSON (to compare), when set. */
  tracingIlm?: string;
  monitoring: boolean;
  prometheusReplicas?: number;
  jaegerQuery: boolean;
}

function str(doc: Document, p: readonly string[]): string | undefined {
  const v = doc.getIn(p);
  return v === undefined || v === null ? undefined : String(v);
}

/** Reads the facts of a values document. */
export function factsOf(
  doc: Document,
  relPath: string,
  labels: { cluster: string; environment: string },
): ClusterFacts {
  const labelNode = doc.getIn(PATHS.externalLabels);
  const externalLabels: Record<string, string> = {};
  if (isMap(labelNode)) {
    for (const [k, v] of Object.entries(labelNode.toJSON() ?? {})) {
      externalLabels[k] = String(v);
    }
  }
  const tagsNode = doc.getIn(PATHS.collectorTags);
  const ilmNode = doc.getIn(PATHS.tracingIlm);
  const replicas = doc.getIn(PATHS.prometheusReplicas);
  return {
    path: relPath,
    name: str(doc, PATHS.name),
    server: str(doc, PATHS.server),
    environment:
      str(doc, PATHS.environment) ?? externalLabels[labels.environment],
    targetRevision: str(doc, PATHS.targetRevision),
    externalLabels,
    objstoreType: str(doc, PATHS.objstoreType),
    objstoreEndpoint: str(doc, PATHS.objstoreEndpoint),
    bucket: str(doc, PATHS.bucket),
    prefix: str(doc, PATHS.prefix),
    indexPrefix: str(doc, PATHS.indexPrefix),
    shippingEndpoint: str(doc, PATHS.shippingEndpoint),
    spanIndexPrefix: str(doc, PATHS.spanIndexPrefix),
    collectorElasticsearchUrl: str(doc, PATHS.collectorElasticsearchUrl),
    collectorTags: isMap(tagsNode)
      ? Object.fromEntries(
          Object.entries(tagsNode.toJSON() ?? {}).map(([k, v]) => [
            k,
            String(v),
          ]),
        )
      : undefined,
    tracingIlm: isMap(ilmNode) ? JSON.stringify(ilmNode.toJSON()) : undefined,
    monitoring: doc.getIn(PATHS.monitoring) === true,
    prometheusReplicas: typeof replicas === 'number' ? replicas : undefined,
    jaegerQuery: readFlag(doc, PATHS.jaegerQuery, LEGACY_PATHS.jaegerQuery),
  };
}

/** A boolean at the seed's key, else at the legacy key (files of earlier versions). */
function readFlag(
  doc: Document,
  current: readonly string[],
  legacy: readonly string[],
): boolean {
  const value = doc.getIn(current);
  return (value === undefined ? doc.getIn(legacy) : value) === true;
}

/** Result of an alignment check: errors refuse the change, warnings are reported. */
export interface Alignment {
  errors: string[];
  warnings: string[];
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && a.every(x => b.includes(x));

/**
 * Checks that a cluster's values agree with its siblings where the global view needs it
 * (seed "Observability Specific Value Alignment", 10.1, 10.4, 10.12):
 * - the same external label names everywhere, with `cluster` = cluster name and
 *   `environment` = the cluster's environment;
 * - one Thanos bucket prefix per cluster (compactors must not share blocks);
 * - log indices under `logs-<cluster>-*` (the prefix carries the cluster name, seed 3.4),
 *   one index prefix per cluster;
 * - the object storage is GCS or S3 (with its endpoint); one bucket per cluster (a
 *   shared bucket is a warning);
 * - the same log shipping endpoint, span index prefix and collector Elasticsearch everywhere;
 *   the collector's cluster tag is the cluster's name;
 * - trace ILM only in the ops file (a different copy elsewhere is a warning);
 * - Jaeger Query only in the ops environment, in one cluster;
 * - one file per cluster name and per API server.
 */
export function checkAlignment(
  target: ClusterFacts,
  siblings: ClusterFacts[],
  labels: { cluster: string; environment: string },
): Alignment {
  const errors: string[] = [];
  const warnings: string[] = [];
  const names = Object.keys(target.externalLabels).sort();

  if (!names.includes(labels.cluster) || !names.includes(labels.environment)) {
    errors.push(
      `${dotted(PATHS.externalLabels)}: must contain the labels "${
        labels.cluster
      }" and "${labels.environment}" (found ${JSON.stringify(names)})`,
    );
  }
  if (
    target.externalLabels[labels.cluster] !== undefined &&
    target.externalLabels[labels.cluster] !== target.name
  ) {
    errors.push(
      `${dotted(PATHS.externalLabels)}.${labels.cluster}: is "${
        target.externalLabels[labels.cluster]
      }" but the cluster is "${target.name}"`,
    );
  }
  if (
    target.externalLabels[labels.environment] !== undefined &&
    target.externalLabels[labels.environment] !== target.environment
  ) {
    errors.push(
      `${dotted(PATHS.externalLabels)}.${labels.environment}: is "${
        target.externalLabels[labels.environment]
      }" but the environment is "${target.environment}"`,
    );
  }
  if (
    target.indexPrefix !== undefined &&
    !target.indexPrefix.startsWith('logs-')
  ) {
    errors.push(
      `${dotted(PATHS.indexPrefix)}: "${
        target.indexPrefix
      }" is outside the logs-* index pattern that Kibana, ILM and the fleet checks use`,
    );
  } else if (target.indexPrefix !== undefined && target.name) {
    const problem = clusterLogIndexPrefixProblem(
      target.name,
      target.indexPrefix,
    );
    if (problem) errors.push(`${dotted(PATHS.indexPrefix)}: ${problem}`);
  }
  if (
    target.objstoreType !== undefined &&
    !(OBJSTORE_TYPES as readonly string[]).includes(target.objstoreType)
  ) {
    errors.push(
      `${dotted(PATHS.objstoreType)}: "${
        target.objstoreType
      }" is not one of ${OBJSTORE_TYPES.join(', ')}`,
    );
  }
  if (target.objstoreType === 'S3' && !target.objstoreEndpoint) {
    errors.push(
      `${dotted(PATHS.objstoreEndpoint)}: an S3 bucket needs its endpoint`,
    );
  }
  if (
    target.collectorTags &&
    target.collectorTags[labels.cluster] !== target.name
  ) {
    errors.push(
      `${dotted(PATHS.collectorTags)}.${labels.cluster}: is ${JSON.stringify(
        target.collectorTags[labels.cluster] ?? null,
      )} but the cluster is "${
        target.name
      }"; span-freshness and the service tab attribute spans by this tag`,
    );
  }
  if (
    target.monitoring &&
    target.prometheusReplicas !== undefined &&
    target.prometheusReplicas < 2
  ) {
    warnings.push(
      `${dotted(PATHS.prometheusReplicas)}: ${
        target.prometheusReplicas
      }; the platform runs 2 replicas with a sidecar each (seed §8 "Single Prometheus replica")`,
    );
  }
  if (target.jaegerQuery && target.environment !== 'ops') {
    errors.push(
      `${dotted(
        PATHS.jaegerQuery,
      )}: Jaeger Query runs only in the ops cluster; ${
        target.environment
      } clusters run collectors only`,
    );
  }
  if (!target.bucket || !target.prefix) {
    errors.push(
      `${dotted(
        PATHS.prefix,
      )}: every cluster needs a Thanos bucket and a prefix of its own`,
    );
  }

  for (const s of siblings) {
    const where = s.path;
    const theirNames = Object.keys(s.externalLabels).sort();
    if (theirNames.length && !sameSet(names, theirNames)) {
      errors.push(
        `${dotted(PATHS.externalLabels)}: label names ${JSON.stringify(
          names,
        )} differ from ${where} ${JSON.stringify(
          theirNames,
        )}; queries across clusters would split`,
      );
    }
    if (s.name && s.name === target.name) {
      errors.push(
        `cluster.name: cluster "${target.name}" already exists in ${where}`,
      );
    }
    if (s.server && target.server && s.server === target.server) {
      errors.push(
        `cluster.server: ${target.server} is already the API server of ${
          s.name ?? where
        } (${where})`,
      );
    }
    if (
      s.bucket &&
      s.bucket === target.bucket &&
      s.prefix !== undefined &&
      s.prefix === target.prefix
    ) {
      errors.push(
        `${dotted(PATHS.prefix)}: bucket ${target.bucket} prefix "${
          target.prefix
        }" is already used by ${
          s.name ?? where
        }; two compactors would work on the same blocks`,
      );
    }
    if (s.bucket && s.bucket === target.bucket && s.prefix !== target.prefix) {
      warnings.push(
        `${dotted(PATHS.bucket)}: ${target.bucket} is also the bucket of ${
          s.name ?? where
        }; the platform keeps one bucket per cluster, so that a bucket outage hits one cluster only (seed §8)`,
      );
    }
    if (s.indexPrefix && s.indexPrefix === target.indexPrefix) {
      errors.push(
        `${dotted(PATHS.indexPrefix)}: "${
          target.indexPrefix
        }" is already used by ${
          s.name ?? where
        }; logs of two clusters would mix`,
      );
    }
    if (
      s.shippingEndpoint &&
      target.shippingEndpoint &&
      s.shippingEndpoint !== target.shippingEndpoint
    ) {
      errors.push(
        `${dotted(PATHS.shippingEndpoint)}: "${
          target.shippingEndpoint
        }" differs from "${
          s.shippingEndpoint
        }" in ${where}; all clusters ship to the one Gateway in ops`,
      );
    }
    if (
      s.spanIndexPrefix &&
      target.spanIndexPrefix &&
      s.spanIndexPrefix !== target.spanIndexPrefix
    ) {
      errors.push(
        `${dotted(PATHS.spanIndexPrefix)}: "${
          target.spanIndexPrefix
        }" differs from "${
          s.spanIndexPrefix
        }" in ${where}; Jaeger Query reads one span index prefix`,
      );
    }
    if (
      s.collectorElasticsearchUrl &&
      target.collectorElasticsearchUrl &&
      s.collectorElasticsearchUrl !== target.collectorElasticsearchUrl
    ) {
      errors.push(
        `${dotted(PATHS.collectorElasticsearchUrl)}: "${
          target.collectorElasticsearchUrl
        }" differs from "${
          s.collectorElasticsearchUrl
        }" in ${where}; every collector writes to the one shared Elasticsearch in ops`,
      );
    }
    // One ILM policy for the shared span indices, the ops file's: a different one
    // elsewhere is flagged (never applied, and it misleads a reader).
    if (
      target.environment !== 'ops' &&
      s.environment === 'ops' &&
      target.tracingIlm &&
      s.tracingIlm &&
      target.tracingIlm !== s.tracingIlm
    ) {
      warnings.push(
        `${dotted(
          PATHS.tracingIlm,
        )}: differs from the fleet's policy of the shared ${
          target.spanIndexPrefix ?? 'jaeger'
        }-span-* indices in ${
          s.name ?? where
        }, which owns it; this copy is not applied: remove it, or change trace retention for ${
          s.name ?? where
        }`,
      );
    }
    if (s.jaegerQuery && target.jaegerQuery) {
      errors.push(
        `${dotted(PATHS.jaegerQuery)}: Jaeger Query already runs in ${
          s.name ?? where
        }; only one cluster runs it`,
      );
    }
  }
  return { errors: [...new Set(errors)], warnings: [...new Set(warnings)] };
}
