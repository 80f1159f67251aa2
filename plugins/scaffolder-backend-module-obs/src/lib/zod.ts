import { InputError } from '@backstage/errors';
import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import { z as zodRuntime } from 'zod';

type SchemaFn = NonNullable<
  NonNullable<TemplateActionOptions['schema']>['input']
>[string];

/** The zod (v3 API) instance the scaffolder passes to schema callbacks. */
export type Zod = Parameters<SchemaFn>[0];

/**
 * The same zod v3 API at run time, typed as the scaffolder's instance so that one
 * schema function serves both the action's JSON schema and the handler's parsing.
 */
export const zod: Zod = zodRuntime as unknown as Zod;

type SafeParser<T> = {
  safeParse(input: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: {
          issues: Array<{ path: (string | number)[]; message: string }>;
        };
      };
};

/** Parses action input, throwing an InputError that names every bad field. */
export function parseInput<T>(schema: SafeParser<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const messages = result.error.issues.map(
    issue => `${issue.path.join('.') || 'input'}: ${issue.message}`,
  );
  throw new InputError(`Invalid input: ${messages.join('; ')}`);
}
