// A read-only npm registry for the packed tarballs: what a registry answers for a published
// package (packument with versions, dist-tags and times; the tarball with its integrity), so
// the READMEs' `yarn add` lines run unchanged. Everything else is a 404.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';

/** Reads name/version/manifest from a tarball made by `yarn pack`. */
function manifestOf(tarball) {
  const json = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
    encoding: 'utf8',
  });
  return JSON.parse(json);
}

/**
 * @param {string[]} tarballs paths of `yarn pack` outputs
 * @param {{ publishedAt: Date }} options the time the registry reports for each version
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startLocalRegistry(tarballs, { publishedAt }) {
  const packages = new Map();
  for (const file of tarballs) {
    const manifest = manifestOf(file);
    const bytes = readFileSync(file);
    packages.set(manifest.name, { manifest, bytes });
  }
  let base = '';
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const tarballMatch = /^\/(.+)\/-\/[^/]+\.tgz$/.exec(path);
    if (tarballMatch && packages.has(tarballMatch[1])) {
      const { bytes } = packages.get(tarballMatch[1]);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(bytes);
      return;
    }
    const entry = packages.get(path.slice(1));
    if (!entry) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Not found' }));
      return;
    }
    const { manifest, bytes } = entry;
    const file = `${manifest.name.split('/').pop()}-${manifest.version}.tgz`;
    const time = publishedAt.toISOString();
    const packument = {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      time: { created: time, modified: time, [manifest.version]: time },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: {
            tarball: `${base}/${manifest.name}/-/${file}`,
            shasum: createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${createHash('sha512')
              .update(bytes)
              .digest('base64')}`,
          },
        },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(packument));
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${server.address().port}`;
  return {
    url: base,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}
