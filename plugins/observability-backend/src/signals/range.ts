import { InputError } from '@backstage/errors';

/** The time range of one signals request, and the step of its charts. */
export interface SignalsRange {
  from: Date;
  to: Date;
  stepSeconds: number;
}

const NICE_STEPS = [
  15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];

const DEFAULT_RANGE_MS = 3600_000;

/** `from`/`to` as ISO 8601 date-times or epoch milliseconds. */
export function parseTime(value: string, name: string): Date {
  let ms = NaN;
  if (/^\d{1,15}$/.test(value)) {
    ms = Number(value);
  } else if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(
      value,
    )
  ) {
    ms = Date.parse(value);
  }
  if (!Number.isFinite(ms)) {
    throw new InputError(
      `Invalid ${name} "${value}": use an ISO 8601 date-time with a zone or epoch milliseconds`,
    );
  }
  return new Date(ms);
}

/** The smallest "nice" step that keeps a series under `maxPoints` points. */
export function chooseStep(rangeMs: number, maxPoints: number): number {
  const wanted = rangeMs / 1000 / maxPoints;
  return NICE_STEPS.find(s => s >= wanted) ?? Math.ceil(wanted / 86400) * 86400;
}

/**
 * Validates and rounds the requested range: `to` defaults to now and `from` to an
 * hour before `to`; both are rounded down to `granularityMs` so that requests in
 * the same few seconds share one cached answer.
 */
export function resolveRange(
  query: { from?: string; to?: string },
  options: {
    now: number;
    maxRangeMs: number;
    maxPoints: number;
    granularityMs: number;
  },
): SignalsRange {
  const to = query.to ? parseTime(query.to, 'to') : new Date(options.now);
  const from = query.from
    ? parseTime(query.from, 'from')
    : new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (to.getTime() <= from.getTime()) {
    throw new InputError('Invalid range: "to" must be after "from"');
  }
  const rangeMs = to.getTime() - from.getTime();
  if (rangeMs > options.maxRangeMs) {
    throw new InputError(
      `Invalid range: at most ${Math.round(
        options.maxRangeMs / 3600_000,
      )} hours may be asked at once`,
    );
  }
  const g = Math.max(1, options.granularityMs);
  const roundedTo = Math.floor(to.getTime() / g) * g;
  const roundedFrom = Math.min(
    Math.floor(from.getTime() / g) * g,
    roundedTo - g,
  );
  return {
    from: new Date(roundedFrom),
    to: new Date(roundedTo),
    stepSeconds: chooseStep(roundedTo - roundedFrom, options.maxPoints),
  };
}
