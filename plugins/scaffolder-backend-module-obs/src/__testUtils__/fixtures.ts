import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { DiscoveryService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  constants,
  createDecipheriv,
  createPrivateKey,
  privateDecrypt,
  webcrypto,
} from 'node:crypto';
import fs from 'node:fs';
import { ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { readSettings } from '../lib/settings';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** The seed of the demo GitOps repository. */
export const GITOPS_SEED = path.resolve(
  __dirname,
  '../../../../examples/gitops-repo',
);
export const VALUES_DIR = 'charts/app-of-apps';

/** Copies the seed's values files into `workspace/charts/app-of-apps`. */
export function seedValues(workspace: string) {
  const target = path.join(workspace, VALUES_DIR);
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(path.join(GITOPS_SEED, VALUES_DIR))) {
    if (/^values\..+\.yaml$/.test(name)) {
      fs.copyFileSync(
        path.join(GITOPS_SEED, VALUES_DIR, name),
        path.join(target, name),
      );
    }
  }
}

/** Every file below a folder, relative, sorted. */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e =>
      e.isDirectory()
        ? listFiles(path.join(dir, e.name), path.posix.join(prefix, e.name))
        : [path.posix.join(prefix, e.name)],
    )
    .sort();
}

/** Snapshot of a folder: relative path → content. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

function pem(der: ArrayBuffer, label: string) {
  const b64 = Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A test sealed-secrets controller: RSA key pair and self-signed certificate. */
export interface TestController {
  certificatePem: string;
  privateKeyPem: string;
}

export async function createTestController(
  options: { modulusLength?: number; notBefore?: Date; notAfter?: Date } = {},
): Promise<TestController> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: options.modulusLength ?? 2048,
  };
  const keys = (await subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'O=sealed-secret, CN=sealed-secret',
    keys,
    signingAlgorithm: alg,
    notBefore: options.notBefore ?? new Date(Date.now() - 86400_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 3650 * 86400_000),
    extensions: [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyEncipherment |
          x509.KeyUsageFlags.digitalSignature,
        true,
      ),
    ],
  });
  return {
    certificatePem: cert.toString('pem'),
    privateKeyPem: pem(
      await subtle.exportKey('pkcs8', keys.privateKey),
      'PRIVATE KEY',
    ),
  };
}

/**
 * Decrypts one `encryptedData` value the way the controller does (sealed-secrets
 * `HybridDecrypt`), written independently of the code under test.
 */
export function controllerDecrypt(
  controller: TestController,
  value: string,
  label: string,
): Buffer {
  const bytes = Buffer.from(value, 'base64');
  const rsaLength = bytes.readUInt16BE(0);
  const rsaPart = bytes.subarray(2, 2 + rsaLength);
  const aesPart = bytes.subarray(2 + rsaLength);
  const sessionKey = privateDecrypt(
    {
      key: createPrivateKey(controller.privateKeyPem),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: Buffer.from(label, 'utf8'),
    },
    rsaPart,
  );
  const decipher = createDecipheriv(
    'aes-256-gcm',
    sessionKey,
    Buffer.alloc(12),
  );
  decipher.setAuthTag(aesPart.subarray(aesPart.length - 16));
  return Buffer.concat([
    decipher.update(aesPart.subarray(0, aesPart.length - 16)),
    decipher.final(),
  ]);
}

/** A test CA. */
export interface TestCa {
  certificatePem: string;
  privateKeyPem: string;
}

