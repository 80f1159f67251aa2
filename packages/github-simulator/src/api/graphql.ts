import { repoWebUrl, SimContext } from '../context';
import { LivePull, nodeId, numericId } from '../format';
import {
  executeQuery,
  ExecutionResult,
  GraphQLResolveError,
  Schema,
} from '../graphql';
import { PullService } from '../pulls';

/**
 * The slice of GitHub's GraphQL schema the consumers ask for — above all the query
 * octokit-plugin-create-pull-request sends before it creates or updates a branch:
 *
 *   repository(name: $repo, owner: $owner) { ref(qualifiedName: $head) {
 *     associatedPullRequests(first: 1, states: OPEN) { edges { node { id number url } } } } }
 *
 * (`ref` is null when the branch does not exist). Anything outside this schema gets
 * GitHub's GraphQL validation errors.
 */

interface GqlContext {
  ctx: SimContext;
  pulls: PullService;
}

interface RefValue {
  fullName: string;
  sha: string;
}

type PullState = 'OPEN' | 'CLOSED' | 'MERGED';

const pullState = (live: LivePull): PullState => {
  if (live.record.state === 'open') return 'OPEN';
  return live.record.merged_at ? 'MERGED' : 'CLOSED';
};

function pullValue(g: GqlContext, live: LivePull) {
  const pr = live.record;
  const url = `${repoWebUrl(g.ctx)}/pull/${pr.number}`;
  return {
    id: nodeId('PR', pr.number),
    databaseId: numericId('pull', pr.number),
    number: pr.number,
    url,
    permalink: url,
    title: pr.title,
    body: pr.body ?? '',
    state: pullState(live),
    isDraft: pr.draft,
    merged: pr.merged_at !== null,
    mergedAt: pr.merged_at,
    closed: pr.state === 'closed',
    closedAt: pr.closed_at,
    createdAt: pr.created_at,
    updatedAt: pr.updated_at,
    headRefName: pr.head.ref,
    baseRefName: pr.base.ref,
    headRefOid: live.headSha,
    baseRefOid: live.baseSha,
  };
}

function asStates(value: unknown): PullState[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  for (const state of list) {
    if (!['OPEN', 'CLOSED', 'MERGED'].includes(state as string)) {
      throw new GraphQLResolveError(
        `Argument 'states' on Field has an invalid value (${String(
          state,
        )}). Expected type '[PullRequestState!]'.`,
        'INVALID_ARGUMENT',
      );
    }
  }
  return list as PullState[];
}

async function pullConnection(
  g: GqlContext,
  args: Record<string, any>,
  fieldName: string,
  /** A branch name; null: no pull request can match. */
  filter: { headRefName?: string | null },
) {
  if (typeof args.first !== 'number' && typeof args.last !== 'number') {
    throw new GraphQLResolveError(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${fieldName}\` connection.`,
      'MISSING_PAGINATION_BOUNDARIES',
    );
  }
  const states = asStates(args.states);
  const headRefName =
    filter.headRefName === undefined ? args.headRefName : filter.headRefName;
  const all = (await g.pulls.list({ state: 'all', direction: 'asc' }))
    .filter(
      live => headRefName === undefined || live.record.head.ref === headRefName,
    )
    .filter(
      live => !args.baseRefName || live.record.base.ref === args.baseRefName,
    )
    .filter(live => !states || states.includes(pullState(live)));
  let page = all;
  if (typeof args.first === 'number')
    page = page.slice(0, Math.max(0, args.first));
  if (typeof args.last === 'number')
    page = page.slice(-Math.max(0, args.last) || page.length);
  const nodes = page.map(live => pullValue(g, live));
  const cursor = (n: number) =>
    Buffer.from(`cursor:v2:${n}`).toString('base64');
  return {
    totalCount: all.length,
    nodes,
    edges: nodes.map(node => ({ cursor: cursor(node.number), node })),
    pageInfo: {
      hasNextPage:
        page.length < all.length &&
        page[page.length - 1] !== all[all.length - 1],
      hasPreviousPage: page.length > 0 && page[0] !== all[0],
      startCursor: nodes.length ? cursor(nodes[0].number) : null,
      endCursor: nodes.length ? cursor(nodes[nodes.length - 1].number) : null,
    },
  };
}

