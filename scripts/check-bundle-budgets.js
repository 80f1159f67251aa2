#!/usr/bin/env node
/*
 * Front-end bundle budgets: the gzip size of the front-end plugin's entry chunks and of
 * each lazy chunk, against scripts/bundle-budgets.json. Builds nothing: it reads the
 * output of `backstage-cli package build` in plugins/observability/dist (one file per
 * module, ES modules).
 *
 *   node scripts/check-bundle-budgets.js            check; exit 1 over budget
 *   node scripts/check-bundle-budgets.js --update   write today's sizes + 10 %
 *
 * A chunk is a module and what it imports statically, within dist (packages it
 * imports are the app's to bundle and are not counted). Entry chunks start at the
 * package's entry points (index, alpha); a lazy chunk starts at a module loaded with
 * `import()` and counts only what no entry chunk has already loaded. Its size is the
 * gzip of its modules' code, concatenated in path order, as a bundler would ship it.
 */
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const BUDGETS = path.join(__dirname, 'bundle-budgets.json');
const HEADROOM = 1.1;

const STATIC_IMPORT =
  /(?:^|[\s;}])(?:import|export)\s*(?:[^'"`;]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function readModule(file) {
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(ROOT, file)} is imported but missing`);
  }
  return fs.readFileSync(file, 'utf8');
}

const specifiers = (code, pattern) =>
  [...code.matchAll(pattern)].map(match => match[1]);

/** The modules of dist a module loads statically, itself included. */
function staticClosure(entry, seen = new Set()) {
  const stack = [entry];
  const found = new Set();
  while (stack.length > 0) {
    const file = stack.pop();
    if (found.has(file) || seen.has(file)) continue;
    found.add(file);
    const code = readModule(file);
    for (const spec of specifiers(code, STATIC_IMPORT)) {
      stack.push(path.resolve(path.dirname(file), spec));
    }
  }
  return found;
}

function gzipSize(files) {
  const code = [...files]
    .sort()
    .map(file => readModule(file))
    .join('\n');
  return zlib.gzipSync(code, { level: 9 }).length;
}

/** Every chunk of the package's build output and its gzip size, by name. */
function measure(packageDir) {
  const dist = path.join(ROOT, packageDir, 'dist');
  const pkg = JSON.parse(
    fs.readFileSync(path.join(ROOT, packageDir, 'package.json'), 'utf8'),
  );
  const entries = ['index.esm.js', 'alpha.esm.js'].filter(
    name =>
      fs.existsSync(path.join(dist, name)) &&
      (name === 'index.esm.js' || pkg.exports?.['./alpha'] !== undefined),
  );
  if (!entries.includes('index.esm.js')) {
    throw new Error(
      `No build output in ${path.relative(
        ROOT,
        dist,
      )}: run \`yarn backstage-cli package build\` in ${packageDir} first`,
    );
  }
  const sizes = {};
  const loaded = new Set();
  const lazy = new Set();
  for (const entry of entries) {
    const files = staticClosure(path.join(dist, entry));
    sizes[`entry ${entry}`] = gzipSize(files);
    files.forEach(file => loaded.add(file));
  }
  // Lazy chunks, and the lazy chunks they load in turn.
  const queue = [...loaded];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const spec of specifiers(readModule(file), DYNAMIC_IMPORT)) {
      const target = path.resolve(path.dirname(file), spec);
      if (lazy.has(target) || loaded.has(target)) continue;
      lazy.add(target);
      const files = staticClosure(target, loaded);
      sizes[`lazy ${path.relative(dist, target)}`] = gzipSize(files);
      queue.push(...files);
    }
  }
  return sizes;
}

function main() {
  const update = process.argv.includes('--update');
  const budgets = fs.existsSync(BUDGETS)
    ? JSON.parse(fs.readFileSync(BUDGETS, 'utf8'))
    : { package: 'plugins/observability', chunks: {} };
  const sizes = measure(budgets.package);
  if (update) {
    budgets.chunks = Object.fromEntries(
      Object.entries(sizes).map(([name, size]) => [
        name,
        Math.ceil(size * HEADROOM),
      ]),
    );
    fs.writeFileSync(BUDGETS, `${JSON.stringify(budgets, null, 2)}\n`);
    console.log(`Wrote ${path.relative(ROOT, BUDGETS)}`);
  }
  const failures = [];
  for (const [name, size] of Object.entries(sizes)) {
    const budget = budgets.chunks[name];
    const verdict =
      budget === undefined ? 'NO BUDGET' : size > budget ? 'OVER' : 'ok';
    console.log(
      `${verdict.padEnd(9)} ${name}: ${(size / 1024).toFixed(1)} KiB gzip${
        budget === undefined
          ? ''
          : ` (budget ${(budget / 1024).toFixed(1)} KiB)`
      }`,
    );
    if (verdict !== 'ok') failures.push(name);
  }
  for (const name of Object.keys(budgets.chunks)) {
    if (!(name in sizes)) {
      console.log(`GONE      ${name}: in the budgets, not in the build`);
      failures.push(name);
    }
  }
  if (failures.length > 0) {
    console.error(
      `\nBundle budgets exceeded or out of date (${failures.join(
        ', ',
      )}). Shrink the chunk, or if the growth is wanted, run ` +
        '`node scripts/check-bundle-budgets.js --update` and commit the new budgets.',
    );
    process.exit(1);
  }
}

try {
  main();
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
