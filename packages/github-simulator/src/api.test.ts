import { createMockDirectory } from '@backstage/backend-test-utils';
import { request } from 'node:http';
import { startGithubSimulator } from '.';
import { SEED, startTestHost, TestHost } from './__testUtils__/fixture';

// The wire formats and guards where no Backstage consumer exercises them: auth, errors,
// limits, path validation, concurrency, persistence, GraphQL errors.

const DOCS = 'https://docs.github.com/rest';

describe('GitHub simulator API', () => {
  const mockDir = createMockDirectory();
  let gh: TestHost;

  beforeAll(async () => {
    gh = await startTestHost(mockDir);
  });
  afterAll(() => gh.close());

  const post = (path: string, body: unknown, method = 'POST') =>
    gh.api(`/repos/fleetobs/gitops${path}`, {
      method,
      body: JSON.stringify(body),
    });
  const graphql = (query: string, variables: object = {}, token = gh.token) =>
    fetch(`${gh.sim.url}/api/graphql`, {
      method: 'POST',
      headers: { authorization: `bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });

  it('requires a configured token on every API route, as `token` or `Bearer`', async () => {
    const url = `${gh.sim.apiBaseUrl}/repos/fleetobs/gitops`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      message: 'Requires authentication',
      documentation_url: DOCS,
      status: '401',
    });
    for (const authorization of [
      'token nope',
      `token ${gh.token}x`,
      `Basic ${gh.token}`,
    ]) {
      const bad = await fetch(url, { headers: { authorization } });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({
        message: 'Bad credentials',
        documentation_url: DOCS,
        status: '401',
      });
    }
    for (const authorization of [`token ${gh.token}`, `Bearer ${gh.token}`]) {
      const ok = await fetch(url, { headers: { authorization } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-oauth-scopes')).toBe('repo, workflow');
    }
    expect((await graphql('{ viewer { login } }', {}, 'nope')).status).toBe(
      401,
    );
    // web pages need no token
    expect((await fetch(`${gh.sim.url}/fleetobs/gitops/pulls`)).status).toBe(
      200,
    );
  });

  it('serves the repository with permissions, and 404 for any other', async () => {
    const repo = await (await gh.api('/repos/fleetobs/gitops')).json();
    expect(repo).toMatchObject({
      name: 'gitops',
      full_name: 'fleetobs/gitops',
      default_branch: 'main',
      permissions: { admin: true, push: true, pull: true },
      html_url: `${gh.sim.url}/fleetobs/gitops`,
      archive_url: `${gh.sim.apiBaseUrl}/repos/fleetobs/gitops/{archive_format}{/ref}`,
      trees_url: `${gh.sim.apiBaseUrl}/repos/fleetobs/gitops/git/trees{/sha}`,
    });
    for (const path of [
      '/repos/fleetobs/other',
      '/repos/someone/gitops',
      '/repos/fleetobs/other/pulls',
      '/repos/fleetobs/other/contents/README.md',
    ]) {
      const res = await gh.api(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        message: 'Not Found',
        documentation_url: DOCS,
        status: '404',
      });
    }
  });

  it('answers unknown routes with 404 JSON', async () => {
    for (const path of ['/nope', '/repos/fleetobs/gitops/issues', '/']) {
      const res = await gh.api(path);
      expect(res.status).toBe(404);
      expect((await res.json()).message).toBe('Not Found');
    }
    const web = await fetch(`${gh.sim.url}/nothing/here/at/all`);
    expect(web.status).toBe(404);
    expect((await web.json()).message).toBe('Not Found');
    const method = await gh.api('/repos/fleetobs/gitops', { method: 'DELETE' });
    expect(method.status).toBe(404);
  });

  it('refuses bodies over 32 MiB with 413 and bad JSON with 400', async () => {
    const big = await post('/git/blobs', {
      content: 'x'.repeat(33 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect((await big.json()).message).toBe('Request body is too large');
    const bad = await gh.api('/repos/fleetobs/gitops/git/blobs', {
      method: 'POST',
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe('Problems parsing JSON');
  });

  it('serves contents as JSON and HEAD; refuses paths outside the tree', async () => {
    const file = await gh.api(
      '/repos/fleetobs/gitops/contents/clusters/dev-01/catalog-info.yaml?ref=main',
    );
    const json = await file.json();
    expect(json).toMatchObject({
      type: 'file',
      encoding: 'base64',
      name: 'catalog-info.yaml',
      path: 'clusters/dev-01/catalog-info.yaml',
      sha: gh.git('rev-parse', 'main:clusters/dev-01/catalog-info.yaml'),
    });
    expect(Buffer.from(json.content, 'base64').toString('utf8')).toBe(
      SEED['clusters/dev-01/catalog-info.yaml'],
    );
    const dir = await (
      await gh.api('/repos/fleetobs/gitops/contents/clusters')
    ).json();
    expect(dir.map((e: any) => `${e.type} ${e.path}`)).toEqual([
      'dir clusters/dev-01',
      'dir clusters/prod-01',
    ]);
    // octokit sends `:path` with encoded slashes
    const encoded = await gh.api(
      '/repos/fleetobs/gitops/contents/clusters%2Fdev-01%2Fcatalog-info.yaml',
      { method: 'HEAD' },
    );
    expect(encoded.status).toBe(200);
    expect(
      (
        await gh.api('/repos/fleetobs/gitops/contents/nope.txt', {
          method: 'HEAD',
        })
      ).status,
    ).toBe(404);
    // fetch removes a literal `..` segment; node:http sends it as it is
    const literal = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: gh.sim.port,
          path: '/api/v3/repos/fleetobs/gitops/contents/clusters/../README.md',
          headers: { authorization: `token ${gh.token}` },
        },
        res => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(literal).toBe(404);
    for (const path of [
      'clusters%2F..%2FREADME.md',
      '..%2F..%2Fetc%2Fpasswd',
      '.git/config',
    ]) {
      expect(
        (await gh.api(`/repos/fleetobs/gitops/contents/${path}`)).status,
      ).toBe(404);
    }
    const badRef = await gh.api(
      '/repos/fleetobs/gitops/contents/README.md?ref=nope',
    );
    expect(badRef.status).toBe(404);
  });

  it('creates blobs and trees like the Git Database API, validating paths', async () => {
    const blob = await post('/git/blobs', {
      content: Buffer.from('binary\0data').toString('base64'),
      encoding: 'base64',
    });
    expect(blob.status).toBe(201);
    const { sha: blobSha } = await blob.json();
    expect(gh.git('cat-file', '-s', blobSha)).toBe('11');
    const got = await (
      await gh.api(`/repos/fleetobs/gitops/git/blobs/${blobSha}`)
    ).json();
    expect(Buffer.from(got.content, 'base64').toString('latin1')).toBe(
      'binary\0data',
    );
    expect(got.encoding).toBe('base64');

    const baseTree = gh.git('rev-parse', 'main^{tree}');
    const tree = await post('/git/trees', {
      base_tree: baseTree,
      tree: [
        { path: 'new/file.bin', mode: '100644', type: 'blob', sha: blobSha },
        { path: 'new/text.txt', mode: '100755', content: 'hi\n' },
        { path: 'clusters/prod-01', mode: '040000', sha: null },
      ],
    });
    expect(tree.status).toBe(201);
    const treeSha = (await tree.json()).sha;
    expect(gh.git('ls-tree', '-r', '--name-only', treeSha).split('\n')).toEqual(
      [
        'README.md',
        'charts/app-of-apps/values.yaml',
        'clusters/dev-01/catalog-info.yaml',
        'new/file.bin',
        'new/text.txt',
      ],
    );
    expect(gh.git('ls-tree', treeSha, 'new/text.txt').split(' ')[0]).toBe(
      '100755',
    );

    for (const [entry, message] of [
      [{ path: '../evil', mode: '100644', content: 'x' }, 'malformed path'],
      [{ path: '/etc/passwd', mode: '100644', content: 'x' }, 'malformed path'],
      [{ path: 'a/../../b', mode: '100644', content: 'x' }, 'malformed path'],
      [
        { path: '.git/hooks/post-update', mode: '100755', content: 'x' },
        'malformed path',
      ],
      [
        { path: 'ok.txt', mode: '100644', sha: 'f'.repeat(40) },
        'is not a valid blob',
      ],
      [{ path: 'ok.txt', mode: '999999', content: 'x' }, 'tree.mode'],
      [
        { path: 'missing.txt', mode: '100644', sha: null },
        'GitRPC::BadObjectState',
      ],
    ] as const) {
      const res = await post('/git/trees', {
        base_tree: baseTree,
        tree: [entry],
      });
      expect(res.status).toBe(422);
      expect((await res.json()).message).toContain(message);
    }
  });

  it('creates commits and refs, refusing an existing ref like GitHub', async () => {
    const main = gh.git('rev-parse', 'main');
    const commit = await post('/git/commits', {
      message: 'A commit',
      tree: gh.git('rev-parse', 'main^{tree}'),
      parents: [main],
      author: {
        name: 'A',
        email: 'a@example.com',
        date: '2024-01-02T03:04:05Z',
      },
    });
    expect(commit.status).toBe(201);
    const created = await commit.json();
    expect(created).toMatchObject({
      message: 'A commit',
      author: {
        name: 'A',
        email: 'a@example.com',
        date: '2024-01-02T03:04:05Z',
      },
      parents: [{ sha: main }],
      verification: { verified: false },
    });
    expect(
      (await post('/git/commits', { message: 'x', tree: main, parents: [] }))
        .status,
    ).toBe(422);

    const ref = await post('/git/refs', {
      ref: 'refs/heads/made',
      sha: created.sha,
    });
    expect(ref.status).toBe(201);
    expect(await ref.json()).toMatchObject({
      ref: 'refs/heads/made',
      object: { sha: created.sha, type: 'commit' },
    });
    const again = await post('/git/refs', {
      ref: 'refs/heads/made',
      sha: main,
    });
    expect(again.status).toBe(422);
    expect(await again.json()).toEqual({
      message: 'Reference already exists',
      documentation_url: DOCS,
      status: '422',
    });
    expect(gh.git('rev-parse', 'made')).toBe(created.sha);
    expect(
      (await post('/git/refs', { ref: 'refs/heads/bad..name', sha: main }))
        .status,
    ).toBe(422);

    // PATCH: fast-forward only unless force
    const other = gh.commit('unrelated-tip', { 'u.txt': 'u\n' }, main);
    const patch = (body: object) =>
      post('/git/refs/heads%2Fmade', body, 'PATCH');
    expect((await patch({ sha: main })).status).toBe(422);
    expect((await patch({ sha: other, force: true })).status).toBe(200);
    expect(gh.git('rev-parse', 'made')).toBe(other);
    expect(
      (await post('/git/refs/heads/nope', { sha: main }, 'PATCH')).status,
    ).toBe(422);

    const single = await gh.api('/repos/fleetobs/gitops/git/ref/heads/made');
    expect((await single.json()).object.sha).toBe(other);
    const branch = await (
      await gh.api('/repos/fleetobs/gitops/branches/made')
    ).json();
    expect(branch).toMatchObject({
      name: 'made',
      commit: { sha: other },
      protected: false,
    });
    const missing = await gh.api('/repos/fleetobs/gitops/branches/nope');
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toBe('Branch not found');
  });

  it('serializes concurrent writes: one of many identical ref creations and pull requests wins', async () => {
    const main = gh.git('rev-parse', 'main');
    const tips = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map(name =>
      gh.commit(`tmp-${name}`, { [`${name}.txt`]: name }, main),
    );
    const refs = await Promise.all(
      tips.map(sha => post('/git/refs', { ref: 'refs/heads/race', sha })),
    );
    expect(refs.map(r => r.status).sort()).toEqual([
      201, 422, 422, 422, 422, 422,
    ]);
    const winner = tips[refs.findIndex(r => r.status === 201)];
    expect(gh.git('rev-parse', 'race')).toBe(winner);

    const pulls = await Promise.all(
      Array.from({ length: 6 }, () =>
        post('/pulls', { title: 'Race', head: 'race', base: 'main' }),
      ),
    );
    expect(pulls.map(r => r.status).sort()).toEqual([
      201, 422, 422, 422, 422, 422,
    ]);
    const refused = await pulls.find(r => r.status === 422)!.json();
    expect(refused).toEqual({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: 'A pull request already exists for fleetobs:race.',
        },
      ],
      documentation_url: DOCS,
      status: '422',
    });
    const open = await (
      await gh.api('/repos/fleetobs/gitops/pulls?head=fleetobs:race')
    ).json();
    expect(open).toHaveLength(1);
  });

  it('validates pull requests like GitHub', async () => {
    const errorsOf = async (body: object) => {
      const res = await post('/pulls', body);
      expect(res.status).toBe(422);
      return (await res.json()).errors;
    };
    expect(
      await errorsOf({ title: 'x', head: 'no-such-branch', base: 'main' }),
    ).toEqual([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    expect(
      await errorsOf({ title: 'x', head: 'main', base: 'no-such-base' }),
    ).toEqual([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    expect(
      await errorsOf({ title: 'x', head: 'someone-else:race', base: 'main' }),
    ).toEqual([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    expect(await errorsOf({ head: 'race', base: 'main' })).toEqual([
      { resource: 'PullRequest', field: 'title', code: 'missing_field' },
    ]);
    gh.git(
      'update-ref',
      'refs/heads/same-as-main',
      gh.git('rev-parse', 'main'),
    );
    expect(
      await errorsOf({ title: 'x', head: 'same-as-main', base: 'main' }),
    ).toEqual([
      {
        resource: 'PullRequest',
        code: 'custom',
        message: 'No commits between main and same-as-main',
      },
    ]);
  });

  it('closes, filters and reopens pull requests; records survive a restart', async () => {
    const created = await (
      await post('/pulls', { title: 'Close me', head: 'made', base: 'main' })
    ).json();
    const closed = await post(
      `/pulls/${created.number}`,
      { state: 'closed' },
      'PATCH',
    );
    expect(await closed.json()).toMatchObject({
      state: 'closed',
      merged: false,
    });
    const list = (state: string) =>
      gh
        .api(`/repos/fleetobs/gitops/pulls?state=${state}&head=fleetobs:made`)
        .then(r => r.json());
    expect(await list('open')).toHaveLength(0);
    expect(await list('closed')).toHaveLength(1);
    expect(await list('all')).toHaveLength(1);

    await gh.restart();
    expect(await list('closed')).toMatchObject([
      { number: created.number, title: 'Close me' },
    ]);
    const reopened = await post(
      `/pulls/${created.number}`,
      { state: 'open' },
      'PATCH',
    );
    expect(await reopened.json()).toMatchObject({ state: 'open' });
    expect(gh.git('rev-parse', `refs/pull/${created.number}/head`)).toBe(
      gh.git('rev-parse', 'made'),
    );
  });

  it("answers octokit-plugin-create-pull-request's GraphQL query, ref null for a missing branch", async () => {
    const query = `
    query ($owner: String!, $repo: String!, $head: String!) {
      repository(name: $repo, owner: $owner) {
        ref(qualifiedName: $head) {
          associatedPullRequests(first: 1, states: OPEN) {
            edges { node { id number url } }
          }
        }
      }
    }`;
    const ask = async (head: string) =>
      (
        await graphql(query, { owner: 'fleetobs', repo: 'gitops', head })
      ).json();
    const open = await (
      await gh.api('/repos/fleetobs/gitops/pulls?head=fleetobs:race')
    ).json();
    expect(await ask('race')).toEqual({
      data: {
        repository: {
          ref: {
            associatedPullRequests: {
              edges: [
                {
                  node: {
                    id: open[0].node_id,
                    number: open[0].number,
                    url: open[0].html_url,
                  },
                },
              ],
            },
          },
        },
      },
    });
    expect(await ask('refs/heads/race')).toEqual(await ask('race'));
    expect(await ask('unrelated-tip')).toEqual({
      data: { repository: { ref: { associatedPullRequests: { edges: [] } } } },
    });
    expect(await ask('no-such-branch')).toEqual({
      data: { repository: { ref: null } },
    });

    const other = await (
      await graphql(query, { owner: 'fleetobs', repo: 'nope', head: 'main' })
    ).json();
    expect(other).toMatchObject({
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          message:
            "Could not resolve to a Repository with the name 'fleetobs/nope'.",
        },
      ],
    });
  });

  it('answers other GraphQL with GitHub-style errors', async () => {
    const unknown = await (
      await graphql(
        '{ repository(owner: "fleetobs", name: "gitops") { issues { totalCount } } }',
      )
    ).json();
    expect(unknown).toEqual({
      errors: [
        {
          path: ['query', 'repository', 'issues'],
          extensions: {
            code: 'undefinedField',
            typeName: 'Repository',
            fieldName: 'issues',
          },
          locations: [{ line: 1, column: 51 }],
          message: "Field 'issues' doesn't exist on type 'Repository'",
        },
      ],
    });
    const parse = await (await graphql('{ repository(')).json();
    expect(parse.errors[0].message).toMatch(/^Parse error on end of file/);
    const mutation = await (await graphql('mutation { x }')).json();
    expect(mutation.errors[0].message).toContain('not supported');
    const missing = await (
      await fetch(`${gh.sim.url}/api/graphql`, {
        method: 'POST',
        headers: { authorization: `token ${gh.token}` },
        body: JSON.stringify({}),
      })
    ).json();
    expect(missing.errors[0].message).toContain('query attribute');
  });

  it('refuses to start over something that is not a bare repository, or without tokens', async () => {
    await expect(
      startGithubSimulator({
        repoDir: mockDir.path,
        owner: 'fleetobs',
        repo: 'gitops',
        tokens: ['t'],
      }),
    ).rejects.toThrow(/not a bare git repository/);
    await expect(
      startGithubSimulator({
        repoDir: gh.bareDir,
        owner: 'fleetobs',
        repo: 'gitops',
        tokens: [],
      }),
    ).rejects.toThrow(/at least one token/);
  });
});
