/**
 * The Sealed Secrets controller of each simulated cluster, as `kubeseal --fetch-cert`
 * reaches it through the cluster's API server service proxy:
 * `GET /api/v1/namespaces/kube-system/services/sealed-secrets-controller:8080/proxy/v1/cert.pem`
 * (or kubeseal's own `services/http:sealed-secrets-controller:/proxy/v1/cert.pem`).
 *
 * Each cluster's controller has its own RSA key pair and a self-signed certificate like
 * the one the controller makes (`CN=sealed-secret, O=sealed-secret`, CA, key usage
 * encipher only, 10 years), made on first use and kept for the process. Any cluster
 * name of the fleet's form (`^[a-z]+-[0-9]{2}$`) has a controller, so that a cluster
 * onboarded in the demo (e.g. `dev-02`) answers before the simulator models it.
 */
import {
  KeyObject,
  generateKeyPair,
  randomBytes,
  sign as signData,
} from 'node:crypto';
import { promisify } from 'node:util';
import { KubernetesError } from './kubernetes';

/** Where the controller runs in every simulated cluster (the Helm chart's defaults). */
export const SEALING_CONTROLLER = {
  namespace: 'kube-system',
  service: 'sealed-secrets-controller',
  port: 8080,
  portName: 'http',
} as const;

/** Cluster names that have a controller even when the simulator does not model them. */
export const NEW_CLUSTER_NAME = /^[a-z]+-[0-9]{2}$/;

/** A controller's key pair: the certificate it serves and, for tests, its private key. */
export interface SealingControllerKeys {
  certificatePem: string;
  /** PKCS#8 PEM: what decrypts the SealedSecrets sealed for this cluster. */
  privateKeyPem: string;
}

const VALIDITY_MS = 10 * 365 * 24 * 3600_000;
const MAX_CACHED = 1000;
const KEYS = new Map<string, Promise<SealingControllerKeys>>();
const generateRsa = promisify(generateKeyPair);

// ---------------------------------------------------------------------------
// a minimal DER writer: just what one self-signed X.509 certificate needs

function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  let length: Buffer;
  if (body.length < 0x80) {
    length = Buffer.from([body.length]);
  } else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'));
const printable = (text: string) => tlv(0x13, Buffer.from(text, 'ascii'));
const TRUE = tlv(0x01, Buffer.from([0xff]));
const NULL = Buffer.from([0x05, 0x00]);

function positiveInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  return tlv(
    0x02,
    trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed,
  );
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2025-01-02T03:04:05.678Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(
    8,
    10,
  )}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii'))
    : tlv(0x18, Buffer.from(digits, 'ascii'));
}

const OID = {
  sha256WithRsa: '2a864886f70d01010b', // 1.2.840.113549.1.1.11
  organization: '55040a', // 2.5.4.10
  commonName: '550403', // 2.5.4.3
  keyUsage: '551d0f', // 2.5.29.15
  basicConstraints: '551d13', // 2.5.29.19
};

/** `O=sealed-secret, CN=sealed-secret`, subject and issuer of the controller's certificate. */
const CONTROLLER_NAME = sequence(
  set(sequence(oid(OID.organization), printable('sealed-secret'))),
  set(sequence(oid(OID.commonName), printable('sealed-secret'))),
);

/** A self-signed certificate as the sealed-secrets controller makes (`crypto.SignKey`). */
function selfSignedCertificate(
  publicKey: KeyObject,
  privateKey: KeyObject,
  notBefore: Date,
): string {
  const algorithm = sequence(oid(OID.sha256WithRsa), NULL);
  const extensions = sequence(
    // keyUsage: encipherOnly (bit 7), critical
    sequence(
      oid(OID.keyUsage),
      TRUE,
      tlv(0x04, tlv(0x03, Buffer.from([0x00, 0x01]))),
    ),
    // basicConstraints: CA, critical
    sequence(oid(OID.basicConstraints), TRUE, tlv(0x04, sequence(TRUE))),
  );
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    positiveInteger(randomBytes(16)),
    algorithm,
    CONTROLLER_NAME,
    sequence(
      time(notBefore),
      time(new Date(notBefore.getTime() + VALIDITY_MS)),
    ),
    CONTROLLER_NAME,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, extensions),
  );
  const signature = signData('sha256', tbs, privateKey);
  const der = sequence(
    tbs,
    algorithm,
    tlv(0x03, Buffer.concat([Buffer.from([0]), signature])),
  );
  const base64 = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

