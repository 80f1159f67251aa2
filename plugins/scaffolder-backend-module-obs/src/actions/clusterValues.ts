import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import path from 'node:path';
import { Document } from 'yaml';
import {
  readOptional,
  workspaceFile,
  writeFilesAtomically,
} from '../lib/files';
import {
  ALLOW_FOREIGN_HOSTS,
  checkHostsNameCluster,
  derivedNames,
} from '../lib/derivedNames';
import {
  CLUSTER_NAME_PATTERN,
  ENVIRONMENTS,
  HOSTNAME_PATTERN,
  REVISION_PATTERN,
  serverProblem,
} from '../lib/naming';
import { ObsSettings } from '../lib/settings';
import {
  OBJSTORE_TYPES,
  PATHS,
  checkAlignment,
  factsOf,
  parseValuesFile,
  readValuesFiles,
  valuesFileName,
} from '../lib/valuesFiles';
import { newValuesFileText } from '../lib/valuesTemplate';
import { Zod, parseInput, zod } from '../lib/zod';

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ENDPOINT_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/;

/** `pattern`, or the empty string. */
const orEmpty = (pattern: RegExp) =>
  new RegExp(`^(?:${pattern.source.slice(1, -1)})?$`);

const inputSchema = (z: Zod) =>
  z.object({
    cluster: z
      .string()
      .regex(CLUSTER_NAME_PATTERN, 'must match ^[a-z]+-[0-9]{2}$, e.g. dev-02')
      .describe('Cluster name, e.g. dev-02'),
    environment: z
      .enum(ENVIRONMENTS)
      .optional()
      .describe('Environment of the cluster (required when creating)'),
    server: z
      .string()
      .optional()
      .describe(
        'Kubernetes API server URL, https only (required when creating)',
      ),
    targetRevision: z
      .string()
      .regex(REVISION_PATTERN, 'must be a git branch, tag or commit')
      .optional()
      .describe(
        'source.targetRevision; default on create: the revision of a cluster of the same environment, else HEAD',
      ),
    components: z
      .object({
        monitoring: z.boolean().optional(),
        logging: z.boolean().optional(),
        jaeger: z.boolean().optional(),
      })
      .optional()
      .describe('Components to enable (default on create: all)'),
    thanos: z
      .object({
        type: z
          .enum(OBJSTORE_TYPES)
          .optional()
          .describe('GCS (default, the platform’s) or S3'),
        // Empty (a form field left blank) is "derive it", not a value.
        endpoint: z
          .string()
          .regex(orEmpty(ENDPOINT_PATTERN), 'must be host[:port]')
          .optional()
          .describe('S3 only (required then): the S3 endpoint host[:port]'),
        bucket: z
          .string()
          .regex(orEmpty(BUCKET_PATTERN), 'must be a bucket name')
          .optional()
          .describe('Empty: derived from the cluster name'),
        prefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9/-]*$/)
          .optional(),
      })
      .optional()
      .describe(
        'Thanos object storage; default type GCS, bucket of its own [<observability.scaffolder.bucketPrefix>-]thanos-<cluster>, prefix = cluster',
      ),
    gatewayHostnames: z
      .array(
        z
          .string()
          .max(253)
          .regex(HOSTNAME_PATTERN, 'must be a DNS host name')
          .refine(h => !h.startsWith('*.'), 'must not be a wildcard'),
      )
      .optional()
      .describe(
        "Hosts of the cluster's Gateway, its local Thanos Query first; empty: thanos-query.<cluster>.<observability.scaffolder.clusterDomain>. Each must contain the cluster name",
      ),
    [ALLOW_FOREIGN_HOSTS]: z
      .boolean()
      .optional()
      .describe(
        'Accept gateway hostnames that do not contain the cluster name (they are refused otherwise)',
      ),
    logging: z
      .object({
        indexPrefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_.-]*$/)
          .optional(),
        shippingEndpoint: z
          .string()
          .regex(ENDPOINT_PATTERN, 'must be host[:port]')
          .optional(),
      })
      .optional()
      .describe(
        'Log index prefix (default logs-<cluster>) and shipping endpoint (default: the siblings’)',
      ),
    tracing: z
      .object({
        spanIndexPrefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9_-]*$/)
          .optional(),
        collectorElasticsearchUrl: z
          .string()
          .regex(
            /^https:\/\/[a-z0-9.-]+(:[0-9]{1,5})?$/,
            'must be https://host[:port]',
          )
          .optional()
          .describe(
            "The shared Elasticsearch the Jaeger collectors write to (default: the siblings', else https://elasticsearch.<clusterDomain>:443)",
          ),
      })
      .optional(),
    extraExternalLabels: z
      .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string())
      .optional()
      .describe(
        'Further Prometheus external labels (every cluster must have the same names)',
      ),
    mode: z
      .enum(['create', 'update', 'upsert'])
      .default('create')
      .describe(
        'create fails if the cluster exists; update fails if it does not',
      ),
    valuesPath: z
      .string()
      .optional()
      .describe(
        'Folder of the values files in the workspace (default from config)',
      ),
  });

