import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { workspaceFile, writeFilesAtomically } from '../lib/files';
import {
  CLUSTER_NAME_PATTERN,
  K8S_NAME_PATTERN,
  SECRET_KEY_PATTERN,
  SECRET_TYPE_PATTERN,
  labelValueProblem,
  qualifiedNameProblem,
  refine,
} from '../lib/naming';
import { SEALING_SCOPES, buildSealedSecret } from '../lib/sealing';
import { createSealingKeyResolver } from '../lib/sealingKeys';
import { ObsSettings } from '../lib/settings';
import { yamlText } from '../lib/yamlText';
import { Zod, parseInput, zod } from '../lib/zod';

/** Placeholder sealed instead of secrets, which the scaffolder does not pass to dry runs. */
export const DRY_RUN_PLACEHOLDER = '<dry-run>';

const inputSchema = (z: Zod) =>
  z.object({
    name: z
      .string()
      .max(253)
      .regex(K8S_NAME_PATTERN, 'must be a Kubernetes object name')
      .describe('Name of the Secret'),
    namespace: z
      .string()
      .max(63)
      .regex(K8S_NAME_PATTERN, 'must be a Kubernetes namespace')
      .optional()
      .describe(
        'Namespace of the Secret (required unless scope is cluster-wide)',
      ),
    scope: z
      .enum(SEALING_SCOPES)
      .default('strict')
      .describe('strict (name and namespace), namespace-wide or cluster-wide'),
    type: z
      .string()
      .max(253)
      .regex(
        SECRET_TYPE_PATTERN,
        'must be a Secret type, e.g. kubernetes.io/tls',
      )
      .default('Opaque')
      .describe('Secret type, e.g. kubernetes.io/tls'),
    data: z
      .record(z.string().regex(SECRET_KEY_PATTERN), z.string().optional())
      .default({})
      .describe(
        'Values to seal, by key; pass them from ${{ secrets.* }} so they are not stored with the task',
      ),
    yamlData: z
      .record(z.string().regex(SECRET_KEY_PATTERN), z.unknown())
      .optional()
      .describe(
        'Structured values to seal, by key: each is written as YAML by the yaml library, then sealed (for config files such as objstore.yml, so that no value is spliced into YAML text)',
      ),
    requiredYamlPaths: z
      .array(z.array(z.string()).min(2))
      .optional()
      .describe(
        'Paths into yamlData (key first) that must hold a value, e.g. [objstore.yml, config, service_account]: the scaffolder drops a key whose secret was not given, so a missing credential is refused by its path instead of sealed as an absent key',
      ),
    encoding: z
      .enum(['utf8', 'base64'])
      .default('utf8')
      .describe('Encoding of the values in data'),
    labels: z
      .record(
        z.string().superRefine(refine(qualifiedNameProblem)),
        z.string().superRefine(refine(labelValueProblem)),
      )
      .optional()
      .describe('Labels of the Secret'),
    annotations: z
      .record(z.string().superRefine(refine(qualifiedNameProblem)), z.string())
      .optional()
      .describe('Annotations of the Secret (values are any text)'),
    cluster: z
      .string()
      .regex(CLUSTER_NAME_PATTERN)
      .optional()
      .describe(
        "Cluster whose controller certificate to use: observability.sealedSecrets.clusters.<cluster>.certificate, the fleet-wide one, or else fetched from the cluster's controller through the Kubernetes plugin",
      ),
    certificate: z
      .string()
      .optional()
      .describe('PEM of the controller certificate, overriding config'),
    targetPath: z
      .string()
      .optional()
      .describe(
        'Workspace file to write the SealedSecret to; omit to only output it',
      ),
  });

const outputSchema = (z: Zod) =>
  z.object({
    path: z.string().optional(),
    manifest: z.string().describe('The SealedSecret as YAML'),
    encryptedData: z.record(z.string()),
    certificateFingerprint: z
      .string()
      .describe('SHA-256 fingerprint of the controller certificate used'),
  });

/**
 * Refuses a required yamlData path that holds nothing (the scaffolder drops keys whose
 * template rendered empty), naming it; a dry run puts DRY_RUN_PLACEHOLDER there.
 */
function setMissing(
  yamlData: Record<string, unknown>,
  keyPath: string[],
  dryRun: boolean,
): void {
  let node: any = yamlData;
  for (const [i, key] of keyPath.entries()) {
    const last = i === keyPath.length - 1;
    const value = node[key];
    if (
      last
        ? value === undefined || value === null || value === ''
        : !value || typeof value !== 'object'
    ) {
      if (!dryRun || (!last && value !== undefined && value !== null)) {
        throw new InputError(`yamlData.${keyPath.join('.')}: empty value`);
      }
      node[key] = last ? DRY_RUN_PLACEHOLDER : {};
    }
    node = node[key];
  }
}

/**
 * `value` with every empty leaf (undefined, null or '') refused, naming its path, or in a
 * dry run replaced by DRY_RUN_PLACEHOLDER.
 */
