import { ObservabilityClusterLinksFormatter } from './ObservabilityClusterLinksFormatter';

describe('ObservabilityClusterLinksFormatter', () => {
  const formatter = new ObservabilityClusterLinksFormatter();
  const pod = {
    metadata: {
      name: 'checkout-7d9f-abcde',
      labels: { 'backstage.io/kubernetes-id': 'checkout' },
    },
  };

  it("links a service's pod to its Observability tab scoped to the cluster", async () => {
    const url = await formatter.formatClusterLink({
      dashboardUrl: new URL('https://portal.example.com'),
      dashboardParameters: { cluster: 'prod-01' },
      object: pod,
      kind: 'Pod',
    });
    expect(url.toString()).toBe(
      'https://portal.example.com/catalog/default/component/checkout/observability?cluster=prod-01',
    );
  });

  it('links other objects to the cluster page, on the current origin by default', async () => {
    const url = await formatter.formatClusterLink({
      dashboardParameters: { cluster: 'ops-01' },
      object: { metadata: { name: 'coredns' } },
      kind: 'Deployment',
    });
    expect(url.toString()).toBe(
      `${window.location.origin}/catalog/default/resource/ops-01/observability?cluster=ops-01`,
    );
  });

  it('says what is missing without a cluster parameter', async () => {
    await expect(
      formatter.formatClusterLink({ object: pod, kind: 'Pod' }),
    ).rejects.toThrow(/needs a "cluster"/);
  });
});