export async function createTestCa(
  options: {
    algorithm?: 'ECDSA' | 'RSA';
    isCa?: boolean;
    notBefore?: Date;
    notAfter?: Date;
  } = {},
): Promise<TestCa> {
  const alg =
    options.algorithm === 'RSA'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          hash: 'SHA-256',
          publicExponent: new Uint8Array([1, 0, 1]),
          modulusLength: 2048,
        }
      : { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await subtle.generateKey(alg, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Fleet Observability Test CA, O=fleetobs',
    keys,
    signingAlgorithm: alg,
    notBefore: options.notBefore ?? new Date(Date.now() - 86400_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 3650 * 86400_000),
    extensions: [
      new x509.BasicConstraintsExtension(options.isCa ?? true, undefined, true),
      new x509.KeyUsagesExtension(
        options.isCa === false
          ? x509.KeyUsageFlags.digitalSignature
          : x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certificatePem: cert.toString('pem'),
    privateKeyPem: pem(
      await subtle.exportKey('pkcs8', keys.privateKey),
      'PRIVATE KEY',
    ),
  };
}

/** Module settings from an `observability` config block. */
export function settingsFrom(observability: JsonObject) {
  return readSettings(new ConfigReader({ observability }));
}

/** A mock context with a logger whose calls can be inspected. */
export function mockContext<T extends Record<string, any>>(
  workspacePath: string,
  input: T,
  options: { isDryRun?: boolean } = {},
): ActionContext<T, any> & { logger: MockLogger } {
  const logger = mockServices.logger.mock();
  const ctx = createMockActionContext({ workspacePath, input, logger });
  // The test utils still build contexts of scaffolder-node 0.x; the shape is the same.
  return {
    ...(ctx as unknown as ActionContext<T, any>),
    isDryRun: options.isDryRun ?? false,
    logger,
  };
}

type MockLogger = ReturnType<typeof mockServices.logger.mock>;

/** Everything an action emitted (outputs and log lines), to check that no secret leaked. */
export function emitted(ctx: ReturnType<typeof mockContext>): string {
  const calls = [
    ...(ctx.output as jest.Mock).mock.calls,
    ...(ctx.logger.info as jest.Mock).mock.calls,
    ...(ctx.logger.warn as jest.Mock).mock.calls,
    ...(ctx.logger.error as jest.Mock).mock.calls,
    ...(ctx.logger.debug as jest.Mock).mock.calls,
  ];
  return JSON.stringify(calls);
}

export const OPENSSL = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find(p =>
  fs.existsSync(p),
);

/**
 * Runs an action's handler in a workspace, the way the action tests do: `run` gives the
 * context and the outputs by name; `expectRefused` expects the step to fail with
 * `message` and the workspace to be left exactly as it was.
 */
export function actionRunner(
  action: { handler(ctx: any): Promise<void> },
  workspacePath: () => string,
) {
  async function run(
    input: Record<string, unknown>,
    options: { isDryRun?: boolean } = {},
  ) {
    const ctx = mockContext(workspacePath(), input, options);
    await action.handler(ctx);
    return {
      ctx,
      outputs: Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls,
      ) as Record<string, any>,
    };
  }
  async function expectRefused(
    input: Record<string, unknown>,
    message: RegExp,
    options: { isDryRun?: boolean } = {},
  ) {
    const before = snapshot(workspacePath());
    await expect(
      action.handler(mockContext(workspacePath(), input, options)),
    ).rejects.toThrow(message);
    expect(snapshot(workspacePath())).toEqual(before);
  }
  return { run, expectRefused };
}

/** A discovery service whose plugins are all at `<baseUrl>/api/<pluginId>`. */
export function discoveryAt(baseUrl: string): DiscoveryService {
  return {
    getBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
    getExternalBaseUrl: async pluginId => `${baseUrl}/api/${pluginId}`,
  };
}

/** The token `mockServices.auth()` issues on behalf of the mock user for the Kubernetes plugin. */
export const KUBERNETES_TOKEN_OF_MOCK_USER = mockCredentials.service.token({
  onBehalfOf: mockCredentials.user(),
  targetPluginId: 'kubernetes',
});

/** One request that reached the Kubernetes proxy stand-in. */
export interface KubernetesProxyRequest {
  method: string;
  /** The path below `/api/kubernetes/proxy`, as sent. */
  path: string;
  /** The `Backstage-Kubernetes-Cluster` header. */
  cluster?: string;
  authorization?: string;
}

/**
 * A stand-in for the kubernetes-backend plugin's proxy endpoint
 * (`/api/kubernetes/proxy/*`) on a free port: records every request and lets `handle`
 * answer; anything else is a Backstage 404. `discovery` points the actions at it.
 */
export async function startKubernetesProxyStandIn(
  handle: (
    request: KubernetesProxyRequest,
    res: ServerResponse,
  ) => void | Promise<void>,
) {
  const requests: KubernetesProxyRequest[] = [];
  const server = createServer(async (req, res) => {
    const prefix = '/api/kubernetes/proxy';
    const url = req.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'Not Found' },
        }),
      );
      return;
    }
    const request: KubernetesProxyRequest = {
      method: req.method ?? 'GET',
      path: url.slice(prefix.length),
      cluster: req.headers['backstage-kubernetes-cluster'] as
        | string
        | undefined,
      authorization: req.headers.authorization,
    };
    requests.push(request);
    try {
      await handle(request, res);
    } catch (e) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { name: 'Error', message: String(e) } }),
        );
      }
    }
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    discovery: discoveryAt(url),
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers a proxy request with a Backstage error body, as the kubernetes-backend does. */
export function sendBackstageError(
  res: ServerResponse,
  status: number,
  name: string,
  message: string,
) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { name, message } }));
}

/**
 * A proxy handler that forwards to the fleet simulator's API server of the named
 * cluster (`<simulator>/k8s/<cluster>/...`), as the kubernetes-backend forwards to the
 * cluster it knows under that name; a cluster outside `knownClusters` is a 404 like
 * the plugin's `Cluster '<name>' not found`.
 */
export function forwardToFleetSimulator(
  simulatorUrl: string,
  knownClusters?: string[],
) {
  return async (request: KubernetesProxyRequest, res: ServerResponse) => {
    const cluster = request.cluster ?? '';
    if (!cluster || (knownClusters && !knownClusters.includes(cluster))) {
      sendBackstageError(
        res,
        404,
        'NotFoundError',
        `Cluster '${cluster}' not found`,
      );
      return;
    }
    const answer = await fetch(
      `${simulatorUrl}/k8s/${encodeURIComponent(cluster)}${request.path}`,
      { method: request.method },
    );
    const body = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'text/plain',
    });
    res.end(body);
  };
}

/**
 * The kubernetes-backend's proxy when the Kubernetes plugin knows one cluster only: its
 * controller answers with `certificatePem`, any other cluster is a 404 as the plugin says it.
 */
export function startProxyKnowingOnly(cluster: string, certificatePem: string) {
  return startKubernetesProxyStandIn((request, res) => {
    if (request.cluster !== cluster) {
      sendBackstageError(
        res,
        404,
        'NotFoundError',
        `Cluster '${request.cluster}' not found`,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(certificatePem);
  });
}