function fillEmptyLeaves(value: unknown, at: string, dryRun: boolean): unknown {
  if (value === undefined || value === null || value === '') {
    if (dryRun) return DRY_RUN_PLACEHOLDER;
    throw new InputError(`${at}: empty value`);
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => fillEmptyLeaves(v, `${at}[${i}]`, dryRun));
  }
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        fillEmptyLeaves(v, `${at}.${k}`, dryRun),
      ]),
    );
  }
  return value;
}

/**
 * `obs:secret:seal`: kubeseal-compatible SealedSecret from key/values.
 *
 * `auth` and `discovery` let it fetch a cluster's controller certificate through the
 * Kubernetes plugin, on behalf of the user who runs the task; without them only the
 * configured certificates are used.
 *
 * @public
 */
export function createSecretSealAction(options: {
  settings: ObsSettings;
  auth?: AuthService;
  discovery?: DiscoveryService;
}) {
  const sealingKeys = createSealingKeyResolver(options);
  return createTemplateAction({
    id: 'obs:secret:seal',
    description:
      'Seals key/values into a bitnami.com/v1alpha1 SealedSecret (kubeseal-compatible: RSA-OAEP SHA-256 + AES-256-GCM, strict / namespace-wide / cluster-wide scope) against the controller certificate of the cluster.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Seal the Thanos object storage config of a new cluster',
        example: `steps:
  - id: seal
    action: obs:secret:seal
    input:
      cluster: dev-02
      name: thanos-objstore
      namespace: monitoring
      data:
        objstore.yml: \${{ secrets.objstoreConfig }}
      targetPath: clusters/dev-02/secrets/thanos-objstore.sealedsecret.yaml`,
      },
      {
        description: 'A namespace-wide secret, output only',
        example: `steps:
  - id: seal
    action: obs:secret:seal
    input:
      name: es-credentials
      namespace: tracing
      scope: namespace-wide
      data:
        password: \${{ secrets.esPassword }}`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      if (input.scope !== 'cluster-wide' && !input.namespace) {
        throw new InputError(
          `namespace: required for scope ${input.scope} (the namespace is part of the encryption label)`,
        );
      }
      const target =
        input.targetPath !== undefined
          ? (workspaceFile(ctx.workspacePath, input.targetPath, 'targetPath'),
            input.targetPath)
          : undefined;
      const yamlData = input.yamlData ?? {};
      if (!Object.keys(input.data).length && !Object.keys(yamlData).length) {
        throw new InputError('data: nothing to seal');
      }
      const data: Record<string, Buffer> = {};
      for (const required of input.requiredYamlPaths ?? []) {
        setMissing(yamlData, required, ctx.isDryRun ?? false);
      }
      for (const [key, value] of Object.entries(yamlData)) {
        if (key in input.data) {
          throw new InputError(`yamlData.${key}: also given in data`);
        }
        if (value === undefined) {
          throw new InputError(`yamlData.${key}: empty value`);
        }
        // An empty leaf is a credential the form did not get (a secret left out): it
        // is never sealed as if it were one. A dry run (no secrets) seals the placeholder.
        data[key] = Buffer.from(
          yamlText(
            fillEmptyLeaves(value, `yamlData.${key}`, ctx.isDryRun ?? false),
          ),
          'utf8',
        );
      }
      for (const [key, value] of Object.entries(input.data)) {
        if (value === undefined || value === '') {
          if (ctx.isDryRun) {
            data[key] = Buffer.from(DRY_RUN_PLACEHOLDER);
            continue;
          }
          throw new InputError(`data.${key}: empty value`);
        }
        if (input.encoding === 'base64') {
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
            throw new InputError(`data.${key}: not valid base64`);
          }
          data[key] = Buffer.from(value, 'base64');
        } else {
          data[key] = Buffer.from(value, 'utf8');
        }
      }
      const key = await sealingKeys.sealingKeyFor({
        certificate: input.certificate,
        cluster: input.cluster,
        credentials: () => ctx.getInitiatorCredentials(),
      });
      const sealed = buildSealedSecret(key, {
        name: input.name,
        namespace: input.namespace ?? '',
        scope: input.scope,
        type: input.type,
        data,
        labels: input.labels,
        annotations: input.annotations,
      });
      const manifest = yamlText(sealed);
      if (target) {
        await writeFilesAtomically(ctx.workspacePath, [
          { path: target, content: manifest },
        ]);
      }
      ctx.logger.info(
        `Sealed ${Object.keys(data).length} value(s) of ${
          input.namespace ?? '*'
        }/${input.name} (${input.scope}) for the controller certificate ${
          key.fingerprint
        }`,
      );
      if (target) ctx.output('path', target);
      ctx.output('manifest', manifest);
      ctx.output('encryptedData', sealed.spec.encryptedData);
      ctx.output('certificateFingerprint', key.fingerprint);
    },
  });
}
