// Durations as Thanos flags and Elasticsearch ILM write them: `30d`, `720h`, `90m`,
// `2w`, `1y`, with Thanos' `0d` for "keep forever" left to the caller to forbid.
const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};

const DURATION = /^(\d+)(s|m|h|d|w|y)$/;

/**
 * Seconds in a duration such as `30d` or `720h`; undefined when it does not parse.
 *
 * @public
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) {
    return undefined;
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/**
 * Days in a duration, for display and cost (fractions kept).
 *
 * @public
 */
export function durationDays(text: string): number | undefined {
  const seconds = parseDuration(text);
  return seconds === undefined ? undefined : seconds / 86400;
}