async function createControllerKeys(): Promise<SealingControllerKeys> {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
  });
  return {
    // Valid from an hour ago, as a controller that has run a while (and so that a
    // clock a second behind does not see a certificate from the future).
    certificatePem: selfSignedCertificate(
      publicKey,
      privateKey,
      new Date(Date.now() - 3_600_000),
    ),
    privateKeyPem: privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
}

/**
 * The key pair of `cluster`'s sealed-secrets controller: its own, made on first use and
 * the same for the rest of the process (for every simulator started in it).
 */
export function sealingControllerKeys(
  cluster: string,
): Promise<SealingControllerKeys> {
  let keys = KEYS.get(cluster);
  if (!keys) {
    if (KEYS.size >= MAX_CACHED) {
      KEYS.delete(KEYS.keys().next().value!);
    }
    keys = createControllerKeys();
    KEYS.set(cluster, keys);
    keys.catch(() => KEYS.delete(cluster));
  }
  return keys;
}

/** The PEM certificate `cluster`'s controller serves at `/v1/cert.pem`. */
export async function sealingControllerCertificate(
  cluster: string,
): Promise<string> {
  return (await sealingControllerKeys(cluster)).certificatePem;
}

/** An answer of the service proxy. */
export interface ProxyAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** `services/<name>`, `services/<name>:<port>` or `services/<scheme>:<name>:<port>`. */
function parseServiceRef(ref: string) {
  const parts = ref.split(':');
  if (parts.length === 3) {
    return { scheme: parts[0], name: parts[1], port: parts[2] };
  }
  if (parts.length === 2) return { scheme: '', name: parts[0], port: parts[1] };
  return { scheme: '', name: ref, port: '' };
}

/**
 * Answers `/api/v1/namespaces/<ns>/services/<service>/proxy/...` of `clusterName`'s API
 * server (`path` is what follows `/k8s/<cluster>`), or returns undefined for any other
 * path. Only the sealed-secrets controller is there; other services are `NotFound`.
 */
export async function serviceProxy(
  clusterName: string,
  path: string,
  method: string,
): Promise<ProxyAnswer | undefined> {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [api, version, namespaces, namespace, services, ref, proxy] = segments;
  if (
    api !== 'api' ||
    version !== 'v1' ||
    namespaces !== 'namespaces' ||
    services !== 'services' ||
    proxy !== 'proxy' ||
    !namespace ||
    !ref
  ) {
    return undefined;
  }
  if (method !== 'GET' && method !== 'HEAD') {
    throw new KubernetesError(
      405,
      'MethodNotAllowed',
      `the fleet simulator's Kubernetes API is read-only (${method} ${path})`,
    );
  }
  const service = parseServiceRef(ref);
  if (
    namespace !== SEALING_CONTROLLER.namespace ||
    service.name !== SEALING_CONTROLLER.service
  ) {
    throw new KubernetesError(
      404,
      'NotFound',
      `services "${service.name}" not found`,
      { name: service.name, kind: 'services' },
    );
  }
  const knownPorts = ['', String(SEALING_CONTROLLER.port), 'http'];
  if (
    !['', 'http'].includes(service.scheme) ||
    !knownPorts.includes(service.port)
  ) {
    throw new KubernetesError(
      503,
      'ServiceUnavailable',
      `no endpoints available for service "${ref}"`,
    );
  }
  const inner = `/${segments.slice(7).join('/')}`;
  if (inner === '/v1/cert.pem') {
    return {
      status: 200,
      body: await sealingControllerCertificate(clusterName),
      contentType: 'text/plain; charset=utf-8',
    };
  }
  if (inner === '/healthz') {
    return { status: 200, body: 'ok', contentType: 'text/plain' };
  }
  // The controller's own HTTP server (Go's ServeMux) for anything else.
  return {
    status: 404,
    body: '404 page not found\n',
    contentType: 'text/plain; charset=utf-8',
  };
}
