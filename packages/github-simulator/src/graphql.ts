/**
 * A small GraphQL engine: parses one query operation (fields, aliases, arguments,
 * variables, @include/@skip), validates it against a schema of object types, and
 * executes it with resolvers. Errors follow GitHub's GraphQL API format
 * (`{ errors: [{ message, locations, path, extensions | type }] }`). Fragments,
 * mutations and subscriptions are refused.
 */

export interface Location {
  line: number;
  column: number;
}

export interface GraphQLErrorJson {
  message: string;
  locations?: Location[];
  path?: Array<string | number>;
  type?: string;
  extensions?: Record<string, unknown>;
}

export class GraphQLSyntaxError extends Error {
  constructor(message: string, readonly location: Location) {
    super(message);
  }
}

/** Thrown by a resolver: becomes an entry of `errors` and a null value. */
export class GraphQLResolveError extends Error {
  constructor(message: string, readonly type: string) {
    super(message);
  }
}

type Value =
  | { kind: 'variable'; name: string; loc: Location }
  | { kind: 'literal'; value: unknown }
  | { kind: 'list'; values: Value[] }
  | { kind: 'object'; fields: Record<string, Value> };

interface Directive {
  name: string;
  args: Record<string, Value>;
  loc: Location;
}

export interface FieldNode {
  alias: string;
  name: string;
  args: Record<string, Value>;
  directives: Directive[];
  selections?: FieldNode[];
  loc: Location;
}

interface VariableDefinition {
  name: string;
  /** As written, e.g. `String!`. */
  type: string;
  nonNull: boolean;
  defaultValue?: Value;
}

export interface Operation {
  type: 'query';
  name?: string;
  variables: VariableDefinition[];
  selections: FieldNode[];
}

// ---------------------------------------------------------------- lexer

type TokenKind = 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';

interface Token {
  kind: TokenKind;
  value: string;
  loc: Location;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const loc = (at: number): Location => ({ line, column: at - lineStart + 1 });
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...', loc: loc(start) });
      i += 3;
      continue;
    }
    if ('!$&()=:@[]{}|'.includes(c)) {
      tokens.push({ kind: 'punct', value: c, loc: loc(start) });
      i++;
      continue;
    }
    if (/[_A-Za-z]/.test(c)) {
      while (i < source.length && /[_0-9A-Za-z]/.test(source[i])) i++;
      tokens.push({
        kind: 'name',
        value: source.slice(start, i),
        loc: loc(start),
      });
      continue;
    }
    if (/[-0-9]/.test(c)) {
      const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
        source.slice(i),
      );
      if (!match || match[0] === '-') {
        throw new GraphQLSyntaxError(
          `Parse error on "${c}" at [${line}, ${start - lineStart + 1}]`,
          loc(start),
        );
      }
      i += match[0].length;
      tokens.push({
        kind: match[2] || match[3] ? 'float' : 'int',
        value: match[0],
        loc: loc(start),
      });
      continue;
    }
    if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end === -1) {
        throw new GraphQLSyntaxError('Unterminated string', loc(start));
      }
      const raw = source.slice(i + 3, end);
      const startLoc = loc(start);
      for (const ch of raw) {
        if (ch === '\n') line++;
      }
      const lastNewline = raw.lastIndexOf('\n');
      if (lastNewline !== -1) lineStart = i + 3 + lastNewline + 1;
      i = end + 3;
      tokens.push({ kind: 'string', value: blockString(raw), loc: startLoc });
      continue;
    }
    if (c === '"') {
      let value = '';
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\n') {
          throw new GraphQLSyntaxError('Unterminated string', loc(start));
        }
        if (source[i] === '\\') {
          const next = source[i + 1];
          const simple: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          if (next in simple) {
            value += simple[next];
            i += 2;
          } else if (
            next === 'u' &&
            /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))
          ) {
            value += String.fromCharCode(
              parseInt(source.slice(i + 2, i + 6), 16),
            );
            i += 6;
          } else {
            throw new GraphQLSyntaxError('Bad escape in string', loc(i));
          }
          continue;
        }
        value += source[i++];
      }
      if (source[i] !== '"') {
        throw new GraphQLSyntaxError('Unterminated string', loc(start));
      }
      i++;
      tokens.push({ kind: 'string', value, loc: loc(start) });
      continue;
    }
    throw new GraphQLSyntaxError(
      `Parse error on "${c}" at [${line}, ${start - lineStart + 1}]`,
      loc(start),
    );
  }
  tokens.push({ kind: 'eof', value: '', loc: loc(i) });
  return tokens;
}

