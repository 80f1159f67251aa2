import { resolveTarget } from './target';

const entity = (annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
  spec: {},
});

describe('resolveTarget clusters', () => {
  it('takes the clusters where the Kubernetes plugin found the service first', () => {
    const target = resolveTarget(
      entity({ 'observability.fleetobs.io/clusters': 'dev-01,stag-01' }),
      { defaultIndexPattern: 'logs-*', runsIn: { clusters: ['prod-01'] } },
    );
    expect(target.clusters).toEqual(['prod-01']);
    expect(target.clustersSource).toBe('kubernetes');
  });

  it('falls back to the annotation, then to all clusters, and keeps the notes', () => {
    const annotated = resolveTarget(
      entity({ 'observability.fleetobs.io/clusters': 'dev-01,stag-01' }),
      { defaultIndexPattern: 'logs-*', notes: ['Kubernetes plugin timed out'] },
    );
    expect(annotated).toMatchObject({
      clusters: ['dev-01', 'stag-01'],
      clustersSource: 'annotation',
      clustersNotes: ['Kubernetes plugin timed out'],
    });
    const all = resolveTarget(entity({}), { defaultIndexPattern: 'logs-*' });
    expect(all.clusters).toBeUndefined();
    expect(all.clustersSource).toBe('all');
  });

  it('refuses a requested cluster where the service does not run', () => {
    expect(() =>
      resolveTarget(entity({}), {
        defaultIndexPattern: 'logs-*',
        runsIn: { clusters: ['prod-01'] },
        requestedClusters: ['dev-01'],
      }),
    ).toThrow(/dev-01 are not among the clusters of the service \(prod-01\)/);
  });
});
