import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Name =
  | 'ca.crt'
  | 'ca.key'
  | 'other-ca.crt'
  | 'server.crt'
  | 'server.key'
  | 'client.crt'
  | 'client.key';

let dir: string | undefined;

// Test-only TLS material, made with openssl into a temporary folder once per test
// file (no private key is committed): a CA, a localhost server certificate, a
// 90-day client certificate and an unrelated CA.
function generate(): string {
  const out = mkdtempSync(join(tmpdir(), 'fleetobs-tls-'));
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: out, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  for (const [name, cn] of [
    ['ca', 'fleetobs test CA'],
    ['other-ca', 'unrelated CA'],
  ]) {
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '3650',
      '-subj',
      `/CN=${cn}`,
    );
  }
  const leaf = (name: string, cn: string, days: number, ext: string) => {
    writeFileSync(join(out, `${name}.ext`), ext);
    openssl(
      'req',
      ...ec,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      String(days),
      '-extfile',
      `${name}.ext`,
    );
  };
  leaf(
    'server',
    'localhost',
    3650,
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  leaf(
    'client',
    'backstage-observability',
    90,
    'extendedKeyUsage=clientAuth\n',
  );
  return out;
}

/** A PEM file of the test TLS material. */
export function testTls(name: Name): string {
  dir ??= generate();
  return readFileSync(join(dir, name), 'utf8');
}
