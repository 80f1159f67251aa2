import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
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
  jaegerCollector: ['jaeger', 'collector', 'enable'],
  jaegerQuery: ['jaeger', 'query', 'enable'],
  externalLabels: ['observability', 'externalLabels'],
  bucket: ['observability', 'thanos', 'objstore', 'bucket'],
  prefix: ['observability', 'thanos', 'objstore', 'prefix'],
  indexPrefix: ['observability', 'logging', 'indexPrefix'],
  shippingEndpoint: ['observability', 'logging', 'shipping', 'endpoint'],
  spanIndexPrefix: ['observability', 'tracing', 'spanIndexPrefix'],
} as const;

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
  bucket?: string;
  prefix?: string;
  indexPrefix?: string;
  shippingEndpoint?: string;
  spanIndexPrefix?: string;
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
  return {
    path: relPath,
    name: str(doc, PATHS.name),
    server: str(doc, PATHS.server),
    environment:
      str(doc, PATHS.environment) ?? externalLabels[labels.environment],
    targetRevision: str(doc, PATHS.targetRevision),
    externalLabels,
    bucket: str(doc, PATHS.bucket),
    prefix: str(doc, PATHS.prefix),
    indexPrefix: str(doc, PATHS.indexPrefix),
    shippingEndpoint: str(doc, PATHS.shippingEndpoint),
    spanIndexPrefix: str(doc, PATHS.spanIndexPrefix),
    jaegerQuery: doc.getIn(PATHS.jaegerQuery) === true,
  };
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
 * - log indices under `logs-*` and one index prefix per cluster;
 * - the same log shipping endpoint and span index prefix everywhere;
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
    if (
      s.environment === target.environment &&
      s.bucket &&
      target.bucket &&
      s.bucket !== target.bucket
    ) {
      warnings.push(
        `${dotted(PATHS.bucket)}: ${target.bucket} differs from ${
          s.bucket
        } used by ${s.name ?? where} in the same environment`,
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
