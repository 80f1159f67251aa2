import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Config, ConfigReader } from '@backstage/config';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import githubOrgModule from '@backstage/plugin-catalog-backend-module-github-org';
import { demoSignInAllowed } from './modules/demoAuthProvider';
import {
  PRODUCTION_ENV,
  ROOT,
  loadConfigFiles,
  makeSecretsDir,
} from './__testUtils__/productionConfig';

// What the back end makes of the configuration the portal's image runs with
// (src/__testUtils__/productionConfig.ts).

/** Where the image keeps the repository's files (packages/backend/Dockerfile). */
const IMAGE_ROOT = '/app';

let secrets: ReturnType<typeof makeSecretsDir>;
beforeAll(() => {
  secrets = makeSecretsDir();
});
afterAll(() => secrets.remove());

const loadConfig = (files: string[]) =>
  loadConfigFiles(files, {
    ...PRODUCTION_ENV,
    FLEETOBS_SECRETS_DIR: secrets.dir,
  });

const production = () =>
  loadConfig(['app-config.yaml', 'app-config.production.yaml']);
/**
 * The demo config files merged, without `$file` includes and substitutions (the
 * demo PKI files exist only once `npm start` has made them).
 */
function rawConfig(files: string[]): Config {
  return ConfigReader.fromConfigs(
    files.map(file => ({
      context: file,
      data: parse(readFileSync(join(ROOT, file), 'utf8')),
    })),
  );
}
const demo = () => rawConfig(['app-config.yaml', 'app-config.demo.yaml']);

/** A file location's target on this machine: the image's /app is the repo root. */
function localPath(target: string, base: string) {
  if (target.startsWith(`${IMAGE_ROOT}/`)) {
    return join(ROOT, target.slice(IMAGE_ROOT.length + 1));
  }
  return resolve(base, target);
}

/**
 * Every entity a file location brings into the catalog, following Location
 * entities to their targets, with the file each one came from.
 */
function entitiesOf(
  file: string,
  seen = new Set<string>(),
): Array<{ kind: string; name: string; file: string }> {
  if (seen.has(file)) {
    return [];
  }
  seen.add(file);
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map(
    d => d.toJSON() as any,
  );
  return docs.filter(Boolean).flatMap(doc => {
    const here = { kind: doc.kind, name: doc.metadata?.name, file };
    if (doc.kind !== 'Location') {
      return [here];
    }
    const targets: string[] = [
      ...(doc.spec?.target ? [doc.spec.target] : []),
      ...(doc.spec?.targets ?? []),
    ];
    return [
      here,
      ...targets.flatMap(t => entitiesOf(resolve(dirname(file), t), seen)),
    ];
  });
}

interface RulesEnforcer {
  isAllowed(
    entity: { kind: string; spec?: object },
    location: { type: string; target: string },
  ): boolean;
}

/**
 * The catalog's own rules enforcer (DefaultCatalogRulesEnforcer of
 * @backstage/plugin-catalog-backend, not exported: loaded from its file).
 */
function rulesEnforcer(config: Config): RulesEnforcer {
  const dir = dirname(
    require.resolve('@backstage/plugin-catalog-backend/package.json'),
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DefaultCatalogRulesEnforcer } = require(join(
    dir,
    'dist/ingestion/CatalogRules.cjs.js',
  ));
  return DefaultCatalogRulesEnforcer.fromConfig(config);
}

/** Locations someone could register in the portal. */
const REGISTERED_LOCATIONS = [
  {
    type: 'url',
    target: 'https://github.com/example-org/shop/blob/main/catalog-info.yaml',
  },
  { type: 'file', target: '/tmp/catalog-info.yaml' },
];

