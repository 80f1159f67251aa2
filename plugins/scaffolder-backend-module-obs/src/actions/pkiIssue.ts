import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PlannedFile, workspaceFile, writeFilesAtomically } from '../lib/files';
import {
  CLUSTER_NAME_PATTERN,
  HOSTNAME_PATTERN,
  K8S_NAME_PATTERN,
} from '../lib/naming';
import {
  CertificatePurpose,
  KEY_ALGORITHMS,
  KeyAlgorithm,
  checkLeafValidity,
  issueLeaf,
  loadCa,
  parseCertificate,
} from '../lib/pki';
import { SEALING_SCOPES, buildSealedSecret } from '../lib/sealing';
import {
  SealingKeyResolver,
  createSealingKeyResolver,
} from '../lib/sealingKeys';
import { ObsSettings } from '../lib/settings';
import { yamlText } from '../lib/yamlText';
import { Zod, parseInput, zod } from '../lib/zod';

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'backstage-scaffolder' };

const inputSchema = (z: Zod) =>
  z.object({
    cluster: z
      .string()
      .regex(CLUSTER_NAME_PATTERN, 'must match ^[a-z]+-[0-9]{2}$')
      .describe('Cluster the material is for'),
    mode: z
      .enum(['cert-manager', 'sealed'])
      .default('cert-manager')
      .describe(
        'cert-manager: Certificate manifests for the configured issuer; sealed: certificates signed here, keys only inside SealedSecrets',
      ),
    gatewayHostnames: z
      .array(z.string().max(253).regex(HOSTNAME_PATTERN, 'must be a DNS name'))
      .min(1)
      .describe(
        'SANs of the Gateway server certificate; the first is its common name',
      ),
    keyAlgorithm: z
      .enum(KEY_ALGORITHMS)
      .default('ECDSA-P256')
      .describe('Key of each certificate'),
    validityDays: z
      .number()
      .int()
      .min(1)
      .max(825)
      .default(90)
      .describe('Validity of each certificate in days'),
    renewBeforeDays: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe('cert-manager renewBefore, in days'),
    namespaces: z
      .object({
        gateway: z
          .string()
          .regex(K8S_NAME_PATTERN)
          .default('envoy-gateway-system'),
        logging: z.string().regex(K8S_NAME_PATTERN).default('logging'),
        monitoring: z.string().regex(K8S_NAME_PATTERN).default('monitoring'),
        tracing: z.string().regex(K8S_NAME_PATTERN).default('tracing'),
      })
      .default({})
      .describe(
        'Namespaces of the Gateway, Filebeat, Thanos Query and Jaeger collector secrets',
      ),
    sealingScope: z.enum(SEALING_SCOPES).default('strict'),
    outputDir: z
      .string()
      .optional()
      .describe(
        'Workspace folder for the manifests (default clusters/<cluster>/pki)',
      ),
  });

const certificateInfo = (z: Zod) =>
  z.object({
    id: z.string(),
    secretName: z.string(),
    namespace: z.string(),
    purpose: z.string(),
    commonName: z.string(),
    dnsNames: z.array(z.string()),
    serialNumber: z.string().optional(),
    notBefore: z.string().optional(),
    notAfter: z.string().optional(),
    sha256Fingerprint: z.string().optional(),
  });

const outputSchema = (z: Zod) =>
  z.object({
    mode: z.string(),
    files: z.array(z.string()),
    certificates: z.array(certificateInfo(z)),
    caFingerprint: z.string().optional(),
  });

interface PlannedCertificate {
  id: string;
  secretName: string;
  namespace: string;
  purpose: CertificatePurpose;
  commonName: string;
  dnsNames: string[];
}

function sha256Fingerprint(pem: string): string {
  const der = Buffer.from(
    pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .match(/.{2}/g)!
    .join(':');
}

function caBundleManifest(
  caPem: string,
  namespaces: string[],
  cluster: string,
) {
  return namespaces
    .map(namespace =>
      yamlText({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'observability-ca-bundle',
          namespace,
          labels: {
            ...MANAGED_BY,
            'observability.fleetobs.io/cluster': cluster,
          },
        },
        data: { 'ca.crt': caPem },
      }),
    )
    .join('---\n');
}

/** The parsed input of `obs:pki:issue`, defaults applied. */
type PkiIssueInput = ReturnType<typeof parsePkiIssueInput>;

const parsePkiIssueInput = (input: unknown) =>
  parseInput(inputSchema(zod), input);

/** What one mode produces: the files to write, what to log and what to output. */
interface PkiMaterial {
  files: PlannedFile[];
  messages: string[];
  certificates: Array<PlannedCertificate & Record<string, string | string[]>>;
  caFingerprint?: string;
}