const outputSchema = (z: Zod) =>
  z.object({
    path: z.string().describe('Workspace path of the values file'),
    created: z.boolean(),
    siblings: z.array(z.string()).describe('Clusters checked for alignment'),
    warnings: z.array(z.string()),
    environment: z.string(),
    targetRevision: z.string(),
    bucket: z.string().describe('Thanos object storage bucket of the cluster'),
    prefix: z.string().describe('Thanos object storage prefix of the cluster'),
    objstoreType: z
      .string()
      .describe('GCS or S3 (GCS for files that do not say)'),
    objstoreEndpoint: z.string().describe('S3 endpoint; empty for GCS'),
    gatewayHostnames: z
      .array(z.string())
      .describe(
        'The Gateway hostnames, given or derived from the cluster name',
      ),
    localQueryEndpoint: z
      .string()
      .describe(
        "host:443 of the cluster's local Thanos Query (first hostname)",
      ),
  });

/**
 * `obs:cluster:values`: creates or updates `values.<cluster>.yaml`, aligned with its siblings.
 *
 * @public
 */
export function createClusterValuesAction(options: { settings: ObsSettings }) {
  const { settings } = options;
  return createTemplateAction({
    id: 'obs:cluster:values',
    description:
      'Creates or updates charts/app-of-apps/values.<cluster>.yaml (cluster, source, components, observability values) keeping comments and key order, and refuses values that break alignment with the other clusters.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Onboard a new dev cluster',
        example: `steps:
  - id: values
    action: obs:cluster:values
    input:
      cluster: dev-02
      environment: dev
      server: https://dev-02-k8s.endpoint.kubernetes
      components: { monitoring: true, logging: true, jaeger: true }`,
      },
      {
        description: 'Disable tracing on an existing cluster',
        example: `steps:
  - id: values
    action: obs:cluster:values
    input:
      cluster: stag-01
      mode: update
      components: { jaeger: false }`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      if (input.thanos) {
        input.thanos.bucket ||= undefined;
        input.thanos.endpoint ||= undefined;
      }
      const relDir = input.valuesPath ?? settings.valuesPath;
      const dir = workspaceFile(ctx.workspacePath, relDir, 'valuesPath');
      const relPath = path.posix.join(relDir, valuesFileName(input.cluster));
      const file = workspaceFile(ctx.workspacePath, relPath, 'cluster');

      const derived = derivedNames(input.cluster, settings.naming);
      const gatewayHostnames = input.gatewayHostnames?.length
        ? [...new Set(input.gatewayHostnames)]
        : [derived.localQueryHost];
      checkHostsNameCluster(
        'gatewayHostnames',
        gatewayHostnames,
        input.cluster,
        input[ALLOW_FOREIGN_HOSTS],
      );
      if (input.thanos?.endpoint !== undefined && input.thanos.type !== 'S3') {
        throw new InputError(
          'thanos.endpoint: only for thanos.type S3 (GCS needs no endpoint)',
        );
      }
      if (input.thanos?.type === 'S3' && !input.thanos.endpoint) {
        throw new InputError('thanos.endpoint: required for thanos.type S3');
      }
      if (input.server !== undefined) {
        const problem = serverProblem(input.server, settings.httpClusterHosts);
        if (problem) throw new InputError(`server: ${problem}`);
      }

      const all = await readValuesFiles(dir, relDir);
      const siblings = all.filter(f => f.fileCluster !== input.cluster);
      const existingText = await readOptional(file);
      const exists = existingText !== undefined;
      if (exists && input.mode === 'create') {
        throw new InputError(
          `cluster: ${input.cluster} already exists (${relPath}); use mode update to change it`,
        );
      }
      if (!exists && input.mode === 'update') {
        throw new InputError(`cluster: ${relPath} does not exist`);
      }
      const siblingFacts = siblings.map(f =>
        factsOf(f.doc, f.path, settings.labels),
      );

      let doc: Document;
      if (exists) {
        doc = parseValuesFile(existingText, relPath);
        const name = doc.getIn(PATHS.name);
        if (name !== undefined && name !== input.cluster) {
          throw new InputError(
            `cluster: ${relPath} describes cluster "${String(name)}", not "${
              input.cluster
            }"`,
          );
        }
        applyUpdate(doc, input, settings);
      } else {
        if (!input.environment) {
          throw new InputError('environment: required to create a cluster');
        }
        if (!input.server) {
          throw new InputError('server: required to create a cluster');
        }
        const env = input.environment;
        const sameEnv = siblingFacts.find(f => f.environment === env);
        const anySibling = (key: keyof (typeof siblingFacts)[number]) =>
          siblingFacts.find(f => f[key] !== undefined)?.[key] as
            | string
            | undefined;
        const retention = settings.retentionDefaults(env);
        // The fleet's trace policy lives in the one ops file (FLEET_WIDE_RETENTION).
        const ownsTraces =
          env === 'ops' && !siblingFacts.some(f => f.environment === 'ops');
        const components = {
          monitoring: input.components?.monitoring ?? true,
          logging: input.components?.logging ?? true,
          jaeger: input.components?.jaeger ?? true,
        };
        const text = newValuesFileText({
          cluster: input.cluster,
          server: input.server,
          environment: env,
          targetRevision:
            input.targetRevision ?? sameEnv?.targetRevision ?? 'HEAD',
          components,
          jaegerQuery: env === 'ops' && !siblingFacts.some(f => f.jaegerQuery),
          labels: settings.labels,
          extraLabels: input.extraExternalLabels ?? {},
          objstore: {
            type: input.thanos?.type ?? 'GCS',
            endpoint: input.thanos?.endpoint,
            bucket: input.thanos?.bucket ?? derived.bucket,
            prefix: input.thanos?.prefix ?? input.cluster,
          },
          indexPrefix: input.logging?.indexPrefix ?? derived.indexPrefix,
          shippingEndpoint:
            input.logging?.shippingEndpoint ??
            anySibling('shippingEndpoint') ??
            derived.shippingEndpoint,
          spanIndexPrefix:
            input.tracing?.spanIndexPrefix ??
            anySibling('spanIndexPrefix') ??
            'jaeger',
          collectorElasticsearchUrl:
            input.tracing?.collectorElasticsearchUrl ??
            anySibling('collectorElasticsearchUrl') ??
            derived.elasticsearchUrl,
          retention: {
            metrics: retention.metrics,
            logs: retention.logs,
            ...(ownsTraces ? { traces: retention.traces } : {}),
          },
        });
        doc = parseValuesFile(text, relPath);
      }

      const facts = factsOf(doc, relPath, settings.labels);
      const alignment = checkAlignment(facts, siblingFacts, settings.labels);
      for (const warning of alignment.warnings) {
        ctx.logger.warn(warning);
      }
      if (alignment.errors.length) {
        throw new InputError(
          `${relPath} would break alignment with the other clusters:\n- ${alignment.errors.join(
            '\n- ',
          )}`,
        );
      }

      await writeFilesAtomically(ctx.workspacePath, [
        { path: relPath, content: doc.toString() },
      ]);
      ctx.logger.info(
        `${exists ? 'Updated' : 'Created'} ${relPath} (aligned with ${
          siblingFacts.length
        } other cluster(s))`,
      );
      ctx.output('path', relPath);
      ctx.output('created', !exists);
      ctx.output(
        'siblings',
        siblingFacts.map(f => f.name ?? f.path),
      );
      ctx.output('warnings', alignment.warnings);
      ctx.output('environment', facts.environment ?? '');
      ctx.output('targetRevision', facts.targetRevision ?? '');
      ctx.output('bucket', facts.bucket ?? '');
      ctx.output('prefix', facts.prefix ?? '');
      ctx.output('objstoreType', facts.objstoreType ?? 'GCS');
      ctx.output('objstoreEndpoint', facts.objstoreEndpoint ?? '');
      ctx.output('gatewayHostnames', gatewayHostnames);
      ctx.output('localQueryEndpoint', `${gatewayHostnames[0]}:443`);
    },
  });
}