describe('production config (app-config.yaml + app-config.production.yaml)', () => {
  it('loads no file that holds a User or Group', async () => {
    const config = await production();
    const locations = config.getConfigArray('catalog.locations');
    expect(locations.length).toBeGreaterThan(0);
    // The one url location: onboarded clusters in the GitOps repository, which may
    // hold Resources only (checked against User and Group in the next test).
    const urls = locations.filter(l => l.getString('type') === 'url');
    expect(urls.map(l => [l.getString('target'), l.get('rules')])).toEqual([
      [
        'https://github.com/example-org/gitops/blob/main/clusters/*/catalog-info.yaml',
        [{ allow: ['Resource'] }],
      ],
    ]);
    // The demo's short catalog refresh (app-config.demo.yaml) is not inherited.
    expect(config.getOptional('catalog.processingInterval')).toBeUndefined();
    const files = locations.filter(l => l.getString('type') === 'file');
    const entities = files.flatMap(location => {
      return entitiesOf(
        localPath(location.getString('target'), join(ROOT, 'packages/backend')),
      );
    });
    // The demo services and clusters are still there; the demo org is not.
    expect(entities).toContainEqual(
      expect.objectContaining({ kind: 'Component', name: 'checkout' }),
    );
    expect(
      entities.filter(e => ['user', 'group'].includes(e.kind.toLowerCase())),
    ).toEqual([]);
    expect(entities.map(e => e.file)).not.toContain(
      join(ROOT, 'examples/catalog/org.yaml'),
    );
  });

  it('allows User and Group from no location', async () => {
    const config = await production();
    const enforcer = rulesEnforcer(config);
    const locations = [
      ...config.getConfigArray('catalog.locations').map(l => ({
        type: l.getString('type'),
        target: l.getString('target'),
      })),
      ...REGISTERED_LOCATIONS,
    ];
    for (const location of locations) {
      for (const kind of ['User', 'Group', 'user', 'GROUP']) {
        expect({
          location,
          kind,
          allowed: enforcer.isAllowed({ kind }, location),
        }).toEqual({
          location,
          kind,
          allowed: false,
        });
      }
    }
    // ... while the rest of the catalog still loads.
    expect(
      enforcer.isAllowed({ kind: 'Component' }, REGISTERED_LOCATIONS[0]),
    ).toBe(true);
    expect(
      enforcer.isAllowed(
        { kind: 'Template' },
        { type: 'file', target: '/app/templates/all.yaml' },
      ),
    ).toBe(true);
    // The global rules themselves name neither kind.
    const globalKinds = config
      .getConfigArray('catalog.rules')
      .flatMap(rule => rule.get<Array<string | { kind: string }>>('allow'))
      .map(k => (typeof k === 'string' ? k : k.kind).toLowerCase());
    expect(globalKinds).not.toContain('user');
    expect(globalKinds).not.toContain('group');
  });

  it('takes users and groups from the GitHub org provider', async () => {
    const config = await production();
    expect(config.getString('catalog.providers.githubOrg.githubUrl')).toBe(
      'https://github.com',
    );
    expect(config.getStringArray('catalog.providers.githubOrg.orgs')).toEqual([
      'example-org',
    ]);

    // The real module, given this config, adds its GitHub org entity provider.
    const addEntityProvider = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider } as any],
      ],
      features: [
        githubOrgModule,
        mockServices.rootConfig.factory({ data: config.get() }),
      ],
    });
    const names = addEntityProvider.mock.calls.map(([p]) =>
      p.getProviderName(),
    );
    expect(names).toContain('GithubMultiOrgEntityProvider:production');
  });

  it('reaches no upstream of the demo (no localhost URL anywhere under observability)', async () => {
    const config = await production();
    const urls: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (typeof value === 'string' && /^https?:\/\//.test(value)) {
        urls.push(`${path}=${value}`);
      } else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          walk(child, `${path}.${key}`);
        }
      }
    };
    walk(config.get('observability'), 'observability');
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter(u => /localhost|127\.0\.0\.1/.test(u))).toEqual([]);
  });

  it('does not offer the demo sign-in', async () => {
    const config = await production();
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.has('auth.providers.demo')).toBe(false);
    expect(demoSignInAllowed(config, 'production').allowed).toBe(false);
  });

  it('lets the browser connect only to the portal and the linked tools', async () => {
    const config = await production();
    const headers: Record<string, string> = {};
    const res = {
      setHeader: (name: string, value: string) => {
        headers[name.toLocaleLowerCase()] = value;
      },
      removeHeader: () => {},
      getHeader: () => undefined,
    };
    const next = jest.fn();
    MiddlewareFactory.create({
      config,
      logger: mockServices.logger.mock(),
    }).helmet()({} as any, res as any, next);
    expect(next).toHaveBeenCalled();
    const csp = headers['content-security-policy'];
    const connectSrc = csp
      .split(';')
      .map(d => d.trim().split(/\s+/))
      .find(([name]) => name === 'connect-src')!
      .slice(1);

    const toolOrigins = ['grafanaUrl', 'kibanaUrl', 'jaegerUrl'].map(
      key => new URL(config.getString(`observability.ui.${key}`)).origin,
    );
    expect(connectSrc).not.toContain('http:');
    expect(connectSrc).not.toContain('https:');
    expect(connectSrc).not.toContain('*');
    expect([...connectSrc].sort()).toEqual(["'self'", ...toolOrigins].sort());
  });
});

