import {
  IlmRetention,
  MetricsRetention,
  RetentionCostEstimate,
  RetentionSettings,
  RetentionSignal,
  durationDays,
} from '@fleetobs/plugin-observability-common';

/** Prices per GB-month by storage class, and the storage model's one assumption. */
export interface RetentionPricing {
  currency: string;
  objectStorageGbMonth: number;
  esHotGbMonth: number;
  esWarmGbMonth: number;
  /** Bytes a TSDB sample takes in object storage (Prometheus: about 1–2). */
  bytesPerSample: number;
}

/** What was measured of a cluster's ingest (missing parts explained in warnings). */
export interface IngestRates {
  /** Metrics: samples appended per second (both HA replicas) and head series. */
  samplesPerSecond?: number;
  series?: number;
  /** Logs / traces: GB per day written to Elasticsearch for the cluster. */
  gbPerDay?: number;
  inputs: Record<string, number | string>;
  warnings: string[];
}

const GB = 1e9;
// Thanos downsampling keeps 5 aggregates (count, sum, min, max, counter) per window.
const AGGREGATES = 5;

function metricsStorage(
  s: MetricsRetention,
  rates: IngestRates,
  pricing: RetentionPricing,
): { gb: number; monthly: number } | undefined {
  if (rates.samplesPerSecond === undefined || rates.series === undefined) {
    return undefined;
  }
  const bps = pricing.bytesPerSample;
  const rawPerDay = (rates.samplesPerSecond * 86400 * bps) / GB;
  const fivePerDay = (rates.series * (86400 / 300) * AGGREGATES * bps) / GB;
  const hourPerDay = (rates.series * 24 * AGGREGATES * bps) / GB;
  const gb =
    rawPerDay * durationDays(s.raw)! +
    fivePerDay * durationDays(s.fiveMinutes)! +
    hourPerDay * durationDays(s.oneHour)!;
  return { gb, monthly: gb * pricing.objectStorageGbMonth };
}

function ilmStorage(
  s: IlmRetention,
  rates: IngestRates,
  pricing: RetentionPricing,
): { gb: number; monthly: number } | undefined {
  if (rates.gbPerDay === undefined) {
    return undefined;
  }
  const hotGb = rates.gbPerDay * durationDays(s.warmAfter)!;
  const warmGb =
    rates.gbPerDay *
    (durationDays(s.deleteAfter)! - durationDays(s.warmAfter)!);
  return {
    gb: hotGb + warmGb,
    monthly: hotGb * pricing.esHotGbMonth + warmGb * pricing.esWarmGbMonth,
  };
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/**
 * The steady-state storage of the current and the requested retention, and the
 * monthly cost of the difference, from measured ingest rates.
 */
export function estimateRetentionCost(options: {
  signal: RetentionSignal;
  current?: RetentionSettings;
  requested: RetentionSettings;
  rates: IngestRates;
  pricing: RetentionPricing;
}): RetentionCostEstimate {
  const { signal, rates, pricing } = options;
  const storage = (s: RetentionSettings) =>
    signal === 'metrics'
      ? metricsStorage(s as MetricsRetention, rates, pricing)
      : ilmStorage(s as IlmRetention, rates, pricing);
  const warnings = [...rates.warnings];
  const requested = storage(options.requested);
  const current = options.current ? storage(options.current) : undefined;
  if (!options.current) {
    warnings.push(
      'The current retention is unknown, so the delta counts from zero',
    );
  }
  const inputs: Record<string, number | string> = {
    ...rates.inputs,
    ...(signal === 'metrics'
      ? {
          bytesPerSample: pricing.bytesPerSample,
          [`objectStorage${pricing.currency}PerGbMonth`]:
            pricing.objectStorageGbMonth,
        }
      : {
          [`esHot${pricing.currency}PerGbMonth`]: pricing.esHotGbMonth,
          [`esWarm${pricing.currency}PerGbMonth`]: pricing.esWarmGbMonth,
        }),
  };
  if (!requested) {
    return {
      currentGb: 0,
      requestedGb: 0,
      deltaGb: 0,
      currency: pricing.currency,
      deltaMonthlyCost: 0,
      inputs,
      warnings: [
        ...warnings,
        'No measured ingest rate: the cost could not be estimated',
      ],
    };
  }
  const currentGb = current?.gb ?? 0;
  return {
    currentGb: round(currentGb),
    requestedGb: round(requested.gb),
    deltaGb: round(requested.gb - currentGb),
    currency: pricing.currency,
    deltaMonthlyCost: round(requested.monthly - (current?.monthly ?? 0)),
    inputs,
    warnings,
  };
}
