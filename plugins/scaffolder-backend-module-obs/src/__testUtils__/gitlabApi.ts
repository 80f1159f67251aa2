import { execFileSync } from 'node:child_process';
import { http, HttpResponse } from 'msw';

/**
 * The four GitLab REST v4 routes Backstage's GitlabUrlReader reads (project, commits,
 * archive, raw file), over a bare git repository: a test stand-in for msw, with
 * GitLab's answers (404 `{"message":"404 ... Not Found"}`, 401 without the token).
 */
export function gitlabApiHandlers(options: {
  baseUrl: string;
  projectPath: string;
  repoDir: string;
  token: string;
}) {
  const api = `${options.baseUrl}/api/v4/projects/:id`;
  const git = (args: string[], encoding: 'utf8' | 'buffer' = 'utf8') =>
    execFileSync('git', ['--git-dir', options.repoDir, ...args], {
      encoding: encoding as any,
      stdio: 'pipe',
    });
  const sha = (ref: string): string | undefined => {
    try {
      return String(git(['rev-parse', '--verify', `${ref}^{commit}`])).trim();
    } catch {
      return undefined;
    }
  };
  const notFound = (what: string) =>
    HttpResponse.json({ message: `404 ${what} Not Found` }, { status: 404 });
  /** The project of the request, or the answer to give instead. */
  function refused(request: Request, id: string): Response | undefined {
    if (request.headers.get('authorization') !== `Bearer ${options.token}`) {
      return HttpResponse.json(
        { message: '401 Unauthorized' },
        { status: 401 },
      );
    }
    if (decodeURIComponent(id) !== options.projectPath) {
      return notFound('Project');
    }
    return undefined;
  }

  return [
    http.get(api, ({ request, params }) => {
      return (
        refused(request, params.id as string) ??
        HttpResponse.json({
          id: 42,
          path_with_namespace: options.projectPath,
          default_branch: 'main',
        })
      );
    }),
    http.get(`${api}/repository/commits`, ({ request, params }) => {
      const refusal = refused(request, params.id as string);
      if (refusal) return refusal;
      const commit = sha(new URL(request.url).searchParams.get('ref_name')!);
      return commit ? HttpResponse.json([{ id: commit }]) : notFound('Commit');
    }),
    http.get(`${api}/repository/archive`, ({ request, params }) => {
      const refusal = refused(request, params.id as string);
      if (refusal) return refusal;
      const query = new URL(request.url).searchParams;
      const commit = sha(query.get('sha')!);
      if (!commit) return notFound('Commit');
      const path = query.get('path');
      const archive = git(
        [
          'archive',
          '--format=tar.gz',
          `--prefix=gitops-${commit}-${commit}/`,
          commit,
          ...(path ? ['--', path] : []),
        ],
        'buffer',
      ) as unknown as Buffer;
      return new HttpResponse(new Uint8Array(archive), {
        headers: { 'content-type': 'application/octet-stream' },
      });
    }),
    http.get(`${api}/repository/files/:path/raw`, ({ request, params }) => {
      const refusal = refused(request, params.id as string);
      if (refusal) return refusal;
      const ref = new URL(request.url).searchParams.get('ref')!;
      try {
        return new HttpResponse(
          String(
            git([
              'show',
              `${ref}:${decodeURIComponent(params.path as string)}`,
            ]),
          ),
        );
      } catch {
        return notFound('File');
      }
    }),
  ];
}
