/*
 * PKI benchmark (issue 4; not a test: it prints figures and never fails on them).
 * Run with `yarn bench` from the repository root, or only this file with
 * `bash bench/run.sh --testPathPattern pki`.
 *
 * With the real code of plugins/scaffolder-backend-module-obs it prints:
 * - (a) one cluster's certificate set (gateway server + Filebeat client + Thanos Query
 *   client, signed by an ECDSA P-256 CA) issued and each key pair sealed into a
 *   SealedSecret, by the `obs:pki:issue` action in mode `sealed`, for ECDSA P-256 and
 *   RSA 2048 leaf keys: median of BENCH_PKI_RUNS runs; plus the sealing alone
 *   (the 3 SealedSecrets of 3 values each, `buildSealedSecret`);
 * - (b) a whole seal-cluster-secrets dry run (sealed certificate mode: the certificates and
 *   the object storage credentials of a cluster, against the GitHub stand-in) (`POST /api/scaffolder/v2/dry-run`): median of
 *   BENCH_DRYRUN_RUNS runs after one warm-up run;
 * - (c) the same certificate work done by the `openssl` binary of this machine via
 *   execFile (genpkey, req -new, x509 -req -CA -extfile for 3 certificates; for sealing
 *   `openssl rand` a 32-byte key + `pkeyutl -encrypt` RSA-OAEP SHA-256 with the scope
 *   label, per sealed value; the AES-256-GCM part is not timed because `openssl enc`
 *   does not support GCM), and the ratios ours/openssl.
 * The openssl figures include one process start per command; the cost of a bare
 * `openssl version` is printed so that it can be subtracted by eye.
 */
import 'reflect-metadata';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import {
  TestCa,
  TestController,
  controllerDecrypt,
  createTestCa,
  createTestController,
  listFiles,
  mockContext,
  settingsFrom,
} from '../plugins/scaffolder-backend-module-obs/src/__testUtils__/fixtures';
import { createPkiIssueAction } from '../plugins/scaffolder-backend-module-obs/src/actions/pkiIssue';
import {
  dryRunBody,
  startGitHost,
  startScaffolderWithObsActions,
} from '../plugins/scaffolder-backend-module-obs/src/__testUtils__/dryRun';
import {
  loadCa,
  issueLeaf,
} from '../plugins/scaffolder-backend-module-obs/src/lib/pki';
import {
  buildSealedSecret,
  loadSealingKey,
} from '../plugins/scaffolder-backend-module-obs/src/lib/sealing';

