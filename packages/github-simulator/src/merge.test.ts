import { createMockDirectory } from '@backstage/backend-test-utils';
import { startTestHost, TestHost } from './__testUtils__/fixture';

// Merging pull requests: PUT .../pulls/{n}/merge (the curl of the demo) and the Merge
// button of the pull request's web page. No Backstage consumer merges, so these go
// through fetch.

describe('merging pull requests', () => {
  const mockDir = createMockDirectory();
  let gh: TestHost;

  beforeAll(async () => {
    gh = await startTestHost(mockDir);
  });
  afterAll(() => gh.close());

  const openPull = async (
    branch: string,
    files: Record<string, string | null>,
    title = `Change ${branch}`,
    body = 'A change.',
  ) => {
    gh.commit(branch, files, gh.git('rev-parse', 'main'));
    const res = await gh.api('/repos/fleetobs/gitops/pulls', {
      method: 'POST',
      body: JSON.stringify({
        title,
        body,
        head: `fleetobs:${branch}`,
        base: 'main',
      }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { number: number; html_url: string };
  };
  const merge = (number: number, body: object = {}) =>
    gh.api(`/repos/fleetobs/gitops/pulls/${number}/merge`, {
      method: 'PUT',
      body: JSON.stringify(body),
    });

  it('merges with a merge commit of main and the head, moving main only', async () => {
    const pr = await openPull('onboard-dev-02', {
      'clusters/dev-02/catalog-info.yaml': 'name: dev-02\n',
    });
    const head = gh.git('rev-parse', 'onboard-dev-02');
    // main moves on after the branch was cut: the merge still contains both
    const mainBefore = gh.commit('main', { 'other.txt': 'other\n' });

    const res = await merge(pr.number);
    expect(res.status).toBe(200);
    const result = await res.json();
    expect(result).toEqual({
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      merged: true,
      message: 'Pull Request successfully merged',
    });
    expect(gh.git('rev-parse', 'main')).toBe(result.sha);
    expect(gh.git('rev-list', '--parents', '-n', '1', 'main')).toBe(
      `${result.sha} ${mainBefore} ${head}`,
    );
    expect(gh.git('show', 'main:clusters/dev-02/catalog-info.yaml')).toBe(
      'name: dev-02',
    );
    expect(gh.git('show', 'main:other.txt')).toBe('other');
    expect(gh.git('log', '-1', '--format=%s%n%n%b', 'main')).toBe(
      `Merge pull request #${pr.number} from fleetobs/onboard-dev-02\n\nChange onboard-dev-02`,
    );
    expect(gh.git('rev-parse', 'onboard-dev-02')).toBe(head);

    const after = await (
      await gh.api(`/repos/fleetobs/gitops/pulls/${pr.number}`)
    ).json();
    expect(after).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: result.sha,
      mergeable: null,
    });
    expect(
      (await gh.api(`/repos/fleetobs/gitops/pulls/${pr.number}/merge`)).status,
    ).toBe(204);
    // merged pull requests still list their files
    const files = await (
      await gh.api(`/repos/fleetobs/gitops/pulls/${pr.number}/files`)
    ).json();
    expect(files.map((f: any) => f.filename)).toEqual([
      'clusters/dev-02/catalog-info.yaml',
    ]);

    const again = await merge(pr.number);
    expect(again.status).toBe(405);
    expect(await again.json()).toMatchObject({
      message: 'Pull Request is not mergeable',
    });
  });

  it('refuses a conflicting merge with 405 and leaves main as it was', async () => {
    const first = await openPull('edit-a', {
      'charts/app-of-apps/values.yaml': 'a: 1\n',
    });
    const second = await openPull('edit-b', {
      'charts/app-of-apps/values.yaml': 'b: 2\n',
    });
    expect((await merge(first.number)).status).toBe(200);
    const mainBefore = gh.git('rev-parse', 'main');

    const pr = await (
      await gh.api(`/repos/fleetobs/gitops/pulls/${second.number}`)
    ).json();
    expect(pr).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
    const res = await merge(second.number);
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({
      message: 'Pull Request is not mergeable',
      documentation_url: 'https://docs.github.com/rest',
      status: '405',
    });
    expect(gh.git('rev-parse', 'main')).toBe(mainBefore);
    expect(
      (
        await (
          await gh.api(`/repos/fleetobs/gitops/pulls/${second.number}`)
        ).json()
      ).state,
    ).toBe('open');
  });

  it('refuses a merge when the head moved since the given sha (409)', async () => {
    const pr = await openPull('moving', { 'moving.txt': '1\n' });
    const old = gh.git('rev-parse', 'moving');
    gh.commit('moving', { 'moving.txt': '2\n' });
    const mainBefore = gh.git('rev-parse', 'main');
    const res = await merge(pr.number, { sha: old });
    expect(res.status).toBe(409);
    expect(gh.git('rev-parse', 'main')).toBe(mainBefore);
  });

  it('squash-merges with one parent when asked', async () => {
    const pr = await openPull('squashed', { 'squashed.txt': 's\n' });
    const mainBefore = gh.git('rev-parse', 'main');
    const res = await merge(pr.number, { merge_method: 'squash' });
    expect(res.status).toBe(200);
    expect(gh.git('rev-list', '--parents', '-n', '1', 'main')).toBe(
      `${(await res.json()).sha} ${mainBefore}`,
    );
    expect(gh.git('log', '-1', '--format=%s', 'main')).toBe(
      `Change squashed (#${pr.number})`,
    );
  });

  it('merges through the web page form (POST, then a redirect back to the page)', async () => {
    const pr = await openPull('via-web', { 'via-web.txt': 'web\n' });
    const page = await fetch(pr.html_url);
    expect(page.status).toBe(200);
    const text = await page.text();
    const form = /<form method="post" action="([^"]+)">/.exec(text);
    expect(form).not.toBeNull();
    const action = new URL(form![1], pr.html_url).toString();
    expect(action).toBe(`${pr.html_url}/merge`);
    const sha = /name="sha" value="([0-9a-f]{40})"/.exec(text)![1];
    expect(sha).toBe(gh.git('rev-parse', 'via-web'));

    // a form posted from another site is refused
    const mainBefore = gh.git('rev-parse', 'main');
    const crossSite = await fetch(action, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://evil.example',
      },
      body: `sha=${sha}`,
    });
    expect(crossSite.status).toBe(403);
    expect(gh.git('rev-parse', 'main')).toBe(mainBefore);
    // and so is a GET
    expect((await fetch(action)).status).toBe(404);
    expect(gh.git('rev-parse', 'main')).toBe(mainBefore);

    const res = await fetch(action, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: gh.sim.url,
      },
      body: `sha=${sha}`,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(pr.html_url);
    expect(gh.git('rev-list', '--parents', '-n', '1', 'main')).toBe(
      `${gh.git('rev-parse', 'main')} ${mainBefore} ${sha}`,
    );
    const merged = await (await fetch(pr.html_url)).text();
    expect(merged).toContain('<span class="state merged">Merged</span>');
    expect(merged).not.toContain('<form');

    // a conflicting pull request's page has no merge form, and posting is refused
    const a = await openPull('web-a', { 'web.txt': 'a\n' });
    const b = await openPull('web-b', { 'web.txt': 'b\n' });
    expect((await merge(a.number)).status).toBe(200);
    const conflictPage = await (await fetch(b.html_url)).text();
    expect(conflictPage).toContain('This branch has conflicts');
    expect(conflictPage).not.toContain('<form');
    const main = gh.git('rev-parse', 'main');
    const refused = await fetch(`${b.html_url}/merge`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(refused.status).toBe(405);
    expect(await refused.text()).toContain('Pull Request is not mergeable');
    expect(gh.git('rev-parse', 'main')).toBe(main);
  });

  it('escapes a hostile title, body and file name on the pages', async () => {
    const title = '<script>alert("title")</script>';
    const body = '<img src=x onerror=alert(1)> & "quotes"';
    const pr = await openPull(
      'hostile',
      { '<b>bold</b>.txt': '<script>alert("diff")</script>\n' },
      title,
      body,
    );
    const res = await fetch(pr.html_url);
    expect(res.headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const text = await res.text();
    expect(text).not.toContain('<script');
    expect(text).not.toContain('<img');
    expect(text).not.toContain('<b>bold');
    expect(text).toContain(
      '&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;',
    );
    expect(text).toContain(
      '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;',
    );
    expect(text).toContain('&lt;b&gt;bold&lt;/b&gt;.txt');
    expect(text).toContain(
      '+&lt;script&gt;alert(&quot;diff&quot;)&lt;/script&gt;',
    );

    const list = await (
      await fetch(`${gh.sim.url}/fleetobs/gitops/pulls`)
    ).text();
    expect(list).not.toContain('<script');
    expect(list).toContain(`#${pr.number} &lt;script&gt;`);
  });
});