function blockString(raw: string): string {
  const lines = raw.replace(/\\"""/g, '"""').split(/\r\n|\n|\r/);
  let indent: number | undefined;
  for (const l of lines.slice(1)) {
    const leading = /^[ \t]*/.exec(l)![0].length;
    if (leading < l.length && (indent === undefined || leading < indent)) {
      indent = leading;
    }
  }
  const out = lines.map((l, n) => (n === 0 || !indent ? l : l.slice(indent)));
  while (out.length && out[0].trim() === '') out.shift();
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  return out.join('\n');
}

// ---------------------------------------------------------------- parser

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek() {
    return this.tokens[this.pos];
  }

  private next() {
    return this.tokens[this.pos++];
  }

  private fail(token: Token): never {
    const shown = token.kind === 'eof' ? 'end of file' : `"${token.value}"`;
    throw new GraphQLSyntaxError(
      `Parse error on ${shown} at [${token.loc.line}, ${token.loc.column}]`,
      token.loc,
    );
  }

  private isPunct(value: string) {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expectPunct(value: string) {
    const token = this.next();
    if (token.kind !== 'punct' || token.value !== value) this.fail(token);
    return token;
  }

  private name(): Token {
    const token = this.next();
    if (token.kind !== 'name') this.fail(token);
    return token;
  }

  document(): Operation {
    let operation: Operation | undefined;
    while (this.peek().kind !== 'eof') {
      const token = this.peek();
      if (token.kind === 'name' && token.value === 'fragment') {
        throw new GraphQLSyntaxError(
          'Fragments are not supported by the GitHub simulator',
          token.loc,
        );
      }
      if (operation) {
        throw new GraphQLSyntaxError(
          'Only one operation per document is supported by the GitHub simulator',
          token.loc,
        );
      }
      operation = this.operation();
    }
    if (!operation) this.fail(this.peek());
    return operation;
  }

  private operation(): Operation {
    const token = this.peek();
    if (token.kind === 'punct' && token.value === '{') {
      return { type: 'query', variables: [], selections: this.selectionSet() };
    }
    const keyword = this.name();
    if (keyword.value !== 'query') {
      if (keyword.value === 'mutation' || keyword.value === 'subscription') {
        throw new GraphQLSyntaxError(
          `${keyword.value} operations are not supported by the GitHub simulator`,
          keyword.loc,
        );
      }
      this.fail(keyword);
    }
    let name: string | undefined;
    if (this.peek().kind === 'name') name = this.name().value;
    const variables = this.isPunct('(') ? this.variableDefinitions() : [];
    this.directives();
    return { type: 'query', name, variables, selections: this.selectionSet() };
  }

  private variableDefinitions(): VariableDefinition[] {
    this.expectPunct('(');
    const defs: VariableDefinition[] = [];
    while (!this.isPunct(')')) {
      this.expectPunct('$');
      const name = this.name().value;
      this.expectPunct(':');
      const type = this.type();
      let defaultValue: Value | undefined;
      if (this.isPunct('=')) {
        this.next();
        defaultValue = this.value(true);
      }
      defs.push({ name, type, nonNull: type.endsWith('!'), defaultValue });
    }
    this.expectPunct(')');
    return defs;
  }

  /** Parses a type reference, e.g. `[String!]!`. */
  private type(): string {
    let type: string;
    if (this.isPunct('[')) {
      this.next();
      type = `[${this.type()}]`;
      this.expectPunct(']');
    } else {
      type = this.name().value;
    }
    if (this.isPunct('!')) {
      this.next();
      return `${type}!`;
    }
    return type;
  }

  private directives(): Directive[] {
    const directives: Directive[] = [];
    while (this.isPunct('@')) {
      const at = this.next();
      const name = this.name().value;
      directives.push({
        name,
        args: this.isPunct('(') ? this.arguments() : {},
        loc: at.loc,
      });
    }
    return directives;
  }

  private selectionSet(): FieldNode[] {
    this.expectPunct('{');
    const fields: FieldNode[] = [];
    while (!this.isPunct('}')) {
      if (this.isPunct('...')) {
        throw new GraphQLSyntaxError(
          'Fragments are not supported by the GitHub simulator',
          this.peek().loc,
        );
      }
      fields.push(this.field());
    }
    this.expectPunct('}');
    if (!fields.length) this.fail(this.tokens[this.pos - 1]);
    return fields;
  }

  private field(): FieldNode {
    const first = this.name();
    let alias = first.value;
    let name = first.value;
    if (this.isPunct(':')) {
      this.next();
      name = this.name().value;
    }
    const args = this.isPunct('(') ? this.arguments() : {};
    const directives = this.directives();
    const selections = this.isPunct('{') ? this.selectionSet() : undefined;
    if (alias === name) alias = name;
    return { alias, name, args, directives, selections, loc: first.loc };
  }

  private arguments(): Record<string, Value> {
    this.expectPunct('(');
    const args: Record<string, Value> = {};
    while (!this.isPunct(')')) {
      const name = this.name().value;
      this.expectPunct(':');
      args[name] = this.value(false);
    }
    this.expectPunct(')');
    return args;
  }

  private value(constant: boolean): Value {
    const token = this.next();
    if (token.kind === 'punct' && token.value === '$' && !constant) {
      return { kind: 'variable', name: this.name().value, loc: token.loc };
    }
    if (token.kind === 'int') {
      return { kind: 'literal', value: Number(token.value) };
    }
    if (token.kind === 'float') {
      return { kind: 'literal', value: Number(token.value) };
    }
    if (token.kind === 'string') return { kind: 'literal', value: token.value };
    if (token.kind === 'name') {
      if (token.value === 'true') return { kind: 'literal', value: true };
      if (token.value === 'false') return { kind: 'literal', value: false };
      if (token.value === 'null') return { kind: 'literal', value: null };
      return { kind: 'literal', value: token.value }; // enum value
    }
    if (token.kind === 'punct' && token.value === '[') {
      const values: Value[] = [];
      while (!this.isPunct(']')) values.push(this.value(constant));
      this.next();
      return { kind: 'list', values };
    }
    if (token.kind === 'punct' && token.value === '{') {
      const fields: Record<string, Value> = {};
      while (!this.isPunct('}')) {
        const name = this.name().value;
        this.expectPunct(':');
        fields[name] = this.value(constant);
      }
      this.next();
      return { kind: 'object', fields };
    }
    return this.fail(token);
  }
}

export function parseQuery(source: string): Operation {
  return new Parser(tokenize(source)).document();
}

// ---------------------------------------------------------------- schema and execution

export interface FieldDefinition<TContext = unknown> {
  /** An object type name of the schema, or a scalar / enum name. */
  type: string;
  list?: boolean;
  args?: Record<string, { required?: boolean }>;
  resolve?: (
    parent: any,
    args: Record<string, any>,
    context: TContext,
  ) => unknown | Promise<unknown>;
}

export interface ObjectType<TContext = unknown> {
  fields: Record<string, FieldDefinition<TContext>>;
}

export interface Schema<TContext = unknown> {
  query: string;
  types: Record<string, ObjectType<TContext>>;
}

export interface ExecutionResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorJson[];
}

