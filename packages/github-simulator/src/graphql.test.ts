import {
  executeQuery,
  GraphQLResolveError,
  parseQuery,
  Schema,
} from './graphql';

// The small GraphQL engine behind /api/graphql, on a toy schema.

const schema: Schema<{ greeting: string }> = {
  query: 'Query',
  types: {
    Query: {
      fields: {
        hello: {
          type: 'String',
          args: { name: { required: true } },
          resolve: (_, args, ctx) => `${ctx.greeting}, ${args.name}`,
        },
        item: {
          type: 'Item',
          args: { id: {} },
          resolve: (_, args) => {
            if (args.id === 'missing') {
              throw new GraphQLResolveError('No such item', 'NOT_FOUND');
            }
            return { id: args.id ?? 'default', tags: ['a', 'b'] };
          },
        },
        items: {
          type: 'Item',
          list: true,
          resolve: () => [{ id: '1' }, null, { id: '3' }],
        },
      },
    },
    Item: {
      fields: { id: { type: 'ID' }, tags: { type: 'String', list: true } },
    },
  },
};

const run = (query: string, variables: Record<string, unknown> = {}) =>
  executeQuery(schema, query, variables, { greeting: 'Hi' });

describe('graphql engine', () => {
  it('executes fields, aliases, variables with defaults, lists and directives', async () => {
    const result = await run(
      `# a comment
      query Named($who: String!, $id: ID = "x", $skip: Boolean = true) {
        hello(name: $who)
        other: hello(name: """
          block "quoted"
        """)
        item(id: $id) { id tags __typename }
        items { id }
        skipped: hello(name: "no") @skip(if: $skip)
        kept: hello(name: "yes") @include(if: true)
      }`,
      { who: 'Ann' },
    );
    expect(result).toEqual({
      data: {
        hello: 'Hi, Ann',
        other: 'Hi, block "quoted"',
        item: { id: 'x', tags: ['a', 'b'], __typename: 'Item' },
        items: [{ id: '1' }, null, { id: '3' }],
        kept: 'Hi, yes',
      },
    });
  });

  it('reports resolver errors next to the data, with path and type', async () => {
    expect(await run('{ item(id: "missing") { id } }')).toEqual({
      data: { item: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['item'],
          locations: [{ line: 1, column: 3 }],
          message: 'No such item',
        },
      ],
    });
  });

  it('validates before executing', async () => {
    const messages = async (query: string, variables = {}) =>
      ((await run(query, variables)).errors ?? []).map(e => e.message);
    expect(await messages('{ hello }')).toEqual([
      "Field 'hello' is missing required arguments: name",
    ]);
    expect(await messages('{ hello(name: "a", x: 1) }')).toEqual([
      "Field 'hello' doesn't accept argument 'x'",
    ]);
    expect(await messages('{ item }')).toEqual([
      "Field must have selections (field 'item' returns Item but has no selections. Did you mean 'item { ... }'?)",
    ]);
    expect(await messages('{ hello(name: "a") { x } }')).toEqual([
      "Selections can't be made on scalars (field 'hello' returns String but has selections [x])",
    ]);
    expect(await messages('{ hello(name: $nope) }')).toEqual([
      'Variable $nope is used by anonymous query but not declared',
    ]);
    expect(await messages('query ($n: String!) { hello(name: $n) }')).toEqual([
      'Variable $n of type String! was provided invalid value',
    ]);
  });

  it('refuses what it does not support, and bad syntax', () => {
    expect(() => parseQuery('{ ...F } fragment F on Query { hello }')).toThrow(
      /Fragments are not supported/,
    );
    expect(() => parseQuery('subscription { x }')).toThrow(/not supported/);
    expect(() => parseQuery('{ a } { b }')).toThrow(/Only one operation/);
    expect(() => parseQuery('{ a(x: "unterminated) }')).toThrow(
      /Unterminated string/,
    );
    expect(() => parseQuery('{ }')).toThrow(/Parse error on "}"/);
  });
});
