import {
  clusterFromEntity,
  isValidClusterName,
  mergeClusters,
} from './clusters';

const clusterEntity = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default', labels },
  spec: { type: 'kubernetes-cluster', owner: 'platform-team' },
});

describe('clusters', () => {
  it('accepts DNS-label cluster names only', () => {
    expect(isValidClusterName('prod-01')).toBe(true);
    expect(isValidClusterName('Prod-01')).toBe(false);
    expect(isValidClusterName('prod"}or{')).toBe(false);
    expect(isValidClusterName('')).toBe(false);
  });

  it('turns kubernetes-cluster Resources into clusters and ignores others', () => {
    expect(
      clusterFromEntity(
        clusterEntity('ops-01', {
          'observability.fleetobs.io/environment': 'ops',
        }),
      ),
    ).toEqual({
      name: 'ops-01',
      environment: 'ops',
      entityRef: 'resource:default/ops-01',
      sources: ['catalog'],
    });
    expect(
      clusterFromEntity({
        ...clusterEntity('db-01'),
        spec: { type: 'database' },
      }),
    ).toBeUndefined();
  });

  it('merges config and catalog by name, config first for the environment', () => {
    const merged = mergeClusters(
      [
        { name: 'prod-01', environment: 'prod', sources: ['config'] },
        { name: 'dev-01', environment: 'unknown', sources: ['config'] },
      ],
      [
        {
          name: 'prod-01',
          environment: 'production',
          entityRef: 'resource:default/prod-01',
          sources: ['catalog'],
        },
        { name: 'dev-01', environment: 'dev', sources: ['catalog'] },
        { name: 'new-01', environment: 'dev', sources: ['catalog'] },
      ],
    );
    expect(
      merged.map(c => [c.name, c.environment, c.sources.join('+')]),
    ).toEqual([
      ['dev-01', 'dev', 'config+catalog'],
      ['new-01', 'dev', 'catalog'],
      ['prod-01', 'prod', 'config+catalog'],
    ]);
    expect(merged[2].entityRef).toBe('resource:default/prod-01');
  });
});