describe('demo config (app-config.yaml + app-config.demo.yaml)', () => {
  it('allows User and Group only from the demo org file', async () => {
    const config = demo();
    // The back end runs the demo from packages/backend: its file targets, made
    // absolute from there (the enforcer would resolve them from the working
    // directory).
    const fromBackend = (target: string) =>
      resolve(ROOT, 'packages/backend', target);
    const data = config.get<any>();
    const enforcer = rulesEnforcer(
      new ConfigReader({
        catalog: {
          ...data.catalog,
          locations: data.catalog.locations.map((l: any) =>
            l.type === 'file' ? { ...l, target: fromBackend(l.target) } : l,
          ),
        },
      }),
    );
    const at = (target: string) => ({
      type: 'file',
      target: fromBackend(target),
    });
    for (const kind of ['User', 'Group']) {
      expect(
        enforcer.isAllowed({ kind }, at('../../examples/catalog/org.yaml')),
      ).toBe(true);
      expect(
        enforcer.isAllowed({ kind }, at('../../examples/catalog/all.yaml')),
      ).toBe(false);
      expect(enforcer.isAllowed({ kind }, at('../../templates/all.yaml'))).toBe(
        false,
      );
      for (const location of REGISTERED_LOCATIONS) {
        expect(enforcer.isAllowed({ kind }, location)).toBe(false);
      }
    }
    // The onboarded clusters' location of the demo's Git host holds Resources only.
    const gitopsClusters = data.catalog.locations.find(
      (l: any) => l.type === 'url',
    );
    expect(gitopsClusters).toEqual({
      type: 'url',
      target:
        'http://localhost:7012/fleetobs/gitops/blob/main/clusters/*/catalog-info.yaml',
      rules: [{ allow: ['Resource'] }],
    });
    for (const kind of ['User', 'Group']) {
      expect(enforcer.isAllowed({ kind }, gitopsClusters)).toBe(false);
    }
    expect(enforcer.isAllowed({ kind: 'Resource' }, gitopsClusters)).toBe(true);
    // alice and bob are in the org file, and only there.
    const files = config
      .getConfigArray('catalog.locations')
      .filter(l => l.getString('type') === 'file')
      .map(l =>
        localPath(l.getString('target'), join(ROOT, 'packages/backend')),
      );
    const users = files
      .flatMap(file => entitiesOf(file))
      .filter(e => e.kind === 'User');
    expect(users.map(u => [u.name, u.file])).toEqual([
      ['alice', join(ROOT, 'examples/catalog/org.yaml')],
      ['bob', join(ROOT, 'examples/catalog/org.yaml')],
    ]);
  });

  it('offers the demo sign-in only because it says auth.environment: development', async () => {
    const config = demo();
    expect(config.getString('auth.environment')).toBe('development');
    expect(demoSignInAllowed(config, 'development').allowed).toBe(true);
    const base = rawConfig(['app-config.yaml']);
    expect(demoSignInAllowed(base, 'development').allowed).toBe(false);
  });

  it('the demo GitHub org provider stays off', async () => {
    const config = demo();
    expect(config.has('catalog.providers.githubOrg')).toBe(false);
    const addEntityProvider = jest.fn();
    await startTestBackend({
      extensionPoints: [
        [catalogProcessingExtensionPoint, { addEntityProvider } as any],
      ],
      features: [
        githubOrgModule,
        mockServices.rootConfig.factory({ data: config.get() }),
      ],
    });
    expect(addEntityProvider).not.toHaveBeenCalled();
  });
});
