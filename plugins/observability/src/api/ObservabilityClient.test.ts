import { ObservabilityClient } from './ObservabilityClient';

function clientAnswering(body: unknown, status = 200) {
  const fetch = jest.fn(
    async (_url: string) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
  const client = new ObservabilityClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://localhost/api/observability',
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('ObservabilityClient', () => {
  it('asks for the summary view of the fleet', async () => {
    const { client, fetch } = clientAnswering({ clusters: [] });
    await expect(client.getFleetSummary()).resolves.toEqual({ clusters: [] });
    expect(fetch).toHaveBeenCalledWith(
      'http://localhost/api/observability/v1/fleet?view=summary',
    );
  });

  it('still asks for the full fleet without a view', async () => {
    const { client, fetch } = clientAnswering({ clusters: [] });
    await client.getFleet();
    expect(fetch).toHaveBeenCalledWith(
      'http://localhost/api/observability/v1/fleet',
    );
  });

  it('throws the response error', async () => {
    const { client } = clientAnswering(
      { error: { name: 'Error', message: 'boom' } },
      500,
    );
    await expect(client.getFleetSummary()).rejects.toThrow(/500/);
  });
});
