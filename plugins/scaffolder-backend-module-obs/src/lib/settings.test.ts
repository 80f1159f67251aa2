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
      demoRepoPath: undefined,
      gitTimeoutMs: 120_000,
      backendTimeoutMs: 30_000,
      labels: { cluster: 'cluster', environment: 'environment' },
      sealedSecrets: {
        certificate: undefined,
        fleetWide: false,
        clusters: {},
        controllerNamespace: 'kube-system',
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

  it('takes the label names the observability back end queries by, with the same defaults', () => {
    expect(settings().labels).toEqual(DEFAULT_CLUSTER_LABELS);
    expect(
      settings({ labels: { cluster: 'k8s_cluster', environment: 'env' } })
        .labels,
    ).toEqual({ cluster: 'k8s_cluster', environment: 'env' });
  });

  it('reads the timeout from observability.scaffolder.gitTimeout (default 2 minutes)', () => {
    expect(settings().gitTimeoutMs).toBe(120_000);
    expect(
      settings({ scaffolder: { gitTimeout: { seconds: 30 } } }).gitTimeoutMs,
    ).toBe(30_000);
    expect(
      settings({
        scaffolder: { gitTimeout: { hours: 1, minutes: 2, milliseconds: 5 } },
      }).gitTimeoutMs,
    ).toBe(3_720_005);
    expect(settings({ scaffolder: { gitTimeout: '90s' } }).gitTimeoutMs).toBe(
      90_000,
    );
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
});
