/** The time ranges of the picker shared by the three sections. */
export const TIME_RANGES = [
  { id: '15m', label: '15 min', short: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 hour', short: '1 h', ms: 3600_000 },
  { id: '6h', label: '6 hours', short: '6 h', ms: 6 * 3600_000 },
  { id: '24h', label: '24 hours', short: '24 h', ms: 24 * 3600_000 },
  { id: '7d', label: '7 days', short: '7 days', ms: 7 * 24 * 3600_000 },
] as const;

export type TimeRangeId = (typeof TIME_RANGES)[number]['id'];

export const rangeOf = (id: TimeRangeId) =>
  TIME_RANGES.find(r => r.id === id) ?? TIME_RANGES[1];
