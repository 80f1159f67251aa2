import { startFleetSimulator, FleetSimulator } from './index';
import { getFrom } from './__testUtils__/getFrom';

const NOW = Date.parse('2026-03-02T10:00:00Z');
let now = NOW;
let sim: FleetSimulator;
beforeAll(async () => {
  sim = await startFleetSimulator({ port: 0, now: () => now });
});
afterAll(() => sim.close());
afterEach(() => {
  sim.setFaults({});
  now = NOW;
});

const get = getFrom(() => sim.url);
const post = (path: string, body: unknown) =>
  get(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

const checkout = [
  { name: 'service', value: 'checkout', isRegex: false, isEqual: true },
];
const silence = (over: Record<string, unknown> = {}) => ({
  matchers: checkout,
  startsAt: new Date(now).toISOString(),
  endsAt: new Date(now + 3600_000).toISOString(),
  createdBy: 'user:default/alice',
  comment: 'deploying a fix',
  ...over,
});

describe('per-cluster Alertmanagers', () => {
  it('serves each cluster its own alerts, and the shared one all of them', async () => {
    const prod = await get('/alertmanager/prod-01/api/v2/alerts');
    expect(prod.status).toBe(200);
    expect(
      prod.json.map((a: any) => [a.labels.alertname, a.labels.cluster]),
    ).toEqual([
      ['Watchdog', 'prod-01'],
      ['ServiceLatencyHigh', 'prod-01'],
    ]);
    const demo = prod.json[1];
    expect(demo.labels).toMatchObject({
      service: 'checkout',
      severity: 'warning',
    });
    expect(demo.annotations.runbook_url).toMatch(/^https:\/\//);
    expect(demo.annotations.summary).toContain('checkout');
    expect(demo.status).toEqual({
      state: 'active',
      silencedBy: [],
      inhibitedBy: [],
      mutedBy: [],
    });
    const dev = await get('/alertmanager/dev-01/api/v2/alerts');
    expect(dev.json.map((a: any) => a.labels.alertname)).toEqual(['Watchdog']);
    const shared = await get('/alertmanager/api/v2/alerts');
    expect(shared.json).toHaveLength(5);
    const status = await get('/alertmanager/ops-01/api/v2/status');
    expect(status.json.cluster.status).toBe('ready');
    expect(status.json.cluster.name).not.toBe(
      (await get('/alertmanager/dev-01/api/v2/status')).json.cluster.name,
    );
    const unknown = await get('/alertmanager/nope-01/api/v2/alerts');
    expect(unknown.status).toBe(404);
  });

  it('mutes matching alerts with a silence until it is expired', async () => {
    const created = await post(
      '/alertmanager/prod-01/api/v2/silences',
      silence(),
    );
    expect(created.status).toBe(200);
    const id = created.json.silenceID;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const alerts = await get('/alertmanager/prod-01/api/v2/alerts');
    const muted = alerts.json.find(
      (a: any) => a.labels.alertname === 'ServiceLatencyHigh',
    );
    expect(muted.status).toEqual({
      state: 'suppressed',
      silencedBy: [id],
      inhibitedBy: [],
      mutedBy: [],
    });
    const watchdog = alerts.json.find(
      (a: any) => a.labels.alertname === 'Watchdog',
    );
    expect(watchdog.status.state).toBe('active');
    // Another Alertmanager has its own silences.
    const shared = await get(
      `/alertmanager/api/v2/alerts?filter=${encodeURIComponent(
        'service="checkout"',
      )}`,
    );
    expect(shared.json[0].status.state).toBe('active');

    const hidden = await get(
      '/alertmanager/prod-01/api/v2/alerts?silenced=false',
    );
    expect(hidden.json.map((a: any) => a.labels.alertname)).toEqual([
      'Watchdog',
    ]);
    const onlyMuted = await get(
      '/alertmanager/prod-01/api/v2/alerts?active=false',
    );
    expect(onlyMuted.json.map((a: any) => a.labels.alertname)).toEqual([
      'ServiceLatencyHigh',
    ]);

    const read = await get(`/alertmanager/prod-01/api/v2/silence/${id}`);
    expect(read.json).toMatchObject({
      id,
      matchers: checkout,
      createdBy: 'user:default/alice',
      comment: 'deploying a fix',
      status: { state: 'active' },
    });
    const listed = await get(
      `/alertmanager/prod-01/api/v2/silences?filter=${encodeURIComponent(
        'service="checkout"',
      )}`,
    );
    expect(listed.json.map((s: any) => s.id)).toEqual([id]);

    const deleted = await get(`/alertmanager/prod-01/api/v2/silence/${id}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(200);
    expect(
      (await get(`/alertmanager/prod-01/api/v2/silence/${id}`)).json.status
        .state,
    ).toBe('expired');
    const again = await get('/alertmanager/prod-01/api/v2/alerts');
    expect(again.json.every((a: any) => a.status.state === 'active')).toBe(
      true,
    );
    const twice = await get(`/alertmanager/prod-01/api/v2/silence/${id}`, {
      method: 'DELETE',
    });
    expect(twice.status).toBe(500);
    expect(twice.json).toBe(`silence ${id} already expired`);
  });

  it('ends a silence at its endsAt', async () => {
    const created = await post(
      '/alertmanager/prod-01/api/v2/silences',
      silence(),
    );
    const path = `/alertmanager/prod-01/api/v2/alerts?filter=${encodeURIComponent(
      'service="checkout"',
    )}`;
    expect((await get(path)).json[0].status.state).toBe('suppressed');
    now += 3600_001;
    expect((await get(path)).json[0].status.state).toBe('active');
    now = NOW;
    await get(
      `/alertmanager/prod-01/api/v2/silence/${created.json.silenceID}`,
      {
        method: 'DELETE',
      },
    );
  });

  it.each([
    [{ matchers: [] }, 400, 'invalid silence: at least one matcher required'],
    [
      {
        matchers: [
          { name: 'service', value: '.*', isRegex: true, isEqual: true },
        ],
      },
      400,
      'invalid silence: at least one matcher must not match the empty string',
    ],
    [
      {
        matchers: [{ name: 'a-b', value: 'x', isRegex: false, isEqual: true }],
      },
      400,
      'invalid silence: invalid label matcher 0: invalid label name "a-b"',
    ],
    [
      {
        matchers: [{ name: 'a', value: '(', isRegex: true, isEqual: true }],
      },
      400,
      'invalid silence: invalid label matcher 0: invalid regular expression "("',
    ],
    [
      { endsAt: new Date(NOW - 60_000).toISOString() },
      400,
      'Failed to create silence: start time must be before end time',
    ],
    [
      {
        startsAt: new Date(NOW - 7200_000).toISOString(),
        endsAt: new Date(NOW - 60_000).toISOString(),
      },
      400,
      "Failed to create silence: end time can't be in the past",
    ],
    [{ id: '1b4f6a4e-0000-4000-8000-000000000000' }, 404, 'silence not found'],
  ])(
    'refuses a bad silence like Alertmanager (%#)',
    async (over, code, why) => {
      const r = await post(
        '/alertmanager/prod-01/api/v2/silences',
        silence(over),
      );
      expect(r.status).toBe(code);
      expect(r.json).toBe(why);
    },
  );

  it('refuses a silence without a required field', async () => {
    const { comment, ...rest } = silence();
    const r = await post('/alertmanager/prod-01/api/v2/silences', rest);
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      code: 602,
      message: 'comment in body is required',
    });
    const notJson = await get('/alertmanager/prod-01/api/v2/silences', {
      method: 'POST',
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect(
      (await get('/alertmanager/prod-01/api/v2/silence/nope')).status,
    ).toBe(404);
    expect((await get('/alertmanager/api/v2/alerts?receiver=(')).status).toBe(
      400,
    );
  });

  it('takes one cluster Alertmanager down, the others answering', async () => {
    sim.setFaults({ clusters: { 'stag-01': ['alertmanager-down'] } });
    const down = await get('/alertmanager/stag-01/api/v2/alerts');
    expect(down.status).toBe(503);
    expect((await get('/alertmanager/dev-01/api/v2/alerts')).status).toBe(200);
    // The shared Alertmanager is not the cluster's own.
    expect((await get('/alertmanager/api/v2/alerts')).status).toBe(200);
  });

  it('holds one cluster Alertmanager answers, the others answering', async () => {
    sim.setFaults({ clusters: { 'stag-01': ['alertmanager-slow'] } });
    const abort = new AbortController();
    let settled = false;
    const slow = fetch(`${sim.url}/alertmanager/stag-01/api/v2/status`, {
      signal: abort.signal,
    })
      .finally(() => {
        settled = true;
      })
      .catch(error => error);
    const other = await get('/alertmanager/dev-01/api/v2/status');
    expect(other.status).toBe(200);
    // Held, not refused: it is still pending once the other cluster has answered.
    expect(settled).toBe(false);
    abort.abort();
    expect(((await slow) as Error).name).toBe('AbortError');
  });
});
