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
  CLUSTER_NAME_PATTERN,
  ENVIRONMENTS,
  REVISION_PATTERN,
  serverProblem,
} from '../lib/naming';
import { ObsSettings } from '../lib/settings';
import {
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
const ENDPOINT_PATTERN = /^[a-z0-9.-]+(:[0-9]{1,5})?$/;

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
        bucket: z
          .string()
          .regex(BUCKET_PATTERN, 'must be a bucket name')
          .optional(),
        prefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9/-]*$/)
          .optional(),
      })
      .optional()
      .describe(
        'Thanos object storage; default bucket of the same environment (else thanos-<env>), prefix = cluster',
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
      const relDir = input.valuesPath ?? settings.valuesPath;
      const dir = workspaceFile(ctx.workspacePath, relDir, 'valuesPath');
      const relPath = path.posix.join(relDir, valuesFileName(input.cluster));
      const file = workspaceFile(ctx.workspacePath, relPath, 'cluster');

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
        const anySibling = siblingFacts[0];
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
          bucket: input.thanos?.bucket ?? sameEnv?.bucket ?? `thanos-${env}`,
          prefix: input.thanos?.prefix ?? input.cluster,
          indexPrefix: input.logging?.indexPrefix ?? `logs-${input.cluster}`,
          shippingEndpoint:
            input.logging?.shippingEndpoint ??
            anySibling?.shippingEndpoint ??
            'logs-ingest.example.com:443',
          spanIndexPrefix:
            input.tracing?.spanIndexPrefix ??
            anySibling?.spanIndexPrefix ??
            'jaeger',
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
  set(PATHS.bucket, input.thanos?.bucket);
  set(PATHS.prefix, input.thanos?.prefix);
  set(PATHS.indexPrefix, input.logging?.indexPrefix);
  set(PATHS.shippingEndpoint, input.logging?.shippingEndpoint);
  set(PATHS.spanIndexPrefix, input.tracing?.spanIndexPrefix);
}