type Input = ReturnType<ReturnType<typeof inputSchema>['parse']>;

/** Sets only what the input asks for; everything else in the file stays as it is. */
function applyUpdate(doc: Document, input: Input, settings: ObsSettings) {
  const set = (p: readonly string[], value: unknown) => {
    if (value !== undefined) doc.setIn(p, value);
  };
  set(PATHS.name, input.cluster);
  set(PATHS.server, input.server);
  if (input.environment) {
    set(PATHS.environment, input.environment);
    set(
      [...PATHS.externalLabels, settings.labels.environment],
      input.environment,
    );
  }
  set([...PATHS.externalLabels, settings.labels.cluster], input.cluster);
  for (const [k, v] of Object.entries(input.extraExternalLabels ?? {})) {
    set([...PATHS.externalLabels, k], v);
  }
  set(PATHS.targetRevision, input.targetRevision);
  set(PATHS.monitoring, input.components?.monitoring);
  set(PATHS.logging, input.components?.logging);
  set(PATHS.jaeger, input.components?.jaeger);
  set(PATHS.objstoreType, input.thanos?.type);
  if (input.thanos?.type === 'GCS') doc.deleteIn(PATHS.objstoreEndpoint);
  set(PATHS.objstoreEndpoint, input.thanos?.endpoint);
  set(PATHS.bucket, input.thanos?.bucket);
  set(PATHS.prefix, input.thanos?.prefix);
  set(PATHS.indexPrefix, input.logging?.indexPrefix);
  set(PATHS.shippingEndpoint, input.logging?.shippingEndpoint);
  set(PATHS.spanIndexPrefix, input.tracing?.spanIndexPrefix);
  set(
    PATHS.collectorElasticsearchUrl,
    input.tracing?.collectorElasticsearchUrl,
  );
}
