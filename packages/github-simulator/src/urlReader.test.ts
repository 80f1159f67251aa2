import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { SEED, startTestHost, TestHost } from './__testUtils__/fixture';

// Backstage's own GithubUrlReader (what fetch:plain and the catalog's url locations use),
// configured as a GitHub Enterprise integration pointing at the simulator.

describe('GithubUrlReader against the simulator', () => {
  const mockDir = createMockDirectory();
  let gh: TestHost;
  const reader = (token?: string) =>
    UrlReaders.default({
      config: gh.config(token),
      logger: mockServices.logger.mock(),
    });
  const web = (path: string) => `${gh.sim.url}/fleetobs/gitops/${path}`;

  beforeAll(async () => {
    gh = await startTestHost(mockDir);
  });
  afterAll(() => gh.close());

  it('reads a file (readUrl) and answers its ETag with 304 (NotModifiedError)', async () => {
    const url = web('blob/main/clusters/dev-01/catalog-info.yaml');
    const response = await reader().readUrl(url);
    expect((await response.buffer()).toString('utf8')).toBe(
      SEED['clusters/dev-01/catalog-info.yaml'],
    );
    expect(response.etag).toBe(
      `"${gh.git('rev-parse', 'main:clusters/dev-01/catalog-info.yaml')}"`,
    );
    expect(response.lastModifiedAt).toBeInstanceOf(Date);

    await expect(
      reader().readUrl(url, { etag: response.etag }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
    // a different ETag reads again
    const again = await reader().readUrl(url, { etag: '"0000"' });
    expect((await again.buffer()).length).toBeGreaterThan(0);
  });

  it('answers a missing file with NotFoundError and a wrong token with 401', async () => {
    await expect(
      reader().readUrl(web('blob/main/clusters/nope/catalog-info.yaml')),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(
      reader('wrong-token').readUrl(web('blob/main/README.md')),
    ).rejects.toThrow(/401/);
  });

  it('reads a folder at a branch (readTree through the status, tarball)', async () => {
    const response = await reader().readTree(web('tree/main/clusters'));
    const files = await response.files();
    const read = Object.fromEntries(
      await Promise.all(
        files.map(
          async f => [f.path, (await f.content()).toString('utf8')] as const,
        ),
      ),
    );
    expect(read).toEqual({
      'dev-01/catalog-info.yaml': SEED['clusters/dev-01/catalog-info.yaml'],
      'prod-01/catalog-info.yaml': SEED['clusters/prod-01/catalog-info.yaml'],
      'prod-01/notes.txt': SEED['clusters/prod-01/notes.txt'],
    });
    const main = gh.git('rev-parse', 'main');
    expect(response.etag).toBe(main);
    await expect(
      reader().readTree(web('tree/main/clusters'), { etag: main }),
    ).rejects.toMatchObject({ name: 'NotModifiedError' });
  });

  it('reads a folder of another branch', async () => {
    const commit = gh.commit('onboard-stag-01', {
      'clusters/stag-01/catalog-info.yaml': 'kind: Resource\n',
    });
    const response = await reader().readTree(
      web('tree/onboard-stag-01/clusters'),
    );
    const paths = (await response.files()).map(f => f.path).sort();
    expect(paths).toEqual([
      'dev-01/catalog-info.yaml',
      'prod-01/catalog-info.yaml',
      'prod-01/notes.txt',
      'stag-01/catalog-info.yaml',
    ]);
    expect(response.etag).toBe(commit);
  });

  it('cannot name a branch with a slash (git-url-parse takes its first segment as the ref)', async () => {
    gh.commit('feature/stag', { 'x.txt': 'x\n' });
    // GithubUrlReader asks for .../commits/feature/status: no such ref, as on GitHub
    await expect(
      reader().readTree(web('tree/feature/stag/clusters')),
    ).rejects.toThrow(/commits\/feature\/status\?per_page=0, 404/);
  });

  it('searches with a glob (the catalog location clusters/*/catalog-info.yaml)', async () => {
    const result = await reader().search(
      web('blob/main/clusters/*/catalog-info.yaml'),
    );
    expect(result.etag).toBe(gh.git('rev-parse', 'main'));
    const found = await Promise.all(
      result.files.map(async f => ({
        url: f.url,
        content: (await f.content()).toString('utf8'),
      })),
    );
    expect(found.sort((a, b) => a.url.localeCompare(b.url))).toEqual([
      {
        url: web('blob/main/clusters/dev-01/catalog-info.yaml'),
        content: SEED['clusters/dev-01/catalog-info.yaml'],
      },
      {
        url: web('blob/main/clusters/prod-01/catalog-info.yaml'),
        content: SEED['clusters/prod-01/catalog-info.yaml'],
      },
    ]);
  });
});
