import { startFleetSimulator, FleetSimulator } from './index';

// The simulated Argo CD: `<cluster>-<component>` Applications of the example chart,
// in Argo CD's wire format, with faults per cluster under `argocd`.

const NOW = Date.parse('2026-11-25T12:00:00Z');
let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ now: () => NOW });
});
afterAll(() => sim.close());
afterEach(() => sim.setFaults({}));

async function applications(query = '', path = '/argocd') {
  const res = await fetch(`${sim.url}${path}/api/v1/applications${query}`);
  return { status: res.status, body: (await res.json()) as any };
}
const byName = (body: any, name: string) =>
  body.items.find((a: any) => a.metadata.name === name);

describe('simulated Argo CD', () => {
  it('lists every cluster and component, Synced and Healthy, at the environment revision', async () => {
    const { status, body } = await applications('?selector=cluster');
    expect(status).toBe(200);
    const names: string[] = body.items.map((a: any) => a.metadata.name);
    expect(names).toContain('dev-01-monitoring');
    expect(names).toContain('ops-01-global-query');
    expect(names).not.toContain('stag-01-global-query');
    const stag = byName(body, 'stag-01-monitoring');
    expect(stag.metadata.labels).toEqual({
      cluster: 'stag-01',
      environment: 'stag',
      team: 'ops',
    });
    expect(stag.spec.source.targetRevision).toBe('v1.4.0');
    expect(stag.status.sync.status).toBe('Synced');
    expect(stag.status.sync.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(stag.status.health.status).toBe('Healthy');
    expect(stag.status.operationState.phase).toBe('Succeeded');
    expect(byName(body, 'dev-01-config').spec.source.targetRevision).toBe(
      'HEAD',
    );
    expect(sim.requestCounts().argocd).toBeGreaterThan(0);
  });

  it("lists the demo services' applications in the clusters they run in, labelled by service", async () => {
    const { body } = await applications(
      '?selector=cluster,app.kubernetes.io/name%3Dcheckout',
    );
    const names: string[] = body.items.map((a: any) => a.metadata.name);
    expect(names.sort()).toEqual([
      'dev-01-checkout',
      'prod-01-checkout',
      'stag-01-checkout',
    ]);
    const app = byName(body, 'stag-01-checkout');
    expect(app.metadata.labels).toMatchObject({
      cluster: 'stag-01',
      team: 'shop',
    });
    expect(app.spec.source).toMatchObject({
      path: 'apps/checkout',
      targetRevision: 'v1.4.0',
    });
    sim.setFaults({ argocd: { 'prod-01': ['degraded:checkout'] } });
    const faulty = await applications('?selector=cluster%3Dprod-01');
    expect(byName(faulty.body, 'prod-01-checkout').status.health.status).toBe(
      'Degraded',
    );
    expect(byName(faulty.body, 'prod-01-monitoring').status.health.status).toBe(
      'Healthy',
    );
    expect(() =>
      sim.setFaults({ argocd: { 'ops-01': ['degraded:checkout'] } }),
    ).toThrow(/no component checkout/);
  });

  it('filters by label selector, and per cluster under /argocd/clusters/<cluster>', async () => {
    const one = await applications('?selector=cluster%3Dprod-01,team%3Dops');
    expect(
      new Set(one.body.items.map((a: any) => a.metadata.labels.cluster)),
    ).toEqual(new Set(['prod-01']));
    const none = await applications('?selector=team%3Dnobody');
    expect(none.body.items).toBeNull();
    const own = await applications('', '/argocd/clusters/ops-01');
    expect(
      own.body.items.every((a: any) => a.metadata.labels.cluster === 'ops-01'),
    ).toBe(true);
    expect((await applications('', '/argocd/clusters/nope')).status).toBe(404);
    expect((await applications('?selector=cluster+in+(a)')).status).toBe(400);
  });

  it('injects out-of-sync, degraded, sync-failed and revision-drift', async () => {
    sim.setFaults({
      argocd: {
        'stag-01': ['degraded'],
        'prod-01': ['sync-failed:logging', 'out-of-sync'],
        'ops-01': ['revision-drift:grafana'],
      },
    });
    expect(sim.getFaults().argocd).toEqual({
      'stag-01': ['degraded'],
      'prod-01': ['sync-failed:logging', 'out-of-sync'],
      'ops-01': ['revision-drift:grafana'],
    });
    const { body } = await applications();
    const degraded = byName(body, 'stag-01-monitoring');
    expect(degraded.status.health.status).toBe('Degraded');
    expect(Date.parse(degraded.status.health.lastTransitionTime)).toBeLessThan(
      NOW,
    );
    expect(byName(body, 'stag-01-logging').status.health.status).toBe(
      'Healthy',
    );
    const failed = byName(body, 'prod-01-logging');
    expect(failed.status.sync.status).toBe('OutOfSync');
    expect(failed.status.operationState.phase).toBe('Failed');
    expect(failed.status.operationState.message).toContain('failed to apply');
    expect(failed.status.conditions[0].type).toBe('SyncError');
    expect(byName(body, 'prod-01-monitoring').status.sync.status).toBe(
      'OutOfSync',
    );
    expect(byName(body, 'ops-01-grafana').spec.source.targetRevision).not.toBe(
      'v1.3.2',
    );
  });

  it('refuses bad Argo CD faults through the admin API, changing nothing', async () => {
    sim.setFaults({ argocd: { 'stag-01': ['degraded'] } });
    for (const argocd of [
      { 'stag-01': ['melted'] },
      { 'nope-01': ['degraded'] },
      { 'stag-01': ['degraded:global-query'] },
      ['degraded'],
    ]) {
      const res = await fetch(`${sim.url}/__admin/faults`, {
        method: 'PUT',
        body: JSON.stringify({ clusters: { 'dev-01': ['es-red'] }, argocd }),
      });
      expect(res.status).toBe(400);
    }
    expect(sim.getFaults().argocd).toEqual({ 'stag-01': ['degraded'] });
    expect(sim.getFaults().clusters['dev-01']).toBeUndefined();
  });
});
