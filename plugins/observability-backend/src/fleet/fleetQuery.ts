import {
  FleetPageQuery,
  FleetSortField,
  HEALTH_STATUSES,
  HealthStatus,
} from '@fleetobs/plugin-observability-common';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { parseOrThrow } from '../lib/parseOrThrow';

const SORT_FIELDS: [FleetSortField, ...FleetSortField[]] = [
  'status',
  'name',
  'environment',
  'metrics',
  'logs',
  'traces',
  'gitops',
  'alerts',
];

/** Where a page ends: the sort it belongs to and the sort key of its last cluster. */
export interface FleetCursor {
  /** `field:order` of the listing the cursor was made for. */
  s: string;
  /** The last cluster's sort key (a severity, an alerts key or a string). */
  k: number | string;
  /** The last cluster's name (the tie-breaker). */
  n: string;
}

const cursorSchema = z
  .object({
    s: z.string().max(32),
    // A severity (0-3) or an alerts key (-1 when the Alertmanager was not asked).
    k: z.union([
      z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER),
      z.string().max(256),
    ]),
    n: z.string().max(256),
  })
  .strict();

/** The cursor as the client sees it: base64url JSON, opaque by contract. */
export function encodeCursor(cursor: FleetCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): FleetCursor | undefined {
  try {
    const parsed = cursorSchema.safeParse(
      JSON.parse(Buffer.from(text, 'base64url').toString('utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `key` is a sort key of a `sort` listing. */
function keyFits(sort: FleetSortField, key: number | string): boolean {
  if (sort === 'name' || sort === 'environment') return typeof key === 'string';
  if (typeof key !== 'number') return false;
  // Alerts keys count alerts; every other numeric key is a status severity.
  return sort === 'alerts' ? key >= -1 : key >= 0 && key <= 3;
}

const STATUS_FILTERS: [HealthStatus | 'not-ok', ...HealthStatus[]] = [
  'not-ok',
  ...HEALTH_STATUSES,
];

const fleetQuerySchema = z
  .object({
    view: z.enum(['full', 'summary']).default('full'),
    status: z.enum(STATUS_FILTERS).optional(),
    environment: z.string().min(1).max(100).optional(),
    q: z.string().max(100).optional(),
    sort: z.enum(SORT_FIELDS).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z
      .string()
      .max(1024)
      .regex(/^[A-Za-z0-9_-]+$/, { message: 'is not a cursor of this API' })
      .transform((text, ctx) => {
        const cursor = decodeCursor(text);
        if (!cursor) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: 'is not a cursor of this API',
          });
          return z.NEVER;
        }
        return cursor;
      })
      .optional(),
  })
  .strict();

/** A validated page request: every field set, the sort spelled out. */
export interface FleetPageRequest
  extends Required<Pick<FleetPageQuery, 'sort' | 'order' | 'limit'>> {
  status?: HealthStatus | 'not-ok';
  environment?: string;
  /** Lowercased. */
  q?: string;
  cursor?: FleetCursor;
}

const PAGE_PARAMS = [
  'status',
  'environment',
  'q',
  'sort',
  'order',
  'limit',
  'cursor',
] as const;

export const DEFAULT_PAGE_SIZE = 50;

/**
 * The query of `GET /v1/fleet`: its view, and a page request when any filter or
 * paging parameter is given (without, the answer is the whole fleet as before).
 * Throws an InputError (400) naming each bad parameter.
 */
export function parseFleetQuery(query: unknown): {
  view: 'full' | 'summary';
  page?: FleetPageRequest;
} {
  const parsed = parseOrThrow(fleetQuerySchema, query, 'query');
  const { view, sort = 'status', cursor } = parsed;
  if (!PAGE_PARAMS.some(param => parsed[param] !== undefined)) {
    return { view };
  }
  const byStatus = sort !== 'name' && sort !== 'environment';
  const order = parsed.order ?? (byStatus ? 'desc' : 'asc');
  // A cursor only continues the listing it was made for.
  if (cursor && (cursor.s !== `${sort}:${order}` || !keyFits(sort, cursor.k))) {
    throw new InputError(
      `Invalid query: cursor belongs to another listing than ${sort}:${order}`,
    );
  }
  return {
    view,
    page: {
      sort,
      order,
      limit: parsed.limit ?? DEFAULT_PAGE_SIZE,
      status: parsed.status,
      environment: parsed.environment,
      q: parsed.q ? parsed.q.toLocaleLowerCase('en-US') : undefined,
      cursor,
    },
  };
}
