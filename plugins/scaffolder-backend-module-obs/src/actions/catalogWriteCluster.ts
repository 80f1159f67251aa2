import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  AUTH_PROVIDERS,
  caDataCertificates,
  caDataProblem,
  clusterEntity,
} from '../lib/clusterEntity';
import { workspaceFile, writeFilesAtomically } from '../lib/files';
import {
  CLUSTER_NAME_PATTERN,
  ENVIRONMENTS,
  SYSTEM_REF_PATTERN,
  ownerProblem,
  refine,
  serverProblem,
} from '../lib/naming';
import { ObsSettings } from '../lib/settings';
import { yamlText } from '../lib/yamlText';
import { Zod, parseInput, zod } from '../lib/zod';

const HEADER = `The cluster as a catalog entity: read by the Fleet Observability plugins (environment label)
and by the Kubernetes plugin's catalog cluster locator (kubernetes.io/* annotations).
Written by obs:catalog:write-cluster; kubernetes.io/api-server-certificate-authority is the
base64 PEM of the API server's CA (empty when not given at onboarding).`;

const inputSchema = (z: Zod, httpHosts: string[] = []) =>
  z.object({
    cluster: z
      .string()
      .regex(CLUSTER_NAME_PATTERN, 'must match ^[a-z]+-[0-9]{2}$, e.g. dev-02')
      .describe('Cluster name, the entity name'),
    environment: z
      .enum(ENVIRONMENTS)
      .describe(
        'Environment of the cluster (label observability.fleetobs.io/environment)',
      ),
    server: z
      .string()
      .superRefine(refine(server => serverProblem(server, httpHosts)))
      .describe(
        "Kubernetes API server URL, https (http only for the Kubernetes plugin's dangerouslyAllowClusterUrls hosts) (kubernetes.io/api-server)",
      ),
    caData: z
      .string()
      .default('')
      .superRefine(refine(caDataProblem))
      .describe(
        "Base64 PEM of the API server's CA (certificate-authority-data of the kubeconfig); empty when unknown",
      ),
    authProvider: z
      .enum(AUTH_PROVIDERS)
      .default('oidc')
      .describe('kubernetes.io/auth-provider for the Kubernetes plugin'),
    owner: z
      .string()
      .superRefine(refine(ownerProblem))
      .describe('Owner entity ref, e.g. group:default/platform-team'),
    system: z
      .string()
      .regex(SYSTEM_REF_PATTERN, 'must be an entity ref of a system')
      .default('observability-platform')
      .describe('System entity ref the cluster belongs to'),
    targetPath: z
      .string()
      .optional()
      .describe(
        'Workspace file to write (default clusters/<cluster>/catalog-info.yaml)',
      ),
  });

const outputSchema = (z: Zod) =>
  z.object({
    path: z.string().describe('Workspace path of the catalog file'),
    entityRef: z.string().describe('Entity ref of the cluster'),
  });

/**
 * `obs:catalog:write-cluster`: the cluster's catalog `Resource` entity, built as an object
 * from validated input and written with the `yaml` library (never spliced as text), so no
 * value can add a key, an annotation or a document.
 *
 * @public
 */
export function createCatalogWriteClusterAction(
  options: {
    settings?: Pick<ObsSettings, 'httpClusterHosts'> &
      Partial<Pick<ObsSettings, 'grafanaUrl'>>;
  } = {},
) {
  const httpHosts = options.settings?.httpClusterHosts ?? [];
  const grafanaUrl = options.settings?.grafanaUrl;
  return createTemplateAction({
    id: 'obs:catalog:write-cluster',
    description:
      "Writes clusters/<cluster>/catalog-info.yaml: the cluster's Resource entity (type kubernetes-cluster) with the Kubernetes plugin annotations, built from validated input and serialized with the yaml library.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Catalog entity of a new cluster',
        example: `steps:
  - id: catalog
    action: obs:catalog:write-cluster
    input:
      cluster: dev-02
      environment: dev
      server: https://dev-02-k8s.endpoint.kubernetes
      caData: \${{ parameters.caData }}
      authProvider: oidc
      owner: group:default/platform-team`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod, httpHosts), ctx.input);
      const relPath =
        input.targetPath ?? `clusters/${input.cluster}/catalog-info.yaml`;
      workspaceFile(ctx.workspacePath, relPath, 'targetPath');
      const now = Date.now();
      for (const cert of input.caData ? caDataCertificates(input.caData) : []) {
        if (new Date(cert.validTo).getTime() <= now) {
          ctx.logger.warn(
            `caData: certificate ${cert.subject.replace(
              /\n/g,
              ', ',
            )} expired on ${cert.validTo}`,
          );
        }
      }
      const entity = clusterEntity({
        cluster: input.cluster,
        environment: input.environment,
        server: input.server,
        caData: input.caData,
        authProvider: input.authProvider,
        owner: input.owner,
        system: input.system,
        grafanaUrl,
      });
      await writeFilesAtomically(ctx.workspacePath, [
        { path: relPath, content: yamlText(entity, { comment: HEADER }) },
      ]);
      const entityRef = `resource:default/${input.cluster}`;
      ctx.logger.info(`Wrote ${entityRef} to ${relPath}`);
      ctx.output('path', relPath);
      ctx.output('entityRef', entityRef);
    },
  });
}