/** What both modes work from: the three certificates, where they go, their labels. */
interface PkiPlan {
  input: PkiIssueInput;
  outputDir: string;
  out: (name: string) => string;
  planned: PlannedCertificate[];
  namespaces: string[];
  labels: Record<string, string>;
}

function planPki(input: PkiIssueInput, workspacePath: string): PkiPlan {
  const outputDir = input.outputDir ?? `clusters/${input.cluster}/pki`;
  workspaceFile(workspacePath, outputDir, 'outputDir');
  const ns = input.namespaces;
  const planned: PlannedCertificate[] = [
    {
      id: 'gateway-server',
      secretName: 'gateway-server-tls',
      namespace: ns.gateway,
      purpose: 'serverAuth',
      commonName: input.gatewayHostnames[0],
      dnsNames: [...new Set(input.gatewayHostnames)],
    },
    {
      id: 'filebeat-client',
      secretName: 'filebeat-client-tls',
      namespace: ns.logging,
      purpose: 'clientAuth',
      commonName: `filebeat.${input.cluster}`,
      dnsNames: [`filebeat.${input.cluster}`],
    },
    {
      id: 'thanos-query-client',
      secretName: 'thanos-query-client-tls',
      namespace: ns.monitoring,
      purpose: 'clientAuth',
      commonName: `thanos-query.${input.cluster}`,
      dnsNames: [`thanos-query.${input.cluster}`],
    },
    // The Jaeger collectors' client certificate to the shared Elasticsearch (seed step
    // 5.3, "JC->>ES: HTTPS (mTLS / credentials)"), like Filebeat's.
    {
      id: 'jaeger-collector-client',
      secretName: 'jaeger-collector-client-tls',
      namespace: ns.tracing,
      purpose: 'clientAuth',
      commonName: `jaeger-collector.${input.cluster}`,
      dnsNames: [`jaeger-collector.${input.cluster}`],
    },
  ];
  return {
    input,
    outputDir,
    out: name => path.posix.join(outputDir, name),
    planned,
    namespaces: [...new Set(planned.map(p => p.namespace))],
    labels: {
      ...MANAGED_BY,
      'observability.fleetobs.io/cluster': input.cluster,
    },
  };
}

/**
 * Mode `cert-manager`: a Certificate per planned certificate for the configured
 * issuer, and the CA bundle when the CA certificate is configured (its key never is
 * used here).
 */
function certManagerMaterial(
  plan: PkiPlan,
  settings: ObsSettings,
): PkiMaterial {
  const { input, out, planned, labels } = plan;
  let caPem: string | undefined;
  if (settings.pki.ca?.certificate) {
    // Only the public CA certificate is used in this mode.
    caPem = parseCertificate(
      settings.pki.ca.certificate,
      'observability.pki.ca.certificate',
    ).toString('pem');
  }
  if (input.renewBeforeDays >= input.validityDays) {
    throw new InputError(
      `renewBeforeDays: ${input.renewBeforeDays} must be less than validityDays (${input.validityDays})`,
    );
  }
  const { issuerRef } = settings.pki;
  const files: PlannedFile[] = planned.map(p => ({
    path: out(`${p.id}.certificate.yaml`),
    content: yamlText({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: p.id, namespace: p.namespace, labels },
      spec: {
        secretName: p.secretName,
        commonName: p.commonName,
        dnsNames: p.dnsNames,
        duration: `${input.validityDays * 24}h`,
        renewBefore: `${input.renewBeforeDays * 24}h`,
        usages: [
          p.purpose === 'serverAuth' ? 'server auth' : 'client auth',
          'digital signature',
          ...(input.keyAlgorithm === 'ECDSA-P256' ? [] : ['key encipherment']),
        ],
        privateKey:
          input.keyAlgorithm === 'ECDSA-P256'
            ? { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' }
            : {
                algorithm: 'RSA',
                size: input.keyAlgorithm === 'RSA-4096' ? 4096 : 2048,
                rotationPolicy: 'Always',
              },
        issuerRef: { ...issuerRef },
      },
    }),
  }));
  if (caPem) {
    files.push({
      path: out('ca-bundle.yaml'),
      content: caBundleManifest(caPem, plan.namespaces, input.cluster),
    });
  }
  return {
    files,
    messages: [
      `Wrote ${planned.length} cert-manager Certificates for ${issuerRef.kind}/${issuerRef.name} to ${plan.outputDir}`,
    ],
    certificates: planned.map(p => ({ ...p })),
    caFingerprint: caPem && sha256Fingerprint(caPem),
  };
}

/**
 * Mode `sealed`: certificates signed here with the configured CA, each key written only
 * inside a SealedSecret for the cluster's controller. The CA, its key and the
 * controller certificate are checked before any work.
 */
