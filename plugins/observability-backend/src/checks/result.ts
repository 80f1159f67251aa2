import {
  CheckEvidence,
  CheckId,
  CheckResult,
  DeepLink,
  HealthStatus,
} from '@fleetobs/plugin-observability-common';
import { describeCheck } from './catalogue';
import { CheckContext } from './types';

/**
 * A check result with its title; one that is not `ok` carries its failure mode and
 * mitigation (an `ok` check has nothing to mitigate, and at 400 clusters the two texts
 * would be a quarter of the fleet answer).
 */
export function checkResult(
  id: CheckId,
  ctx: CheckContext,
  fields: {
    status: HealthStatus;
    summary: string;
    evidence: CheckEvidence;
    links?: DeepLink[];
  },
): CheckResult {
  const description = describeCheck(id);
  return {
    id,
    title: description.title,
    status: fields.status,
    summary: fields.summary,
    evidence: fields.evidence,
    ...(fields.status === 'ok'
      ? {}
      : {
          failureMode: description.failureMode,
          mitigation: description.mitigation,
        }),
    links: fields.links ?? [],
    observedAt: isoOf(ctx.now),
  };
}

// A round makes a result per check and cluster (88,000 at 4,000 clusters), all with
// the round's time: formatted once.
const isoStrings = new WeakMap<Date, string>();
function isoOf(date: Date): string {
  let iso = isoStrings.get(date);
  if (iso === undefined) {
    iso = date.toISOString();
    isoStrings.set(date, iso);
  }
  return iso;
}

/** The result of a check whose upstream could not be asked. Never `ok`. */
export function unknownResult(
  id: CheckId,
  ctx: CheckContext,
  fields: {
    source: string;
    query?: string;
    error: string;
    links?: DeepLink[];
  },
): CheckResult {
  return checkResult(id, ctx, {
    status: 'unknown',
    summary: `${describeCheck(id).title}: ${
      fields.source
    } could not be asked (${fields.error})`,
    evidence: {
      source: fields.source,
      query: fields.query,
      error: fields.error,
    },
    links: fields.links,
  });
}

/** Round to a few decimals for evidence. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `3h 12m`, `45s`, `12d 3h`: ages in summaries. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400)
    return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
