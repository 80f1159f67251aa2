import {
  RetentionPlan,
  RetentionSettings,
  RetentionSignal,
  clusterLogIndexPrefix,
  retentionOwner,
  validateRetention,
} from '@fleetobs/plugin-observability-common';
import { FleetCluster } from '../lib/clusters';
import { ElasticsearchClient, ThanosClient } from '../upstream';
import { estimateRetentionCost, RetentionPricing } from './costEstimate';
import { RetentionBoundsLookup, signalBounds } from './bounds';
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

  /**
   * `fleet` is every cluster: a fleet-wide signal (traces) is planned only for its owner
   * (the ops cluster), against the bounds of every environment; a request for another
   * cluster gets a problem naming the owner.
   */
  async plan(
    cluster: FleetCluster,
    signal: RetentionSignal,
    requested: RetentionSettings,
    fleet: FleetCluster[] = [cluster],
  ): Promise<RetentionPlan> {
    const bounds = signalBounds(
      this.options.bounds,
      signal,
      cluster.environment,
      fleet,
    );
    const ownership = retentionOwner(signal, cluster.name, fleet);
    const [effective] = await readEffectiveRetention({
      clusters: [cluster],
      fleet,
      source: this.options.values,
      bounds: this.options.bounds,
    });
    const today = effective.signals[signal];
    const current =
      today.missing.length === 0 && !today.error
        ? (today.settings as RetentionSettings)
        : undefined;
    const problems = [
      ...(ownership.problem
        ? [{ field: 'cluster', message: ownership.problem }]
        : []),
      ...validateRetention(signal, requested, bounds),
    ];
    const plan: RetentionPlan = {
      cluster: cluster.name,
      environment: cluster.environment,
      signal,
      current,
      currentSource: today.error ?? today.source,
      requested,
      bounds,
      problems,
      ...(ownership.fleetWide && ownership.owner
        ? { fleetWideOwner: ownership.owner }
        : {}),
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
      logIndexPrefix: clusterLogIndexPrefix,
      spanIndexPattern: this.options.spanIndexPattern,
      spanClusterField: this.options.spanClusterField,
      fleetWide: ownership.fleetWide,
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