const RUNS = Number(process.env.BENCH_PKI_RUNS ?? 15);
const DRYRUN_RUNS = Number(process.env.BENCH_DRYRUN_RUNS ?? 5);
const OPENSSL = process.env.BENCH_OPENSSL ?? 'openssl';
const ROOT = path.resolve(__dirname, '..');
const ALGORITHMS = ['ECDSA-P256', 'RSA-2048'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

jest.setTimeout(15 * 60_000);

const run = promisify(execFile);
const openssl = (...args: string[]) => run(OPENSSL, args);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function timeIt<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const ms = (v: number) => `${v.toFixed(1)} ms`;

/** The certificate set of one cluster, as obs:pki:issue plans it for `dev-02`. */
const PLANNED = [
  {
    id: 'gateway-server',
    secret: 'envoy-gateway-system/gateway-server-tls',
    cn: 'thanos-query.dev-02.example.com',
    eku: 'serverAuth',
  },
  {
    id: 'filebeat-client',
    secret: 'logging/filebeat-client-tls',
    cn: 'filebeat.dev-02',
    eku: 'clientAuth',
  },
  {
    id: 'thanos-query-client',
    secret: 'monitoring/thanos-query-client-tls',
    cn: 'thanos-query.dev-02',
    eku: 'clientAuth',
  },
];
/** Values sealed per SealedSecret: tls.crt, tls.key, ca.crt. */
const VALUES_PER_SECRET = 3;

describe('PKI benchmark', () => {
  const mockDir = createMockDirectory();
  let ca: TestCa;
  let controller: TestController;
  let tmp: string;
  const ours: Record<string, { total: number[]; seal: number[] }> = {};
  const ssl: Record<string, { certs: number[]; seal: number[] }> = {};
  const dryRun: Record<string, { cold: number; warm: number[] }> = {};
  let spawnMs = 0;

  beforeAll(async () => {
    [ca, controller] = await Promise.all([
      createTestCa(),
      createTestController(),
    ]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-bench-'));
    fs.writeFileSync(path.join(tmp, 'ca.crt'), ca.certificatePem);
    fs.writeFileSync(path.join(tmp, 'ca.key'), ca.privateKeyPem, {
      mode: 0o600,
    });
    fs.writeFileSync(path.join(tmp, 'sealing.crt'), controller.certificatePem);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const settings = () =>
    settingsFrom({
      sealedSecrets: {
        certificate: controller.certificatePem,
        fleetWide: true,
      },
      pki: {
        ca: { certificate: ca.certificatePem, privateKey: ca.privateKeyPem },
        issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer' },
      },
    });

  it.each(ALGORITHMS)('(a) obs:pki:issue sealed, %s', async keyAlgorithm => {
    const action = createPkiIssueAction({ settings: settings() });
    const total: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      mockDir.clear();
      const ctx = mockContext(mockDir.path, {
        cluster: 'dev-02',
        mode: 'sealed',
        keyAlgorithm,
        gatewayHostnames: ['thanos-query.dev-02.example.com'],
      });
      const [t] = await timeIt(() => action.handler(ctx as any));
      if (i > 0) total.push(t); // the first run loads code and warms up
      const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
      expect(outputs.certificates).toHaveLength(3);
      const sealedFiles = listFiles(mockDir.path).filter(f =>
        f.endsWith('.sealedsecret.yaml'),
      );
      expect(sealedFiles).toHaveLength(3);
    }
    // The work succeeded: the key of each SealedSecret opens with the controller key.
    for (const p of PLANNED) {
      const doc = YAML.parse(
        fs.readFileSync(
          path.join(
            mockDir.path,
            'clusters/dev-02/pki',
            `${p.secret.split('/')[1]}.sealedsecret.yaml`,
          ),
          'utf8',
        ),
      );
      const key = controllerDecrypt(
        controller,
        doc.spec.encryptedData['tls.key'],
        p.secret,
      ).toString('utf8');
      expect(key).toMatch(/BEGIN PRIVATE KEY/);
    }

    // The sealing alone: 3 SealedSecrets of 3 values each, with leaves issued beforehand.
    const now = new Date();
    const loaded = await loadCa(ca.certificatePem, ca.privateKeyPem, now);
    const sealingKey = loadSealingKey(controller.certificatePem, 'bench', now);
    const leaves = await Promise.all(
      PLANNED.map(p =>
        issueLeaf(
          loaded,
          {
            commonName: p.cn,
            dnsNames: [p.cn],
            purpose: p.eku as 'serverAuth' | 'clientAuth',
            keyAlgorithm,
            validityDays: 90,
          },
          now,
        ),
      ),
    );
    const seal: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const [t, secrets] = await timeIt(async () =>
        PLANNED.map((p, j) =>
          buildSealedSecret(sealingKey, {
            name: p.secret.split('/')[1],
            namespace: p.secret.split('/')[0],
            scope: 'strict',
            type: 'kubernetes.io/tls',
            data: {
              'tls.crt': Buffer.from(leaves[j].certificatePem),
              'tls.key': Buffer.from(leaves[j].privateKeyPem),
              'ca.crt': Buffer.from(loaded.pem),
            },
          }),
        ),
      );
      expect(secrets).toHaveLength(3);
      if (i > 0) seal.push(t);
    }
    ours[keyAlgorithm] = { total, seal };
  });

  it.each(ALGORITHMS)('(c) openssl, %s', async keyAlgorithm => {
    const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
    const caCrt = path.join(tmp, 'ca.crt');
    const caKey = path.join(tmp, 'ca.key');
    const sealingCrt = path.join(tmp, 'sealing.crt');
    const f = (name: string) => path.join(dir, name);
    const certs: number[] = [];
    const seal: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const [tCerts] = await timeIt(async () => {
        for (const p of PLANNED) {
          await openssl(
            'genpkey',
            ...(keyAlgorithm === 'ECDSA-P256'
              ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
              : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']),
            '-out',
            f(`${p.id}.key`),
          );
          await openssl(
            'req',
            '-new',
            '-key',
            f(`${p.id}.key`),
            '-subj',
            `/CN=${p.cn}`,
            '-out',
            f(`${p.id}.csr`),
          );
          fs.writeFileSync(
            f(`${p.id}.ext`),
            [
              'basicConstraints=critical,CA:FALSE',
              `keyUsage=critical,digitalSignature${
                keyAlgorithm === 'ECDSA-P256' ? '' : ',keyEncipherment'
              }`,
              `extendedKeyUsage=${p.eku}`,
              `subjectAltName=DNS:${p.cn}`,
              'subjectKeyIdentifier=hash',
              'authorityKeyIdentifier=keyid',
              '',
            ].join('\n'),
          );
          const serial = randomBytes(16);
          serial[0] = (serial[0] & 0x7f) | 0x01;
          await openssl(
            'x509',
            '-req',
            '-in',
            f(`${p.id}.csr`),
            '-CA',
            caCrt,
            '-CAkey',
            caKey,
            '-set_serial',
            `0x${serial.toString('hex')}`,
            '-days',
            '90',
            '-sha256',
            '-extfile',
            f(`${p.id}.ext`),
            '-out',
            f(`${p.id}.crt`),
          );
        }
      });
      const [tSeal] = await timeIt(async () => {
        for (const p of PLANNED) {
          const label = Buffer.from(p.secret, 'utf8').toString('hex');
          for (let v = 0; v < VALUES_PER_SECRET; v++) {
            await openssl('rand', '-out', f('session.key'), '32');
            await openssl(
              'pkeyutl',
              '-encrypt',
              '-certin',
              '-inkey',
              sealingCrt,
              '-pkeyopt',
              'rsa_padding_mode:oaep',
              '-pkeyopt',
              'rsa_oaep_md:sha256',
              '-pkeyopt',
              `rsa_oaep_label:${label}`,
              '-in',
              f('session.key'),
              '-out',
              f(`${p.id}.${v}.enc`),
            );
          }
        }
      });
      if (i > 0) {
        certs.push(tCerts);
        seal.push(tSeal);
      }
    }
    // The work succeeded: the certificates verify against the CA, the session key decrypts.
    for (const p of PLANNED) {
      const verified = execFileSync(OPENSSL, [
        'verify',
        '-CAfile',
        path.join(tmp, 'ca.crt'),
        f(`${p.id}.crt`),
      ]).toString();
      expect(verified).toMatch(/OK/);
    }
    fs.writeFileSync(path.join(tmp, 'sealing.key'), controller.privateKeyPem, {
      mode: 0o600,
    });
    const sessionKey = execFileSync(OPENSSL, [
      'pkeyutl',
      '-decrypt',
      '-inkey',
      path.join(tmp, 'sealing.key'),
      '-pkeyopt',
      'rsa_padding_mode:oaep',
      '-pkeyopt',
      'rsa_oaep_md:sha256',
      '-pkeyopt',
      `rsa_oaep_label:${Buffer.from(PLANNED[2].secret).toString('hex')}`,
      '-in',
      f(`${PLANNED[2].id}.${VALUES_PER_SECRET - 1}.enc`),
    ]);
    expect(sessionKey).toEqual(fs.readFileSync(f('session.key')));
    ssl[keyAlgorithm] = { certs, seal };

    if (!spawnMs) {
      const spawns: number[] = [];
      for (let i = 0; i < 21; i++) {
        const [t] = await timeIt(() => openssl('version'));
        if (i > 0) spawns.push(t);
      }
      spawnMs = median(spawns);
    }
  });

  it('(b) seal-cluster-secrets dry run', async () => {
    const gitHost = await startGitHost(path.join(tmp, 'gitops.git'));
    const server = await startScaffolderWithObsActions({
      gitHost,
      sealingCertificate: controller.certificatePem,
      ca,
    });
    const { port } = server.address() as AddressInfo;
    const bodyFor = (keyAlgorithm: Algorithm) =>
      JSON.stringify(
        dryRunBody(
          'seal-cluster-secrets',
          {
            cluster: 'resource:default/dev-01',
            sealedCertificates: true,
            keyAlgorithm,
            validityDays: 90,
            gatewayHostnames: ['thanos-query.dev-01.example.com'],
          },
          {
            objstoreAccessKey: 'AKIA-TEST',
            objstoreSecretKey: 'very-secret-key',
          },
        ),
      );
    // One back end; the two key algorithms alternate, so that neither gets a warmer process.
    const times: Record<string, number[]> = {};
    for (let i = 0; i < DRYRUN_RUNS + 1; i++) {
      for (const keyAlgorithm of ALGORITHMS) {
        const body = bodyFor(keyAlgorithm);
        const [t, res] = await timeIt(async () => {
          const r = await fetch(
            `http://127.0.0.1:${port}/api/scaffolder/v2/dry-run`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            },
          );
          return { status: r.status, json: (await r.json()) as any };
        });
        expect(res.status).toBe(200);
        expect(res.json.error).toBeUndefined();
        expect(res.json.directoryContents.map((c: any) => c.path)).toEqual(
          expect.arrayContaining([
            'clusters/dev-01/pki/gateway-server-tls.sealedsecret.yaml',
            'clusters/dev-01/secrets/thanos-objstore.sealedsecret.yaml',
          ]),
        );
        (times[keyAlgorithm] ??= []).push(t);
      }
    }
    for (const alg of ALGORITHMS) {
      dryRun[alg] = { cold: times[alg][0], warm: times[alg].slice(1) };
    }
    await gitHost.close();
  });

  afterAll(() => {
    const ratio = (a: number, b: number) =>
      b > 0 ? (a / b).toPrecision(2) : 'n/a';
    out(
      `\nPKI benchmark (${RUNS} runs, medians; node ${process.version}, ${
        os.cpus().length
      } CPUs; ${execFileSync(OPENSSL, ['version']).toString().trim()})`,
    );
    out(
      '  one cluster = 3 certificates (gateway server, Filebeat client, Thanos Query client) signed by an ECDSA P-256 CA, 3 SealedSecrets of 3 values (tls.crt, tls.key, ca.crt)',
    );
    for (const alg of ALGORITHMS) {
      const o = ours[alg];
      const s = ssl[alg];
      if (!o || !s) continue;
      const oTotal = median(o.total);
      const oSeal = median(o.seal);
      const sCerts = median(s.certs);
      const sSeal = median(s.seal);
      out(
        [
          `${alg.padEnd(10)}`,
          `ours: issue+seal (obs:pki:issue)=${ms(
            oTotal,
          )}, of which sealing ${ms(oSeal)}`,
          `openssl: certs=${ms(sCerts)} (9 execs), RSA-OAEP only=${ms(
            sSeal,
          )} (18 execs), total=${ms(sCerts + sSeal)}`,
          `ours/openssl: total=${ratio(oTotal, sCerts + sSeal)} certs=${ratio(
            oTotal - oSeal,
            sCerts,
          )} seal=${ratio(oSeal, sSeal)}`,
          `(openssl net of ${ms(spawnMs)} per process start: certs=${ms(
            sCerts - 9 * spawnMs,
          )}, seal=${ms(sSeal - 18 * spawnMs)}; ours/openssl net: total=${ratio(
            oTotal,
            sCerts + sSeal - 27 * spawnMs,
          )} certs=${ratio(oTotal - oSeal, sCerts - 9 * spawnMs)} seal=${ratio(
            oSeal,
            sSeal - 18 * spawnMs,
          )})`,
        ].join('  '),
      );
    }
    out(
      `  openssl figures include one process start per command: bare \`openssl version\` = ${ms(
        spawnMs,
      )} per exec; openssl sealing times RSA-OAEP only (openssl enc has no AES-256-GCM), ours includes AES-256-GCM and YAML`,
    );
    for (const alg of ALGORITHMS) {
      const d = dryRun[alg];
      if (!d) continue;
      out(
        `seal-cluster-secrets dry run (${alg}): median=${ms(
          median(d.warm),
        )} of ${d.warm.length} (first run ${ms(d.cold)}; runs ${d.warm
          .map(t => t.toFixed(0))
          .join(', ')} ms)`,
      );
    }
  });
});
