import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// Release readiness of the four published packages (issue 20): `yarn pack` / `npm pack`
// refuse when the build output is missing (scripts/require-build-output.js, chained
// before `backstage-cli package prepack`), each ships an Apache-2.0 LICENSE, and none
// depends on a private workspace package at run time.

const ROOT = resolve(__dirname, '../../..');
const GUARD = join(ROOT, 'scripts/require-build-output.js');
const PUBLISHED = [
  'plugins/observability-common',
  'plugins/observability-backend',
  'plugins/scaffolder-backend-module-obs',
  'plugins/observability',
];

type PackageJson = {
  name: string;
  private?: boolean;
  license?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

const readJson = (file: string): PackageJson =>
  JSON.parse(readFileSync(file, 'utf8'));

/** Runs the guard the way the package manager's prepack does: in the package's directory. */
function runGuard(dir: string) {
  const run = spawnSync(process.execPath, [GUARD], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr };
}

describe('prepack guard (scripts/require-build-output.js)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'require-build-output-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, content = '') => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  };

  it('refuses a node package without dist, then passes once it is built', () => {
    write(
      'package.json',
      JSON.stringify({
        name: '@fleetobs/example-backend',
        main: 'src/index.ts',
        types: 'src/index.ts',
        publishConfig: { main: 'dist/index.cjs.js', types: 'dist/index.d.ts' },
      }),
    );
    write('src/index.ts', 'export {};');

    const missing = runGuard(dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      '@fleetobs/example-backend: refusing to pack',
    );
    expect(missing.stderr).toContain('dist/index.d.ts');
    expect(missing.stderr).toContain('yarn build:all');

    write('dist/index.cjs.js');
    write('dist/index.d.ts');
    expect(runGuard(dir)).toEqual({ status: 0, stderr: '' });
  });

  it('requires every script entry point of "exports" (an ESM-only front-end plugin)', () => {
    write(
      'package.json',
      JSON.stringify({
        name: '@fleetobs/example',
        main: 'src/index.ts',
        exports: {
          '.': './src/index.ts',
          './alpha': './src/alpha.tsx',
          './package.json': './package.json',
        },
      }),
    );
    write('dist/index.esm.js');
    write('dist/index.d.ts');
    write('dist/alpha.esm.js');

    const missing = runGuard(dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('dist/alpha.d.ts');
    expect(missing.stderr).not.toContain('dist/index');

    write('dist/alpha.d.ts');
    expect(runGuard(dir).status).toBe(0);
  });
});

describe.each(PUBLISHED)('published package %s', pkgDir => {
  const pkg = readJson(join(ROOT, pkgDir, 'package.json'));

  it('runs the build output guard before backstage-cli prepack', () => {
    expect(pkg.scripts?.prepack).toBe(
      'node ../../scripts/require-build-output.js && backstage-cli package prepack',
    );
  });

  it('is Apache-2.0 and ships the license text (npm always packs LICENSE)', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const license = readFileSync(join(ROOT, pkgDir, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License');
    expect(license).toContain('Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it('depends on no private workspace package at run time', () => {
    const workspaceDirs = ['packages', 'plugins'].flatMap(parent =>
      readdirSync(join(ROOT, parent))
        .map(d => join(ROOT, parent, d, 'package.json'))
        .filter(f => existsSync(f)),
    );
    const privateNames = workspaceDirs
      .map(readJson)
      .filter(p => p.private)
      .map(p => p.name);
    expect(privateNames).toContain('@fleetobs/fleet-simulator');
    const runtime = Object.keys({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
    });
    expect(runtime.filter(name => privateNames.includes(name))).toEqual([]);
  });
});