async function sealedMaterial(
  plan: PkiPlan,
  settings: ObsSettings,
  sealingKeys: SealingKeyResolver,
  credentials: () => Promise<BackstageCredentials>,
  at: Date,
): Promise<PkiMaterial> {
  const { input, out, planned, labels } = plan;
  const ca = await loadCa(
    settings.pki.ca?.certificate,
    settings.pki.ca?.privateKey,
    at,
  );
  checkLeafValidity(ca, input.validityDays, at);
  const sealingKey = await sealingKeys.sealingKeyFor(
    { cluster: input.cluster, credentials },
    at,
  );

  const files: PlannedFile[] = [];
  const issued = [];
  for (const p of planned) {
    const leaf = await issueLeaf(
      ca,
      {
        commonName: p.commonName,
        dnsNames: p.dnsNames,
        purpose: p.purpose,
        keyAlgorithm: input.keyAlgorithm as KeyAlgorithm,
        validityDays: input.validityDays,
      },
      at,
    );
    const sealed = buildSealedSecret(sealingKey, {
      name: p.secretName,
      namespace: p.namespace,
      scope: input.sealingScope,
      type: 'kubernetes.io/tls',
      labels,
      data: {
        'tls.crt': Buffer.from(leaf.certificatePem),
        'tls.key': Buffer.from(leaf.privateKeyPem),
        'ca.crt': Buffer.from(ca.pem),
      },
    });
    files.push(
      { path: out(`${p.id}.crt`), content: leaf.certificatePem },
      {
        path: out(`${p.secretName}.sealedsecret.yaml`),
        content: yamlText(sealed),
      },
    );
    issued.push({
      ...p,
      serialNumber: leaf.serialNumber,
      notBefore: leaf.notBefore.toISOString(),
      notAfter: leaf.notAfter.toISOString(),
      sha256Fingerprint: leaf.sha256Fingerprint,
    });
  }
  files.push(
    { path: out('ca.crt'), content: ca.pem },
    {
      path: out('ca-bundle.yaml'),
      content: caBundleManifest(ca.pem, plan.namespaces, input.cluster),
    },
  );
  return {
    files,
    messages: issued.map(
      c =>
        `Issued ${c.id} (${c.purpose}, serial ${c.serialNumber}, until ${c.notAfter}) sealed into ${c.namespace}/${c.secretName} for controller ${sealingKey.fingerprint}`,
    ),
    certificates: issued,
    caFingerprint: sha256Fingerprint(ca.pem),
  };
}

/**
 * `obs:pki:issue`: the mTLS material of a new cluster.
 *
 * @public
 */
export function createPkiIssueAction(options: {
  settings: ObsSettings;
  /** With `discovery`: fetch a cluster's controller certificate when config has none. */
  auth?: AuthService;
  discovery?: DiscoveryService;
  now?: () => Date;
}) {
  const { settings } = options;
  const sealingKeys = createSealingKeyResolver(options);
  const now = options.now ?? (() => new Date());
  return createTemplateAction({
    id: 'obs:pki:issue',
    description:
      'Writes the mTLS material of a cluster: Gateway server certificate, Filebeat, Thanos Query and Jaeger collector client certificates and the CA bundle, as cert-manager Certificates (default) or as certificates signed here whose keys are written only inside SealedSecrets.',
    supportsDryRun: true,
    examples: [
      {
        description:
          'cert-manager Certificates for the configured ClusterIssuer',
        example: `steps:
  - id: pki
    action: obs:pki:issue
    input:
      cluster: dev-02
      gatewayHostnames: [thanos-query.dev-02.example.com]`,
      },
      {
        description:
          'Sign here with the configured CA (RSA 4096, 60 days) and seal the keys',
        example: `steps:
  - id: pki
    action: obs:pki:issue
    input:
      cluster: prod-02
      mode: sealed
      keyAlgorithm: RSA-4096
      validityDays: 60
      gatewayHostnames: [thanos-query.prod-02.example.com]`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parsePkiIssueInput(ctx.input);
      const plan = planPki(input, ctx.workspacePath);
      const material =
        input.mode === 'cert-manager'
          ? certManagerMaterial(plan, settings)
          : await sealedMaterial(
              plan,
              settings,
              sealingKeys,
              () => ctx.getInitiatorCredentials(),
              now(),
            );
      await writeFilesAtomically(ctx.workspacePath, material.files);
      for (const message of material.messages) {
        ctx.logger.info(message);
      }
      ctx.output('mode', input.mode);
      ctx.output(
        'files',
        material.files.map(f => f.path),
      );
      ctx.output('certificates', material.certificates);
      if (material.caFingerprint) {
        ctx.output('caFingerprint', material.caFingerprint);
      }
    },
  });
}
