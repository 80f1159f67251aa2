import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Parses request input with a zod schema, or throws an InputError (HTTP 400) that
 * names every field that is wrong, e.g. `Invalid query: limit must be at most 1000`.
 */
export function parseOrThrow<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InputError(
      `Invalid ${what}: ${parsed.error.issues
        .map(i => `${i.path.join('.') || what} ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}
