import { createMockDirectory } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  OPENSSL,
  controllerDecrypt,
  mockContext,
  settingsFrom,
} from './__testUtils__/fixtures';
import { createPkiIssueAction } from './actions/pkiIssue';

describe('scripts/generate-demo-pki.sh', () => {
  const mockDir = createMockDirectory();

  it('creates a CA and a controller certificate that the actions accept', async () => {
    if (!OPENSSL) return; // the script needs openssl
    const out = path.join(mockDir.path, 'pki');
    const script = path.resolve(__dirname, '../scripts/generate-demo-pki.sh');
    execFileSync('bash', [script, out], { stdio: 'pipe' });
    const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');
    const workspace = path.join(mockDir.path, 'workspace');
    const action = createPkiIssueAction({
      settings: settingsFrom({
        // As app-config.demo.yaml: the stand-in controller key serves every cluster.
        sealedSecrets: {
          certificate: read('sealed-secrets.crt'),
          fleetWide: true,
        },
        pki: {
          ca: { certificate: read('ca.crt'), privateKey: read('ca.key') },
        },
      }),
    });
    await action.handler(
      mockContext(workspace, {
        cluster: 'dev-09',
        mode: 'sealed',
        gatewayHostnames: ['thanos-query.dev-09.example.com'],
      }) as any,
    );
    const sealed = YAML.parse(
      fs.readFileSync(
        path.join(
          workspace,
          'clusters/dev-09/pki/filebeat-client-tls.sealedsecret.yaml',
        ),
        'utf8',
      ),
    );
    const key = controllerDecrypt(
      {
        certificatePem: read('sealed-secrets.crt'),
        privateKeyPem: read('sealed-secrets.key'),
      },
      sealed.spec.encryptedData['tls.key'],
      'logging/filebeat-client-tls',
    ).toString();
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // Running it again keeps the existing material.
    const before = read('ca.crt');
    execFileSync('bash', [script, out], { stdio: 'pipe' });
    expect(read('ca.crt')).toBe(before);
  });
});
