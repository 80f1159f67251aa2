import 'reflect-metadata';
import { InputError } from '@backstage/errors';
import * as x509 from '@peculiar/x509';
import {
  KeyObject,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  webcrypto,
} from 'node:crypto';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Key algorithms offered for issued certificates. */
export const KEY_ALGORITHMS = ['ECDSA-P256', 'RSA-2048', 'RSA-4096'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** What a certificate is for: its extended key usage. */
export type CertificatePurpose = 'serverAuth' | 'clientAuth';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Issued certificates start this long before "now", for clock skew between machines. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A CA loaded from config, checked and ready to sign. */
export interface LoadedCa {
  certificate: x509.X509Certificate;
  pem: string;
  signingKey: CryptoKey;
  signingAlgorithm: Algorithm | EcdsaParams;
}

/** Parses a PEM certificate with @peculiar/x509, naming `field` on failure. */
export function parseCertificate(
  pem: string,
  field: string,
): x509.X509Certificate {
  if (!pem || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(`${field}: not a PEM certificate`);
  }
  try {
    return new x509.X509Certificate(pem.trim());
  } catch (e) {
    throw new InputError(
      `${field}: not a valid PEM certificate (${(e as Error).message})`,
    );
  }
}

function curveOf(key: KeyObject): 'P-256' | 'P-384' | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'prime256v1' || curve === 'P-256') return 'P-256';
  if (curve === 'secp384r1' || curve === 'P-384') return 'P-384';
  return undefined;
}

/**
 * Loads the CA of mode `sealed`: the certificate must be a valid, unexpired CA
 * (basicConstraints cA, keyCertSign when key usage is present) and the private key must
 * be the certificate's key. Nothing about the key is ever put into an error message.
 */
export async function loadCa(
  certificatePem: string | undefined,
  privateKeyPem: string | undefined,
  now: Date,
  field = 'observability.pki.ca',
): Promise<LoadedCa> {
  if (!certificatePem) {
    throw new InputError(
      `${field}.certificate: no CA certificate is configured`,
    );
  }
  if (!privateKeyPem) {
    throw new InputError(
      `${field}.privateKey: no CA private key is configured`,
    );
  }
  const certificate = parseCertificate(certificatePem, `${field}.certificate`);
  if (certificate.notAfter.getTime() <= now.getTime()) {
    throw new InputError(
      `${field}.certificate: the CA certificate expired on ${certificate.notAfter.toISOString()}`,
    );
  }
  if (certificate.notBefore.getTime() > now.getTime()) {
    throw new InputError(
      `${field}.certificate: the CA certificate is not valid before ${certificate.notBefore.toISOString()}`,
    );
  }
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) {
    throw new InputError(
      `${field}.certificate: not a CA certificate (basicConstraints cA is not set)`,
    );
  }
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (usage && !(usage.usages & x509.KeyUsageFlags.keyCertSign)) {
    throw new InputError(
      `${field}.certificate: the CA certificate's key usage does not allow keyCertSign`,
    );
  }

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw new InputError(`${field}.privateKey: not a valid PEM private key`);
  }
  const keySpki = createPublicKey(privateKey).export({
    type: 'spki',
    format: 'der',
  });
  if (!keySpki.equals(Buffer.from(certificate.publicKey.rawData))) {
    throw new InputError(
      `${field}.privateKey: does not match the public key of ${field}.certificate`,
    );
  }

  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  let signingKey: CryptoKey;
  let signingAlgorithm: Algorithm | EcdsaParams;
  if (privateKey.asymmetricKeyType === 'ec') {
    const namedCurve = curveOf(privateKey);
    if (!namedCurve) {
      throw new InputError(
        `${field}.privateKey: unsupported EC curve (use P-256 or P-384)`,
      );
    }
    const hash = namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256';
    signingKey = await subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'ECDSA', namedCurve },
      false,
      ['sign'],
    );
    signingAlgorithm = { name: 'ECDSA', hash } as EcdsaParams;
  } else if (privateKey.asymmetricKeyType === 'rsa') {
    signingKey = await subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    signingAlgorithm = { name: 'RSASSA-PKCS1-v1_5' };
  } else {
    throw new InputError(
      `${field}.privateKey: unsupported key type ${privateKey.asymmetricKeyType} (use ECDSA or RSA)`,
    );
  }
  return {
    certificate,
    pem: certificate.toString('pem'),
    signingKey,
    signingAlgorithm,
  };
}

/** What to issue. */
export interface LeafRequest {
  commonName: string;
  dnsNames: string[];
  purpose: CertificatePurpose;
  keyAlgorithm: KeyAlgorithm;
  validityDays: number;
}

/** An issued certificate. `privateKeyPem` must only ever leave inside a SealedSecret. */
export interface IssuedLeaf {
  certificatePem: string;
  privateKeyPem: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  sha256Fingerprint: string;
}

function keyGenParams(
  algorithm: KeyAlgorithm,
): RsaHashedKeyGenParams | EcKeyGenParams {
  if (algorithm === 'ECDSA-P256') {
    return { name: 'ECDSA', namedCurve: 'P-256' };
  }
  return {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: algorithm === 'RSA-4096' ? 4096 : 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  };
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join(
    '\n',
  )}\n-----END ${label}-----\n`;
}

/** Checks a request against the CA before any key is generated. */
export function checkLeafValidity(
  ca: LoadedCa,
  validityDays: number,
  now: Date,
  field = 'validityDays',
): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(
    Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000,
  );
  const notAfter = new Date(notBefore.getTime() + validityDays * DAY_MS);
  if (notAfter.getTime() > ca.certificate.notAfter.getTime()) {
    throw new InputError(
      `${field}: ${validityDays} days would outlive the CA certificate, which expires on ${ca.certificate.notAfter.toISOString()}`,
    );
  }
  return { notBefore, notAfter };
}

/** Generates a key pair and a certificate for it, signed by the CA. */
export async function issueLeaf(
  ca: LoadedCa,
  request: LeafRequest,
  now: Date,
): Promise<IssuedLeaf> {
  const { notBefore, notAfter } = checkLeafValidity(
    ca,
    request.validityDays,
    now,
  );
  const keys = (await subtle.generateKey(
    keyGenParams(request.keyAlgorithm),
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive INTEGER
  serial[0] |= 0x01; // no leading zero byte to strip
  const caSki = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const isRsa = request.keyAlgorithm !== 'ECDSA-P256';
  const keyUsage =
    x509.KeyUsageFlags.digitalSignature |
    (isRsa ? x509.KeyUsageFlags.keyEncipherment : 0);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: [{ CN: [request.commonName] }],
    issuer: ca.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ca.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(keyUsage, true),
      new x509.ExtendedKeyUsageExtension(
        [
          request.purpose === 'serverAuth'
            ? x509.ExtendedKeyUsage.serverAuth
            : x509.ExtendedKeyUsage.clientAuth,
        ],
        false,
      ),
      new x509.SubjectAlternativeNameExtension(
        request.dnsNames.map(value => ({ type: 'dns' as const, value })),
        false,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      caSki
        ? new x509.AuthorityKeyIdentifierExtension(caSki.keyId)
        : await x509.AuthorityKeyIdentifierExtension.create(
            ca.certificate.publicKey,
          ),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  const fingerprint = Buffer.from(
    await certificate.getThumbprint('SHA-256'),
  ).toString('hex');
  return {
    certificatePem: `${certificate.toString('pem')}\n`,
    privateKeyPem: toPem(pkcs8, 'PRIVATE KEY'),
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    sha256Fingerprint: fingerprint.match(/.{2}/g)!.join(':').toUpperCase(),
  };
}
