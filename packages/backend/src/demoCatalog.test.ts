import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogLocationsExtensionPoint } from '@backstage/plugin-catalog-node';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

// The real catalog with the `catalog:` block of app-config.yaml (the demo): the
// demo org file is the one location allowed to bring users and groups; a location
// registered later cannot, whatever it holds.

const ROOT = resolve(__dirname, '../../..');
const BACKEND_DIR = join(ROOT, 'packages/backend');

/** app-config.yaml's catalog block, file targets made absolute (as from packages/backend). */
function demoCatalogConfig() {
  const { catalog } = parse(
    readFileSync(join(ROOT, 'app-config.yaml'), 'utf8'),
  );
  return {
    ...catalog,
    locations: catalog.locations
      // The templates need the scaffolder's entity model, which is not under test.
      .filter((l: { target: string }) => !l.target.includes('templates/'))
      .map((l: { type: string; target: string }) => ({
        ...l,
        target: l.type === 'file' ? resolve(BACKEND_DIR, l.target) : l.target,
      })),
  };
}

// The portal registers url locations; this test has no network, so it registers
// a file, which the catalog API refuses unless allowed.
const allowFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-file-locations',
  register(reg) {
    reg.registerInit({
      deps: { locations: catalogLocationsExtensionPoint },
      async init({ locations }) {
        locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});

const ADMIN = mockCredentials.user.header('user:default/alice');

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('demo catalog rules', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetobs-catalog-'));
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        allowFileLocations,
        mockServices.rootConfig.factory({
          data: { catalog: demoCatalogConfig() },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    baseUrl = `http://localhost:${port}/api/catalog`;
    stop = () => backend.stop();
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  async function get(path: string) {
    const response = await fetch(`${baseUrl}${path}`, {
      headers: { authorization: ADMIN },
    });
    return response.ok ? response.json() : undefined;
  }

  it('loads the demo users and groups from the demo org file', async () => {
    const alice = await waitFor('user:default/alice', () =>
      get('/entities/by-name/user/default/alice'),
    );
    expect(alice.spec.memberOf).toEqual(['platform-team']);
    await waitFor('group:default/platform-team', () =>
      get('/entities/by-name/group/default/platform-team'),
    );
    await waitFor('user:default/bob', () =>
      get('/entities/by-name/user/default/bob'),
    );
    // ...and the services of the demo catalog.
    await waitFor('component:default/checkout', () =>
      get('/entities/by-name/component/default/checkout'),
    );
  }, 90_000);

  async function post(path: string, body: object) {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.text() };
  }

  const apiVersion = 'backstage.io/v1alpha1';
  const component: Entity = {
    apiVersion,
    kind: 'Component',
    metadata: { name: 'mallory-service' },
    spec: { type: 'service', lifecycle: 'production', owner: 'shop-team' },
  };
  const mallory: Entity = {
    apiVersion,
    kind: 'User',
    metadata: { name: 'mallory' },
    spec: { memberOf: ['platform-team'] },
  };
  const malloryAdmins: Entity = {
    apiVersion,
    kind: 'Group',
    metadata: { name: 'mallory-admins' },
    spec: { type: 'team', children: [], members: ['mallory'] },
  };
  const write = (file: string, docs: Entity[]) =>
    writeFileSync(file, docs.map(d => JSON.stringify(d)).join('\n---\n'));

  it('refuses users and groups in a location being registered', async () => {
    const file = join(dir, 'dry-run.yaml');
    write(file, [component, mallory, malloryAdmins]);
    const dryRun = await post('/locations?dryRun=true', {
      type: 'file',
      target: file,
    });
    expect(dryRun.status).toBe(400);
    expect(dryRun.body).toMatch(
      /user:default\/mallory .* is not of an allowed kind for that location/i,
    );
  });

  it('refuses users and groups that appear later in a registered location', async () => {
    // Registered with a service only: accepted.
    const file = join(dir, 'catalog-info.yaml');
    write(file, [component]);
    expect(
      (await post('/locations', { type: 'file', target: file })).status,
    ).toBe(201);
    await waitFor('the registered service', () =>
      get('/entities/by-name/component/default/mallory-service'),
    );
    const location: Entity = await waitFor('the location entity', async () => {
      const locations: Entity[] =
        (await get('/entities?filter=kind=location')) ?? [];
      return locations.find(l => l.spec?.target === file);
    });

    // Then the file gains a user and a group, and the location is refreshed.
    write(file, [component, mallory, malloryAdmins]);
    const ref = `location:default/${location.metadata.name}`;
    expect((await post('/refresh', { entityRef: ref })).status).toBe(200);
    const errors = await waitFor('the refreshed location to fail', async () => {
      const refreshed: AlphaEntity | undefined = await get(
        `/entities/by-name/location/default/${location.metadata.name}`,
      );
      const items = (refreshed?.status?.items ?? []).map(
        i => i.error?.message ?? '',
      );
      return items.length ? items : undefined;
    });
    expect(errors.join('\n')).toMatch(
      /is not of an allowed kind for that location/,
    );

    // Neither entity exists; the platform team has not gained a member.
    expect(await get('/entities/by-name/user/default/mallory')).toBeUndefined();
    expect(
      await get('/entities/by-name/group/default/mallory-admins'),
    ).toBeUndefined();
    const team = await get('/entities/by-name/group/default/platform-team');
    expect(
      (team.relations ?? [])
        .filter((r: { type: string }) => r.type === 'hasMember')
        .map((r: { targetRef: string }) => r.targetRef),
    ).toEqual(['user:default/alice']);
  }, 90_000);
});
