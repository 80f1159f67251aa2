import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { DEFAULT_CLUSTER_LABELS } from '@fleetobs/plugin-observability-common';
import { readSettings } from './settings';

const settings = (observability: JsonObject = {}) =>
  readSettings(new ConfigReader({ observability }));

describe('readSettings', () => {
  it('fills in the documented defaults', () => {
    expect(settings()).toEqual({
      valuesPath: 'charts/app-of-apps',
      gitops: { repoUrl: undefined, baseBranch: 'main', readTimeoutMs: 30_000 },
      backendTimeoutMs: 30_000,
      httpClusterHosts: [],
      labels: { cluster: 'cluster', environment: 'environment' },
      naming: { clusterDomain: 'example.com', bucketPrefix: undefined },
      grafanaUrl: undefined,
      retentionDefaults: expect.any(Function),
      sealedSecrets: {
        certificate: undefined,
        fleetWide: false,
        clusters: {},
        controllerNamespace: 'kube-system',
        controllerName: 'sealed-secrets-controller',
        controllerPort: '8080',
        fetchTimeoutMs: 10_000,
      },
      pki: {
        ca: undefined,
        issuerRef: {
          name: 'platform-ca',
          kind: 'ClusterIssuer',
          group: 'cert-manager.io',
        },
      },
    });
  });

  it("reads where each cluster's sealed-secrets controller is and how long to wait for its certificate", () => {
    expect(
      settings({
        sealedSecrets: {
          fleetWide: true,
          clusters: { 'prod-01': { certificate: 'PEM' } },
          controllerNamespace: 'sealed-secrets',
          controllerName: 'sealed-secrets',
          controllerPort: 'http',
          fetchTimeout: { seconds: 3 },
        },
      }).sealedSecrets,
    ).toEqual({
      certificate: undefined,
      fleetWide: true,
      clusters: { 'prod-01': 'PEM' },
      controllerNamespace: 'sealed-secrets',
      controllerName: 'sealed-secrets',
      controllerPort: 'http',
      fetchTimeoutMs: 3_000,
    });
    expect(
      settings({ sealedSecrets: { controllerPort: 9443, fetchTimeout: '2m' } })
        .sealedSecrets,
    ).toMatchObject({ controllerPort: '9443', fetchTimeoutMs: 120_000 });
    expect(
      settings({ sealedSecrets: { controllerPort: '8443' } }).sealedSecrets
        .controllerPort,
    ).toBe('8443');
    for (const bad of [0, 70000, 1.5, 'no/slash', 'Http', '', true]) {
      expect(() =>
        settings({ sealedSecrets: { controllerPort: bad } }),
      ).toThrow(
        /^observability\.sealedSecrets\.controllerPort: must be a port number \(1-65535\) or a Service port name/,
      );
    }
  });

  it('takes the label names the observability back end queries by, with the same defaults', () => {
    expect(settings().labels).toEqual(DEFAULT_CLUSTER_LABELS);
    expect(
      settings({ labels: { cluster: 'k8s_cluster', environment: 'env' } })
        .labels,
    ).toEqual({ cluster: 'k8s_cluster', environment: 'env' });
  });

  it('reads the GitOps repository and its read timeout from observability.gitops, as the back end does', () => {
    expect(
      settings({
        gitops: {
          repoUrl: 'https://github.com/example-org/gitops',
          baseBranch: 'trunk',
          readTimeout: { seconds: 5 },
        },
      }).gitops,
    ).toEqual({
      repoUrl: 'https://github.com/example-org/gitops',
      baseBranch: 'trunk',
      readTimeoutMs: 5_000,
    });
    expect(
      settings({
        gitops: { readTimeout: { hours: 1, minutes: 2, milliseconds: 5 } },
      }).gitops.readTimeoutMs,
    ).toBe(3_720_005);
    expect(
      settings({ gitops: { readTimeout: '90s' } }).gitops.readTimeoutMs,
    ).toBe(90_000);
  });

  it('reads the timeout from observability.scaffolder.backendTimeout (default 30 s)', () => {
    expect(settings().backendTimeoutMs).toBe(30_000);
    expect(
      settings({ scaffolder: { backendTimeout: { milliseconds: 60 } } })
        .backendTimeoutMs,
    ).toBe(60);
    expect(
      settings({ scaffolder: { backendTimeout: 'PT1M' } }).backendTimeoutMs,
    ).toBe(60_000);
  });

  it("takes the plain-http cluster hosts of the Kubernetes plugin's catalog locator only", () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [] },
          {
            type: 'catalog',
            dangerouslyAllowClusterUrls: ['localhost', '*.lab'],
          },
        ],
      },
    });
    expect(readSettings(config).httpClusterHosts).toEqual([
      'localhost',
      '*.lab',
    ]);
  });

  it('reads the naming of derived hosts and buckets, and refuses bad values naming the key', () => {
    expect(
      settings({
        scaffolder: { clusterDomain: 'corp.example', bucketPrefix: 'acme' },
        ui: { grafanaUrl: 'https://grafana.corp.example/' },
      }),
    ).toMatchObject({
      naming: { clusterDomain: 'corp.example', bucketPrefix: 'acme' },
      grafanaUrl: 'https://grafana.corp.example',
    });
    expect(() =>
      settings({ scaffolder: { clusterDomain: 'not a domain' } }),
    ).toThrow(/observability\.scaffolder\.clusterDomain: must be a DNS domain/);
    expect(() => settings({ scaffolder: { bucketPrefix: 'Acme_' } })).toThrow(
      /observability\.scaffolder\.bucketPrefix: must be/,
    );
    expect(() =>
      settings({ ui: { grafanaUrl: 'ftp://grafana.example.com' } }),
    ).toThrow(/observability\.ui\.grafanaUrl: must be an http\(s\) URL/);
  });
});