function resolveValue(
  value: Value,
  variables: Record<string, unknown>,
): unknown {
  switch (value.kind) {
    case 'variable':
      return variables[value.name];
    case 'literal':
      return value.value;
    case 'list':
      return value.values.map(v => resolveValue(v, variables));
    default:
      return Object.fromEntries(
        Object.entries(value.fields).map(([k, v]) => [
          k,
          resolveValue(v, variables),
        ]),
      );
  }
}

function usedVariables(
  value: Value,
  into: Array<{ name: string; loc: Location }>,
) {
  if (value.kind === 'variable')
    into.push({ name: value.name, loc: value.loc });
  else if (value.kind === 'list')
    value.values.forEach(v => usedVariables(v, into));
  else if (value.kind === 'object')
    Object.values(value.fields).forEach(v => usedVariables(v, into));
}

function validate<T>(
  schema: Schema<T>,
  operation: Operation,
  variables: Record<string, unknown>,
): GraphQLErrorJson[] {
  const errors: GraphQLErrorJson[] = [];
  const opName = operation.name ?? 'anonymous query';
  const declared = new Map(operation.variables.map(v => [v.name, v]));
  for (const def of operation.variables) {
    const provided = variables[def.name];
    if (
      def.nonNull &&
      (provided === undefined || provided === null) &&
      !def.defaultValue
    ) {
      errors.push({
        extensions: {
          value: null,
          problems: [
            { path: [], explanation: 'Expected value to not be null' },
          ],
        },
        locations: [],
        message: `Variable $${def.name} of type ${def.type} was provided invalid value`,
      });
    }
  }
  const walk = (
    fields: FieldNode[],
    typeName: string,
    path: Array<string | number>,
  ) => {
    const type = schema.types[typeName];
    for (const field of fields) {
      const fieldPath = [...path, field.alias];
      const uses: Array<{ name: string; loc: Location }> = [];
      Object.values(field.args).forEach(v => usedVariables(v, uses));
      field.directives.forEach(d =>
        Object.values(d.args).forEach(v => usedVariables(v, uses)),
      );
      for (const use of uses) {
        if (!declared.has(use.name)) {
          errors.push({
            path: fieldPath,
            extensions: { code: 'variableNotDefined', variableName: use.name },
            locations: [use.loc],
            message: `Variable $${use.name} is used by ${opName} but not declared`,
          });
        }
      }
      if (field.name === '__typename') continue;
      const definition = type.fields[field.name];
      if (!definition) {
        errors.push({
          path: fieldPath,
          extensions: {
            code: 'undefinedField',
            typeName,
            fieldName: field.name,
          },
          locations: [field.loc],
          message: `Field '${field.name}' doesn't exist on type '${typeName}'`,
        });
        continue;
      }
      const accepted = definition.args ?? {};
      for (const arg of Object.keys(field.args)) {
        if (!(arg in accepted)) {
          errors.push({
            path: [...fieldPath, arg],
            extensions: {
              code: 'argumentNotAccepted',
              name: field.name,
              typeName: 'Field',
              argumentName: arg,
            },
            locations: [field.loc],
            message: `Field '${field.name}' doesn't accept argument '${arg}'`,
          });
        }
      }
      const missing = Object.entries(accepted)
        .filter(([arg, spec]) => spec.required && !(arg in field.args))
        .map(([arg]) => arg);
      if (missing.length) {
        errors.push({
          path: fieldPath,
          extensions: {
            code: 'missingRequiredArguments',
            className: 'Field',
            name: field.name,
            arguments: missing.join(', '),
          },
          locations: [field.loc],
          message: `Field '${
            field.name
          }' is missing required arguments: ${missing.join(', ')}`,
        });
      }
      const objectType = schema.types[definition.type];
      if (objectType && !field.selections) {
        errors.push({
          path: fieldPath,
          extensions: {
            code: 'selectionMismatch',
            nodeName: `field '${field.name}'`,
            typeName: definition.type,
          },
          locations: [field.loc],
          message: `Field must have selections (field '${field.name}' returns ${definition.type} but has no selections. Did you mean '${field.name} { ... }'?)`,
        });
      } else if (!objectType && field.selections) {
        errors.push({
          path: fieldPath,
          extensions: {
            code: 'selectionMismatch',
            nodeName: `field '${field.name}'`,
            typeName: definition.type,
          },
          locations: [field.loc],
          message: `Selections can't be made on scalars (field '${
            field.name
          }' returns ${definition.type} but has selections [${field.selections
            .map(s => s.name)
            .join(', ')}])`,
        });
      } else if (objectType && field.selections) {
        walk(field.selections, definition.type, fieldPath);
      }
    }
  };
  walk(operation.selections, schema.query, ['query']);
  return errors;
}

