import { InputError } from '@backstage/errors';
import {
  X509Certificate,
  constants,
  createCipheriv,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';

/** Sealing scopes of the sealed-secrets controller. */
export const SEALING_SCOPES = [
  'strict',
  'namespace-wide',
  'cluster-wide',
] as const;
export type SealingScope = (typeof SEALING_SCOPES)[number];

/** Annotations the controller reads on a SealedSecret to pick the label (scope). */
export const SCOPE_ANNOTATIONS = {
  'namespace-wide': 'sealedsecrets.bitnami.com/namespace-wide',
  'cluster-wide': 'sealedsecrets.bitnami.com/cluster-wide',
} as const;

/**
 * The RSA-OAEP label for a scope, as in sealed-secrets `EncryptionLabel`:
 * strict `namespace/name`, namespace-wide `namespace`, cluster-wide empty.
 */
export function scopeLabel(
  scope: SealingScope,
  namespace: string,
  name: string,
): Buffer {
  switch (scope) {
    case 'cluster-wide':
      return Buffer.alloc(0);
    case 'namespace-wide':
      return Buffer.from(namespace, 'utf8');
    default:
      return Buffer.from(`${namespace}/${name}`, 'utf8');
  }
}

/** A sealed-secrets controller certificate, checked once and reused for many values. */
export interface SealingKey {
  certificate: X509Certificate;
  /** SHA-256 fingerprint of the certificate, safe to log. */
  fingerprint: string;
}

/**
 * Parses and checks the controller's certificate: a PEM X.509 certificate with an RSA
 * key that is valid now. `field` names the config key or input it came from.
 */
export function loadSealingKey(
  pem: string | undefined,
  field: string,
  now: Date = new Date(),
): SealingKey {
  if (!pem || !pem.trim()) {
    throw new InputError(
      `${field}: no sealed-secrets certificate is configured`,
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (e) {
    throw new InputError(
      `${field}: not a valid PEM certificate (${(e as Error).message})`,
    );
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    throw new InputError(
      `${field}: the sealed-secrets certificate must hold an RSA key, found ${certificate.publicKey.asymmetricKeyType}`,
    );
  }
  if (new Date(certificate.validTo).getTime() <= now.getTime()) {
    throw new InputError(
      `${field}: the sealed-secrets certificate expired on ${new Date(
        certificate.validTo,
      ).toISOString()}`,
    );
  }
  if (new Date(certificate.validFrom).getTime() > now.getTime()) {
    throw new InputError(
      `${field}: the sealed-secrets certificate is not valid before ${new Date(
        certificate.validFrom,
      ).toISOString()}`,
    );
  }
  return { certificate, fingerprint: certificate.fingerprint256 };
}

/**
 * The sealed-secrets hybrid encryption (`pkg/crypto.HybridEncrypt`): a random 32-byte
 * session key encrypted with RSA-OAEP SHA-256 and the scope label, then AES-256-GCM with a
 * zero nonce (the key is single-use) over the plaintext. Output:
 * uint16 big-endian length of the RSA ciphertext || RSA ciphertext || AES ciphertext || tag.
 */
export function hybridEncrypt(
  key: SealingKey,
  plaintext: Buffer,
  label: Buffer,
): Buffer {
  const sessionKey = randomBytes(32);
  const rsaCiphertext = publicEncrypt(
    {
      key: key.certificate.publicKey,
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: label,
    },
    sessionKey,
  );
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsaCiphertext.length);
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  sessionKey.fill(0);
  return Buffer.concat([length, rsaCiphertext, body, cipher.getAuthTag()]);
}

/** Seals one value for the given scope, returning the base64 string of `encryptedData`. */
export function sealValue(
  key: SealingKey,
  value: Buffer,
  scope: SealingScope,
  namespace: string,
  name: string,
): string {
  return hybridEncrypt(key, value, scopeLabel(scope, namespace, name)).toString(
    'base64',
  );
}

/** Options of a SealedSecret manifest. */
export interface SealedSecretSpec {
  name: string;
  namespace: string;
  scope: SealingScope;
  type: string;
  /** Plain values (bytes) per key; sealed here and never returned. */
  data: Record<string, Buffer>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * Builds a `bitnami.com/v1alpha1` SealedSecret the way kubeseal does: each value sealed
 * separately, the scope annotation on the SealedSecret and on the Secret template.
 */
export function buildSealedSecret(key: SealingKey, spec: SealedSecretSpec) {
  const scopeAnnotations: Record<string, string> =
    spec.scope === 'strict' ? {} : { [SCOPE_ANNOTATIONS[spec.scope]]: 'true' };
  const encryptedData: Record<string, string> = {};
  for (const dataKey of Object.keys(spec.data).sort()) {
    encryptedData[dataKey] = sealValue(
      key,
      spec.data[dataKey],
      spec.scope,
      spec.namespace,
      spec.name,
    );
  }
  const annotations = { ...(spec.annotations ?? {}), ...scopeAnnotations };
  const templateMetadata: Record<string, unknown> = { name: spec.name };
  if (spec.namespace) templateMetadata.namespace = spec.namespace;
  if (spec.labels && Object.keys(spec.labels).length) {
    templateMetadata.labels = spec.labels;
  }
  if (Object.keys(annotations).length) {
    templateMetadata.annotations = annotations;
  }
  const metadata: Record<string, unknown> = { name: spec.name };
  if (spec.namespace) metadata.namespace = spec.namespace;
  if (Object.keys(scopeAnnotations).length) {
    metadata.annotations = scopeAnnotations;
  }
  return {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata,
    spec: {
      encryptedData,
      template: {
        metadata: templateMetadata,
        type: spec.type,
      },
    },
  };
}
