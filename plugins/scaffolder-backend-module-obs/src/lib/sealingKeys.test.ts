import { JsonObject } from '@backstage/types';
import { X509Certificate } from 'node:crypto';
import {
  TestController,
  createTestController,
  settingsFrom,
} from '../__testUtils__/fixtures';
import { sealingKeyFor } from './sealingKeys';

jest.setTimeout(60_000);

describe('sealingKeyFor: which controller certificate seals for a cluster', () => {
  let fleet: TestController;
  let prod: TestController;
  let given: TestController;
  const fingerprint = (c: TestController) =>
    new X509Certificate(c.certificatePem).fingerprint256;

  beforeAll(async () => {
    [fleet, prod, given] = await Promise.all([
      createTestController(),
      createTestController(),
      createTestController(),
    ]);
  });

  const settings = (sealedSecrets: JsonObject) =>
    settingsFrom({ sealedSecrets });
  const perCluster = () => ({
    clusters: { 'prod-01': { certificate: prod.certificatePem } },
  });

  it('refuses a cluster without a certificate, naming the cluster and the config key', () => {
    expect(() =>
      sealingKeyFor(settings(perCluster()), { cluster: 'dev-07' }),
    ).toThrow(
      /cluster: no sealed-secrets controller certificate is configured for cluster "dev-07"; set observability\.sealedSecrets\.clusters\.dev-07\.certificate/,
    );
  });

  it('refuses an unknown cluster even when a certificate is configured but not declared fleet-wide', () => {
    const s = settings({ certificate: fleet.certificatePem, ...perCluster() });
    expect(() => sealingKeyFor(s, { cluster: 'dev-07' })).toThrow(
      /cluster "dev-07"; set observability\.sealedSecrets\.clusters\.dev-07\.certificate .*observability\.sealedSecrets\.fleetWide: true/,
    );
    // Also with fleetWide set to false explicitly.
    expect(() =>
      sealingKeyFor(
        settings({
          certificate: fleet.certificatePem,
          fleetWide: false,
          ...perCluster(),
        }),
        { cluster: 'dev-07' },
      ),
    ).toThrow(/dev-07\.certificate/);
  });

  it('refuses to seal without a cluster unless a fleet-wide certificate is configured', () => {
    expect(() =>
      sealingKeyFor(
        settings({ certificate: fleet.certificatePem, ...perCluster() }),
        {},
      ),
    ).toThrow(
      /cluster: required to pick the sealed-secrets controller certificate \(observability\.sealedSecrets\.clusters\.<cluster>\.certificate\)/,
    );
  });

  it("uses the cluster's own certificate", () => {
    const key = sealingKeyFor(settings(perCluster()), { cluster: 'prod-01' });
    expect(key.fingerprint).toBe(fingerprint(prod));
  });

  it('prefers the cluster certificate over a fleet-wide one', () => {
    const s = settings({
      certificate: fleet.certificatePem,
      fleetWide: true,
      ...perCluster(),
    });
    expect(sealingKeyFor(s, { cluster: 'prod-01' }).fingerprint).toBe(
      fingerprint(prod),
    );
  });

  it('uses the fleet-wide certificate only when it is configured as such', () => {
    const s = settings({
      certificate: fleet.certificatePem,
      fleetWide: true,
      ...perCluster(),
    });
    expect(sealingKeyFor(s, { cluster: 'dev-07' }).fingerprint).toBe(
      fingerprint(fleet),
    );
    expect(sealingKeyFor(s, {}).fingerprint).toBe(fingerprint(fleet));
  });

  it('fleetWide without a certificate names the missing key', () => {
    expect(() =>
      sealingKeyFor(settings({ fleetWide: true }), { cluster: 'dev-07' }),
    ).toThrow(
      /observability\.sealedSecrets\.certificate: no sealed-secrets certificate is configured/,
    );
  });

  it('a certificate given with the input wins', () => {
    expect(
      sealingKeyFor(settings(perCluster()), {
        certificate: given.certificatePem,
        cluster: 'prod-01',
      }).fingerprint,
    ).toBe(fingerprint(given));
  });

  it('does not take inherited object keys for cluster names', () => {
    expect(() =>
      sealingKeyFor(settings(perCluster()), { cluster: 'constructor' }),
    ).toThrow(/cluster "constructor"/);
  });
});
