import {
  RetentionPlan,
  RetentionSettings,
  RetentionSignal,
  validateRetention,
} from '@fleetobs/plugin-observability-common';
import { FleetCluster } from '../lib/clusters';
import { ElasticsearchClient, ThanosClient } from '../upstream';
import { estimateRetentionCost, RetentionPricing } from './costEstimate';
import { RetentionBoundsLookup } from './bounds';
import { readEffectiveRetention } from './effectiveRetention';
import { GitopsValuesSource } from './GitopsValuesSource';
import { measureIngest } from './measureIngest';

export type { RetentionPlan };

/**
 * Plans a retention change without side effects; the request API, the plan API and
 * the scaffolder's `obs:retention:plan` (through the plan API) all use it.
 */
export class RetentionPlanner {
  constructor(
    private readonly options: {
      values?: GitopsValuesSource;
      bounds: RetentionBoundsLookup;
      pricing: RetentionPricing;
      thanos?: ThanosClient;
      elasticsearch?: ElasticsearchClient;
      clusterLabel: string;
      spanIndexPattern: string;
      spanClusterField: string;
      clusterCount: () => Promise<number>;
    },
  ) {}

  async plan(
    cluster: FleetCluster,
    signal: RetentionSignal,
    requested: RetentionSettings,
  ): Promise<RetentionPlan> {
    const bounds = this.options.bounds(cluster.environment, signal);
    const [effective] = await readEffectiveRetention({
      clusters: [cluster],
      source: this.options.values,
      bounds: this.options.bounds,
    });
    const today = effective.signals[signal];
    const current =
      today.missing.length === 0 && !today.error
        ? (today.settings as RetentionSettings)
        : undefined;
    const problems = validateRetention(signal, requested, bounds);
    const plan: RetentionPlan = {
      cluster: cluster.name,
      environment: cluster.environment,
      signal,
      current,
      currentSource: today.error ?? today.source,
      requested,
      bounds,
      problems,
    };
    if (problems.length > 0) {
      return plan;
    }
    const rates = await measureIngest({
      signal,
      cluster: cluster.name,
      clusterCount: await this.options.clusterCount(),
      clusterLabel: this.options.clusterLabel,
      thanos: this.options.thanos,
      elasticsearch: this.options.elasticsearch,
      logIndexPrefix: name => `logs-${name}`,
      spanIndexPattern: this.options.spanIndexPattern,
      spanClusterField: this.options.spanClusterField,
    });
    plan.estimate = estimateRetentionCost({
      signal,
      current,
      requested,
      rates,
      pricing: this.options.pricing,
    });
    return plan;
  }
}
