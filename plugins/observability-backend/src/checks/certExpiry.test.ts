import { testTls } from '../__testUtils__/testTls';
import { X509Certificate } from 'node:crypto';
import { FIXTURE_CLUSTERS, fixture, fixtureContext } from '../__fixtures__';
import {
  certExpiryQuery,
  evaluateClusterCertExpiry,
  evaluateConfiguredCertExpiry,
  pemBlocks,
} from './certExpiry';
import { answered, failed } from './types';

const tls = testTls;
const DAY = 86400_000;

describe('cert-expiry from cert-manager metrics', () => {
  const ctx = fixtureContext();

  it('asks for the soonest certificate per cluster', () => {
    expect(certExpiryQuery(ctx.labels)).toBe(
      'bottomk by (cluster) (1, certmanager_certificate_expiration_timestamp_seconds - time())',
    );
  });

  it('judges each cluster; a cluster without metrics is unknown, not ok', () => {
    const r = evaluateClusterCertExpiry(
      answered(fixture('thanos/query-cert-expiry.json').data),
      FIXTURE_CLUSTERS,
      ctx,
    );
    expect(r['dev-01'].status).toBe('ok');
    expect(r['dev-01'].evidence.values).toMatchObject({
      certificate: 'monitoring/thanos-query-client',
      days_left: 60.01,
    });
    expect(r['stag-01'].status).toBe('warn');
    expect(r['prod-01'].status).toBe('critical');
    expect(r['prod-01'].summary).toMatch(
      /envoy-gateway-system\/gateway-server expires in 2 days/,
    );
    expect(r['ops-01'].status).toBe('unknown');
    expect(r['ops-01'].evidence.error).toMatch(
      /no certmanager_certificate_expiration_timestamp_seconds/,
    );
  });

  it('is unknown when Thanos failed', () => {
    expect(
      evaluateClusterCertExpiry(failed('x'), FIXTURE_CLUSTERS, ctx)['dev-01']
        .status,
    ).toBe('unknown');
  });
});

describe('cert-expiry without cert-manager metrics', () => {
  it('does not apply when no cluster exports them', () => {
    const empty = answered({ resultType: 'vector' as const, result: [] });
    expect(
      evaluateClusterCertExpiry(empty, FIXTURE_CLUSTERS, fixtureContext()),
    ).toEqual({});
  });
});

describe('cert-expiry from PEM in config', () => {
  const clientNotAfter = new Date(
    new X509Certificate(tls('client.crt')).validTo,
  );
  const certs = [
    {
      upstream: 'thanos' as const,
      field: 'ca' as const,
      configKey: 'observability.thanos.tls.ca',
      pem: tls('ca.crt') + tls('other-ca.crt'),
    },
    {
      upstream: 'thanos' as const,
      field: 'cert' as const,
      configKey: 'observability.thanos.tls.cert',
      pem: tls('client.crt'),
    },
  ];

  it('splits bundles', () => {
    expect(pemBlocks(certs[0].pem)).toHaveLength(2);
  });

  it.each([
    [60, 'ok'],
    [14, 'warn'],
    [3, 'critical'],
    [-1, 'critical'],
  ])('%s days before expiry is %s', (days, status) => {
    const now = new Date(clientNotAfter.getTime() - days * DAY);
    const r = evaluateConfiguredCertExpiry(certs, fixtureContext({ now }))!;
    expect(r.status).toBe(status);
    expect(r.evidence.values).toMatchObject({
      certificates: 3,
      config_key: 'observability.thanos.tls.cert',
      subject: 'CN=backstage-observability',
    });
    expect(JSON.stringify(r)).not.toMatch(/PRIVATE KEY/);
  });

  it('reports unreadable PEM as critical and nothing when none is configured', () => {
    const r = evaluateConfiguredCertExpiry(
      [
        {
          upstream: 'jaeger',
          field: 'cert',
          configKey: 'observability.jaeger.tls.cert',
          pem: 'not a cert',
        },
      ],
      fixtureContext(),
    );
    expect(r?.status).toBe('critical');
    expect(evaluateConfiguredCertExpiry([], fixtureContext())).toBeUndefined();
  });
});
