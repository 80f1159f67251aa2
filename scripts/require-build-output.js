#!/usr/bin/env node
// Prepack guard of the publishable packages: `yarn pack` / `npm pack` / `yarn npm publish`
// of a package whose build output is missing must fail instead of packing a tarball that
// holds only README.md, LICENSE and package.json.
//
// Usage (a package's "prepack" script, run by the package manager in the package's
// directory): node ../../scripts/require-build-output.js && backstage-cli package prepack
// or, for a check of another directory: node scripts/require-build-output.js <package-dir>
//
// The script lives at the repository root and is referenced through a relative path, so it
// is NOT part of any package's tarball ("files" does not list it, and need not): prepack runs
// from the monorepo checkout before the tarball is made, and a consumer of the published
// package never runs prepack. Publishing works from a clone of this repository only (the
// Backstage monorepo flow: yarn install, yarn build:all, then pack or publish per package).
//
// What it requires, derived from package.json the way `backstage-cli package prepack`
// rewrites the entry points: for each script entry point (every key of "exports" that points
// at src/<name>.ts(x), else "main"), dist/<name>.d.ts and dist/<name>.cjs.js or
// dist/<name>.esm.js; and every file publishConfig.main/module/types names. No dependencies.
//
// Side effect on the back-end bundle: a prepack other than plain `backstage-cli package
// prepack` makes `backstage-cli package build` of packages/backend repack these packages with
// `yarn pack` (so this guard runs there too), and the dependency rebuild of that command emits
// no type declarations. Hence the root `build:backend` runs `build:all` (tsc, then every
// package with its types, then the bundle); `yarn workspace backend build` alone from a clean
// checkout stops here, asking for `yarn build:all`.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const SCRIPT_SOURCE = /^(?:\.\/)?src\/(.+)\.(?:ts|tsx|js|jsx|mjs|cjs)$/;

function entryPointNames(pkg) {
  const names = new Set();
  const add = target => {
    const match = typeof target === 'string' && SCRIPT_SOURCE.exec(target);
    if (match) names.add(match[1]);
  };
  if (pkg.exports && typeof pkg.exports === 'object') {
    for (const [mount, target] of Object.entries(pkg.exports)) {
      if (mount === './package.json') continue;
      if (target && typeof target === 'object') {
        add(target.default ?? target.import ?? target.require ?? target.types);
      } else {
        add(target);
      }
    }
  } else if (typeof pkg.exports === 'string') {
    add(pkg.exports);
  } else {
    add(pkg.main ?? 'src/index.ts');
  }
  return [...names];
}

/** The package name and what of its build output `dir` lacks (an empty list when complete). */
function missingBuildOutput(dir) {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
  );
  const exists = rel => fs.existsSync(path.join(dir, rel));
  const missing = [];
  const reported = file =>
    missing.some(m => m.split(' or ').includes(path.posix.normalize(file)));
  const expectOneOf = (...alternatives) => {
    if (!alternatives.some(exists)) missing.push(alternatives.join(' or '));
  };
  const names = entryPointNames(pkg);
  if (names.length === 0) {
    missing.push(
      'an entry point under src/ in "exports" or "main" of package.json',
    );
  }
  for (const name of names) {
    expectOneOf(`dist/${name}.d.ts`);
    expectOneOf(`dist/${name}.cjs.js`, `dist/${name}.esm.js`);
  }
  for (const field of ['main', 'module', 'types']) {
    const file = pkg.publishConfig?.[field];
    if (typeof file === 'string' && !reported(file)) expectOneOf(file);
  }
  return { name: pkg.name, missing };
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? process.cwd());
  const { name, missing } = missingBuildOutput(dir);
  if (missing.length > 0) {
    process.stderr.write(
      `${name}: refusing to pack, its build output is missing:\n` +
        `${missing.map(m => `  - ${m}\n`).join('')}` +
        'Run `yarn build:all` at the repository root first (it runs `yarn tsc`, then ' +
        '`backstage-cli repo build --all`).\n',
    );
    process.exit(1);
  }
}

module.exports = { missingBuildOutput };