/** `ref(qualifiedName:)`: a full name, or a short one tried as a branch, then a tag. */
async function resolveRef(
  g: GqlContext,
  qualifiedName: string,
): Promise<RefValue | null> {
  const candidates = qualifiedName.startsWith('refs/')
    ? [qualifiedName]
    : [`refs/heads/${qualifiedName}`, `refs/tags/${qualifiedName}`];
  for (const fullName of candidates) {
    const sha = await g.ctx.git.refSha(fullName);
    if (sha) return { fullName, sha };
  }
  return null;
}

const splitRef = (ref: RefValue) => {
  const match = /^(refs\/(?:heads|tags)\/|refs\/)(.*)$/.exec(ref.fullName)!;
  return { prefix: match[1], name: match[2] };
};

const SCALARS = {
  string: { type: 'String' },
  int: { type: 'Int' },
  bool: { type: 'Boolean' },
  id: { type: 'ID' },
};

const connectionArgs = {
  first: {},
  last: {},
  after: {},
  before: {},
  states: {},
  headRefName: {},
  baseRefName: {},
  labels: {},
  orderBy: {},
};

export const githubSchema: Schema<GqlContext> = {
  query: 'Query',
  types: {
    Query: {
      fields: {
        repository: {
          type: 'Repository',
          args: {
            owner: { required: true },
            name: { required: true },
            followRenames: {},
          },
          resolve: (_, args, g) => {
            if (
              String(args.owner).toLowerCase() !== g.ctx.owner.toLowerCase() ||
              String(args.name).toLowerCase() !== g.ctx.repo.toLowerCase()
            ) {
              throw new GraphQLResolveError(
                `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
                'NOT_FOUND',
              );
            }
            return {};
          },
        },
        viewer: {
          type: 'User',
          resolve: (_, __, g) => ({
            login: g.ctx.user.login,
            name: g.ctx.user.name,
            email: g.ctx.user.email,
            id: nodeId('U', g.ctx.user.login),
            url: `${g.ctx.webBaseUrl}/${g.ctx.user.login}`,
          }),
        },
      },
    },
    User: {
      fields: {
        login: SCALARS.string,
        name: SCALARS.string,
        email: SCALARS.string,
        id: SCALARS.id,
        url: { type: 'URI' },
      },
    },
    RepositoryOwner: {
      fields: { login: SCALARS.string, id: SCALARS.id, url: { type: 'URI' } },
    },
    Repository: {
      fields: {
        id: {
          type: 'ID',
          resolve: (_, __, g) => nodeId('R', `${g.ctx.owner}/${g.ctx.repo}`),
        },
        databaseId: {
          type: 'Int',
          resolve: (_, __, g) =>
            numericId('repo', `${g.ctx.owner}/${g.ctx.repo}`),
        },
        name: { type: 'String', resolve: (_, __, g) => g.ctx.repo },
        nameWithOwner: {
          type: 'String',
          resolve: (_, __, g) => `${g.ctx.owner}/${g.ctx.repo}`,
        },
        url: { type: 'URI', resolve: (_, __, g) => repoWebUrl(g.ctx) },
        isPrivate: { type: 'Boolean', resolve: () => true },
        owner: {
          type: 'RepositoryOwner',
          resolve: (_, __, g) => ({
            login: g.ctx.owner,
            id: nodeId('O', g.ctx.owner),
            url: `${g.ctx.webBaseUrl}/${g.ctx.owner}`,
          }),
        },
        defaultBranchRef: {
          type: 'Ref',
          resolve: async (_, __, g) =>
            resolveRef(g, `refs/heads/${await g.ctx.git.defaultBranch()}`),
        },
        ref: {
          type: 'Ref',
          args: { qualifiedName: { required: true } },
          resolve: (_, args, g) => resolveRef(g, String(args.qualifiedName)),
        },
        pullRequest: {
          type: 'PullRequest',
          args: { number: { required: true } },
          resolve: async (_, args, g) => {
            const live = await g.pulls.get(Number(args.number));
            if (!live) {
              throw new GraphQLResolveError(
                `Could not resolve to a PullRequest with the number of ${args.number}.`,
                'NOT_FOUND',
              );
            }
            return pullValue(g, live);
          },
        },
        pullRequests: {
          type: 'PullRequestConnection',
          args: connectionArgs,
          resolve: (_, args, g) => pullConnection(g, args, 'pullRequests', {}),
        },
      },
    },
    Ref: {
      fields: {
        id: {
          type: 'ID',
          resolve: (ref: RefValue) => nodeId('REF', ref.fullName),
        },
        name: {
          type: 'String',
          resolve: (ref: RefValue) => splitRef(ref).name,
        },
        prefix: {
          type: 'String',
          resolve: (ref: RefValue) => splitRef(ref).prefix,
        },
        target: {
          type: 'Commit',
          resolve: (ref: RefValue) => ({
            oid: ref.sha,
            abbreviatedOid: ref.sha.slice(0, 7),
            id: nodeId('C', ref.sha),
          }),
        },
        associatedPullRequests: {
          type: 'PullRequestConnection',
          args: connectionArgs,
          // pull requests with this ref as their head: only branches can be
          resolve: (ref: RefValue, args, g) => {
            const { prefix, name } = splitRef(ref);
            return pullConnection(g, args, 'associatedPullRequests', {
              headRefName: prefix === 'refs/heads/' ? name : null,
            });
          },
        },
      },
    },
    Commit: {
      fields: {
        oid: { type: 'GitObjectID' },
        abbreviatedOid: SCALARS.string,
        id: SCALARS.id,
      },
    },
    PullRequestConnection: {
      fields: {
        totalCount: SCALARS.int,
        nodes: { type: 'PullRequest', list: true },
        edges: { type: 'PullRequestEdge', list: true },
        pageInfo: { type: 'PageInfo' },
      },
    },
    PullRequestEdge: {
      fields: { cursor: SCALARS.string, node: { type: 'PullRequest' } },
    },
    PageInfo: {
      fields: {
        hasNextPage: SCALARS.bool,
        hasPreviousPage: SCALARS.bool,
        startCursor: SCALARS.string,
        endCursor: SCALARS.string,
      },
    },
    PullRequest: {
      fields: {
        id: SCALARS.id,
        databaseId: SCALARS.int,
        number: SCALARS.int,
        url: { type: 'URI' },
        permalink: { type: 'URI' },
        title: SCALARS.string,
        body: SCALARS.string,
        state: { type: 'PullRequestState' },
        isDraft: SCALARS.bool,
        merged: SCALARS.bool,
        mergedAt: { type: 'DateTime' },
        closed: SCALARS.bool,
        closedAt: { type: 'DateTime' },
        createdAt: { type: 'DateTime' },
        updatedAt: { type: 'DateTime' },
        headRefName: SCALARS.string,
        baseRefName: SCALARS.string,
        headRefOid: { type: 'GitObjectID' },
        baseRefOid: { type: 'GitObjectID' },
      },
    },
  },
};

/** POST /api/graphql body -> GitHub's GraphQL answer. */
export async function answerGraphql(
  ctx: SimContext,
  pulls: PullService,
  input: Record<string, unknown>,
): Promise<ExecutionResult> {
  if (typeof input.query !== 'string') {
    return {
      errors: [
        {
          message: 'A query attribute must be specified and must be a string.',
        },
      ],
    };
  }
  const variables =
    input.variables &&
    typeof input.variables === 'object' &&
    !Array.isArray(input.variables)
      ? (input.variables as Record<string, unknown>)
      : {};
  return executeQuery(githubSchema, input.query, variables, { ctx, pulls });
}
