import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { Document, isScalar, isSeq } from 'yaml';
import { PlannedFile, workspaceFile, writeFilesAtomically } from '../lib/files';
import {
  ALLOW_FOREIGN_HOSTS,
  checkHostsNameCluster,
} from '../lib/derivedNames';
import { CLUSTER_NAME_PATTERN, HOSTNAME_PATTERN } from '../lib/naming';
import { ObsSettings } from '../lib/settings';
import { dotted, readValuesFiles } from '../lib/valuesFiles';
import { Zod, parseInput, zod } from '../lib/zod';

/** Paths of the Global Thanos Query in a values document. */
export const GLOBAL_QUERY_PATHS = {
  enable: ['globalQuery', 'enable'],
  stores: ['globalQuery', 'stores'],
} as const;

/** Returns the problem with a `host:port` store endpoint, or undefined when it is fine. */
export function endpointProblem(endpoint: string): string | undefined {
  const match = /^([^:]+):([0-9]{1,5})$/.exec(endpoint);
  if (!match) {
    return 'must be host:port, e.g. thanos-query.dev-02.example.com:443';
  }
  const [, host, port] = match;
  if (
    host.length > 253 ||
    host.startsWith('*.') ||
    !HOSTNAME_PATTERN.test(host)
  ) {
    return `host "${host}" is not a DNS host name (lower case, no wildcard)`;
  }
  const portNumber = Number(port);
  if (portNumber < 1 || portNumber > 65535) {
    return `port ${port} is outside 1-65535`;
  }
  return undefined;
}

const inputSchema = (z: Zod) =>
  z.object({
    cluster: z
      .string()
      .regex(CLUSTER_NAME_PATTERN, 'must match ^[a-z]+-[0-9]{2}$, e.g. dev-02')
      .describe('Cluster whose local Thanos Query is registered, e.g. dev-02'),
    endpoint: z
      .string()
      .superRefine((value, ctx) => {
        const problem = endpointProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe(
        "host:port of the cluster's local Thanos Query behind its Gateway, e.g. thanos-query.dev-02.example.com:443",
      ),
    [ALLOW_FOREIGN_HOSTS]: z
      .boolean()
      .optional()
      .describe(
        'Register an endpoint whose host does not contain the cluster name (refused otherwise: it would likely be another cluster’s store)',
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
    paths: z
      .array(z.string())
      .describe('Workspace paths of the values files changed (empty if none)'),
    added: z
      .boolean()
      .describe('false when every global values file already listed it'),
    stores: z
      .array(z.string())
      .describe('globalQuery.stores of the first global values file, after'),
  });

/**
 * `obs:globalquery:add-store`: adds a cluster's local Thanos Query to `globalQuery.stores`
 * of the values file(s) that enable the Global Thanos Query (the ops cluster).
 *
 * @public
 */
export function createGlobalQueryAddStoreAction(options: {
  settings: ObsSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: 'obs:globalquery:add-store',
    description:
      "Adds a cluster's local Thanos Query endpoint to globalQuery.stores of the values file(s) with globalQuery.enable: true, keeping comments and formatting; does nothing when it is already listed.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Register a new cluster with the Global Thanos Query',
        example: `steps:
  - id: global-query
    action: obs:globalquery:add-store
    input:
      cluster: dev-02
      endpoint: thanos-query.dev-02.example.com:443`,
      },
      {
        description: 'Use the first Gateway hostname of the onboarding form',
        example: `steps:
  - id: global-query
    if: \${{ parameters.monitoring }}
    action: obs:globalquery:add-store
    input:
      cluster: \${{ parameters.name }}
      endpoint: \${{ steps.values.output.localQueryEndpoint }}`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      const relDir = input.valuesPath ?? settings.valuesPath;
      const dir = workspaceFile(ctx.workspacePath, relDir, 'valuesPath');
      const endpoint = input.endpoint;
      checkHostsNameCluster(
        'endpoint',
        [endpoint.replace(/:[0-9]+$/, '')],
        input.cluster,
        input[ALLOW_FOREIGN_HOSTS],
      );

      const all = await readValuesFiles(dir, relDir);
      const globals = all.filter(
        f => f.doc.getIn(GLOBAL_QUERY_PATHS.enable) === true,
      );
      if (!globals.length) {
        throw new InputError(
          `valuesPath: no values file in ${relDir} enables the Global Thanos Query (${dotted(
            GLOBAL_QUERY_PATHS.enable,
          )}: true among ${all.length} file(s)); cannot register ${endpoint}`,
        );
      }

      const planned: PlannedFile[] = [];
      const resulting: string[][] = [];
      for (const file of globals) {
        const { stores, changed } = addStore(file.doc, file.path, endpoint);
        resulting.push(stores);
        if (changed) {
          planned.push({ path: file.path, content: file.doc.toString() });
        }
      }

      const paths = planned.length
        ? await writeFilesAtomically(ctx.workspacePath, planned)
        : [];
      for (const file of globals) {
        ctx.logger.info(
          paths.includes(file.path)
            ? `Added ${endpoint} (cluster ${input.cluster}) to ${dotted(
                GLOBAL_QUERY_PATHS.stores,
              )} of ${file.path}`
            : `${file.path} already lists ${endpoint}; unchanged`,
        );
      }
      ctx.output('paths', paths);
      ctx.output('added', paths.length > 0);
      ctx.output('stores', resulting[0]);
    },
  });
}

/**
 * Appends `endpoint` to `globalQuery.stores` of `doc` (creating the list when missing) unless
 * it is listed already. Returns the resulting list and whether the document changed.
 */
function addStore(
  doc: Document,
  relPath: string,
  endpoint: string,
): { stores: string[]; changed: boolean } {
  const where = `${relPath}: ${dotted(GLOBAL_QUERY_PATHS.stores)}`;
  const node = doc.getIn(GLOBAL_QUERY_PATHS.stores, true);
  const isEmpty =
    node === undefined ||
    (isScalar(node) && (node.value === null || node.value === undefined));
  if (isEmpty) {
    doc.setIn(GLOBAL_QUERY_PATHS.stores, doc.createNode([endpoint]));
    return { stores: [endpoint], changed: true };
  }
  if (!isSeq(node)) {
    throw new InputError(`${where} must be a list of host:port endpoints`);
  }
  const stores = node.items.map(item => {
    if (!isScalar(item) || item.value === null || item.value === undefined) {
      throw new InputError(`${where} must be a list of host:port endpoints`);
    }
    return String(item.value);
  });
  const key = endpoint.toLowerCase();
  if (stores.some(s => s.trim().toLowerCase() === key)) {
    return { stores, changed: false };
  }
  node.add(doc.createNode(endpoint));
  return { stores: [...stores, endpoint], changed: true };
}