function included(field: FieldNode, variables: Record<string, unknown>) {
  for (const directive of field.directives) {
    const condition = resolveValue(
      directive.args.if ?? { kind: 'literal', value: true },
      variables,
    );
    if (directive.name === 'include' && !condition) return false;
    if (directive.name === 'skip' && condition) return false;
  }
  return true;
}

/** Parses, validates and executes one query. */
export async function executeQuery<TContext>(
  schema: Schema<TContext>,
  source: string,
  variableValues: Record<string, unknown>,
  context: TContext,
): Promise<ExecutionResult> {
  let operation: Operation;
  try {
    operation = parseQuery(source);
  } catch (error) {
    if (error instanceof GraphQLSyntaxError) {
      return {
        errors: [{ message: error.message, locations: [error.location] }],
      };
    }
    throw error;
  }
  const variables: Record<string, unknown> = {};
  for (const def of operation.variables) {
    if (def.name in variableValues) {
      variables[def.name] = variableValues[def.name];
    } else if (def.defaultValue) {
      variables[def.name] = resolveValue(def.defaultValue, {});
    }
  }
  const errors = validate(schema, operation, variables);
  if (errors.length) return { errors };

  const executionErrors: GraphQLErrorJson[] = [];

  /** A value of an object type, or a scalar as it is (null stays null). */
  async function complete(
    value: unknown,
    definition: FieldDefinition<TContext>,
    field: FieldNode,
    path: Array<string | number>,
  ): Promise<unknown> {
    if (value === null || value === undefined) return null;
    if (!schema.types[definition.type]) return value;
    if (!definition.list) {
      // eslint-disable-next-line @typescript-eslint/no-use-before-define
      return selectObject(value, definition.type, field.selections!, path);
    }
    return Promise.all(
      (value as unknown[]).map((item, n) =>
        item === null || item === undefined
          ? null
          : // eslint-disable-next-line @typescript-eslint/no-use-before-define
            selectObject(item, definition.type, field.selections!, [
              ...path,
              n,
            ]),
      ),
    );
  }

  async function selectObject(
    parent: unknown,
    typeName: string,
    fields: FieldNode[],
    path: Array<string | number>,
  ): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      if (!included(field, variables)) continue;
      if (field.name === '__typename') {
        out[field.alias] = typeName;
        continue;
      }
      const definition = schema.types[typeName].fields[field.name];
      const args = Object.fromEntries(
        Object.entries(field.args).map(([k, v]) => [
          k,
          resolveValue(v, variables),
        ]),
      );
      const fieldPath = [...path, field.alias];
      let value: unknown;
      try {
        value = definition.resolve
          ? await definition.resolve(parent, args, context)
          : (parent as Record<string, unknown>)[field.name];
      } catch (error) {
        if (!(error instanceof GraphQLResolveError)) throw error;
        executionErrors.push({
          type: error.type,
          path: fieldPath,
          locations: [field.loc],
          message: error.message,
        });
        value = null;
      }
      out[field.alias] = await complete(value, definition, field, fieldPath);
    }
    return out;
  }

  const data = await selectObject({}, schema.query, operation.selections, []);
  return executionErrors.length ? { data, errors: executionErrors } : { data };
}
