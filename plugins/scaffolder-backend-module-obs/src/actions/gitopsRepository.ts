import { UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  GitopsRepository,
  gitopsRepository,
} from '@fleetobs/plugin-observability-common';
import { ObsSettings } from '../lib/settings';
import { Zod, parseInput, zod } from '../lib/zod';

/**
 * Branch names the UrlReader can address: GitHub's `/tree/<ref>/<path>` URLs cannot tell a
 * `/` of the branch from one of the path, so the branch check would read another branch.
 */
const BRANCH_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;

const inputSchema = (z: Zod) =>
  z.object({
    branchName: z
      .string()
      .regex(
        BRANCH_PATTERN,
        'must be letters, digits, ".", "_" and "-" (no "/"), at most 200',
      )
      .refine(b => !b.endsWith('.lock') && !b.includes('..'), {
        message: 'is not a valid branch name',
      })
      .optional()
      .describe(
        'Branch the pull request will be opened from: checked not to exist yet',
      ),
  });

const outputSchema = (z: Zod) =>
  z.object({
    url: z.string().describe('Web URL of the repository'),
    publishRepoUrl: z
      .string()
      .describe(
        'repoUrl input of publish:github:pull-request / publish:gitlab:merge-request',
      ),
    baseBranch: z.string().describe('The branch pull requests target'),
    valuesPath: z.string().describe('Folder of the values files'),
    valuesUrl: z
      .string()
      .describe('URL of the values folder at the base branch, for fetch:plain'),
    branchName: z.string().optional().describe('The checked branch name'),
  });

/** The error of a read, named for the operator who must fix the config or the token. */
function readProblem(error: unknown, url: string, host: string): InputError {
  const e = error as Error;
  if (e.name === 'NotFoundError') {
    return new InputError(
      `observability.gitops.repoUrl: ${url} was not found: the repository or its base branch does not exist, or the token of integrations (host ${host}) cannot see it`,
    );
  }
  return new InputError(
    `observability.gitops.repoUrl: reading ${url} with the credentials of integrations (host ${host}) failed: ${e.message}`,
  );
}

/**
 * `obs:gitops:repository`: names the GitOps repository of config for the standard
 * `fetch:plain` and `publish:*` steps of a template, proves it can be read with the
 * configured integration, and checks that the pull request's branch is free (the publish
 * actions would otherwise push onto an existing branch).
 *
 * @public
 */
export function createGitopsRepositoryAction(options: {
  settings: ObsSettings;
  urlReader: UrlReaderService;
  integrations: ScmIntegrationRegistry;
}) {
  const { settings, urlReader, integrations } = options;

  function repository(): { repo: GitopsRepository; host: string } {
    const { repoUrl, baseBranch } = settings.gitops;
    if (!repoUrl) {
      throw new InputError(
        'observability.gitops.repoUrl: not configured; set it to the web URL of the GitOps repository (e.g. https://github.com/<org>/<repo>), served by an integrations.github or integrations.gitlab entry',
      );
    }
    const integration = integrations.byUrl(repoUrl);
    if (!integration) {
      throw new InputError(
        `observability.gitops.repoUrl: no integrations entry serves ${repoUrl}; add one for its host`,
      );
    }
    if (integration.type !== 'github' && integration.type !== 'gitlab') {
      throw new InputError(
        `observability.gitops.repoUrl: ${repoUrl} is served by a ${integration.type} integration; the templates support github and gitlab`,
      );
    }
    try {
      return {
        repo: gitopsRepository({ repoUrl, baseBranch, scm: integration.type }),
        host: new URL(repoUrl).host,
      };
    } catch (error) {
      throw new InputError((error as Error).message);
    }
  }

  return createTemplateAction({
    id: 'obs:gitops:repository',
    description:
      'Names the GitOps repository of observability.gitops.repoUrl for fetch:plain and publish:github:pull-request, checks that it can be read and that the branch of the pull request does not exist yet.',
    supportsDryRun: true,
    examples: [
      {
        description:
          'Fetch the values files and open a pull request from a new branch',
        example: `steps:
  - id: gitops
    action: obs:gitops:repository
    input:
      branchName: onboard-dev-02
  - id: fetch
    action: fetch:plain
    input:
      url: \${{ steps.gitops.output.valuesUrl }}
      targetPath: \${{ steps.gitops.output.valuesPath }}
  - id: pr
    action: publish:github:pull-request
    input:
      repoUrl: \${{ steps.gitops.output.publishRepoUrl }}
      branchName: \${{ steps.gitops.output.branchName }}
      targetBranchName: \${{ steps.gitops.output.baseBranch }}
      title: Onboard cluster dev-02`,
      },
    ],
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput(inputSchema(zod), ctx.input);
      const { repo, host } = repository();
      const { valuesPath } = settings;
      const signal = () => AbortSignal.timeout(settings.gitops.readTimeoutMs);

      // One small read proves the repository, its base branch and the token.
      const probe = repo.fileUrl(`${valuesPath}/values.yaml`);
      try {
        const response = await urlReader.readUrl(probe, { signal: signal() });
        await response.buffer();
      } catch (error) {
        throw readProblem(error, probe, host);
      }

      if (input.branchName) {
        if (input.branchName === repo.baseBranch) {
          throw new InputError(
            `branchName: must differ from the base branch ${repo.baseBranch}`,
          );
        }
        const exists = await urlReader
          .readTree(repo.treeUrl('', input.branchName), {
            filter: () => false,
            signal: signal(),
          })
          .then(
            () => true,
            error => {
              if ((error as Error).name === 'NotFoundError') return false;
              throw readProblem(
                error,
                repo.treeUrl('', input.branchName),
                host,
              );
            },
          );
        if (exists) {
          throw new InputError(
            `branchName: ${input.branchName} already exists in ${repo.url}; merge or close its pull request and delete the branch first`,
          );
        }
        ctx.output('branchName', input.branchName);
      }
      ctx.logger.info(
        `GitOps repository ${repo.url} (base ${repo.baseBranch}) is readable${
          input.branchName ? `; branch ${input.branchName} is free` : ''
        }`,
      );
      ctx.output('url', repo.url);
      ctx.output('publishRepoUrl', repo.publishRepoUrl);
      ctx.output('baseBranch', repo.baseBranch);
      ctx.output('valuesPath', valuesPath);
      ctx.output('valuesUrl', repo.treeUrl(valuesPath));
    },
  });
}
