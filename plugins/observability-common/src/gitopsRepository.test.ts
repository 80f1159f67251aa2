import { gitopsRepository } from './gitopsRepository';

describe('gitopsRepository', () => {
  it('names a GitHub repository for the UrlReader and publish:github:pull-request', () => {
    const repo = gitopsRepository({
      repoUrl: 'https://github.com/example-org/gitops.git/',
      baseBranch: 'main',
      scm: 'github',
    });
    expect(repo.url).toBe('https://github.com/example-org/gitops');
    expect(repo.publishRepoUrl).toBe(
      'github.com?owner=example-org&repo=gitops',
    );
    expect(repo.treeUrl('charts/app-of-apps')).toBe(
      'https://github.com/example-org/gitops/tree/main/charts/app-of-apps',
    );
    expect(
      repo.fileUrl('clusters/dev-02/catalog-info.yaml', 'onboard/dev-02'),
    ).toBe(
      'https://github.com/example-org/gitops/blob/onboard/dev-02/clusters/dev-02/catalog-info.yaml',
    );
    expect(repo.treeUrl('')).toBe(
      'https://github.com/example-org/gitops/tree/main',
    );
  });

  it('keeps the port of a GitHub Enterprise or local host', () => {
    const repo = gitopsRepository({
      repoUrl: 'http://localhost:7012/fleetobs/gitops',
      baseBranch: 'main',
      scm: 'github',
    });
    expect(repo.publishRepoUrl).toBe(
      'localhost:7012?owner=fleetobs&repo=gitops',
    );
  });

  it('names a GitLab project in a subgroup for publish:gitlab:merge-request', () => {
    const repo = gitopsRepository({
      repoUrl: 'https://gitlab.example.com/platform/infra/gitops',
      baseBranch: 'main',
      scm: 'gitlab',
    });
    expect(repo.publishRepoUrl).toBe(
      'gitlab.example.com?owner=platform%2Finfra&repo=gitops',
    );
    expect(repo.treeUrl('charts/app-of-apps')).toBe(
      'https://gitlab.example.com/platform/infra/gitops/-/tree/main/charts/app-of-apps',
    );
  });

  it('encodes path segments, so a file name cannot add a query or a route', () => {
    const repo = gitopsRepository({
      repoUrl: 'https://github.com/o/r',
      baseBranch: 'main',
      scm: 'github',
    });
    expect(repo.fileUrl('a/b?x=1#y')).toBe(
      'https://github.com/o/r/blob/main/a/b%3Fx%3D1%23y',
    );
  });

  it.each([
    ['not a url', 'is not a URL'],
    ['ftp://github.com/o/r', 'must be the http(s) URL'],
    ['https://github.com/o/r?ref=x', 'without query or fragment'],
    ['https://github.com/o', 'must name a repository'],
    ['https://github.com/o/r/tree/main', 'must name a repository'],
  ])('refuses %s naming the config key', (repoUrl, message) => {
    expect(() =>
      gitopsRepository({ repoUrl, baseBranch: 'main', scm: 'github' }),
    ).toThrow(`observability.gitops.repoUrl: `);
    expect(() =>
      gitopsRepository({ repoUrl, baseBranch: 'main', scm: 'github' }),
    ).toThrow(message);
  });
});
