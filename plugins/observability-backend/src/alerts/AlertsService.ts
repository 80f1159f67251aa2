import {
  AlertCounts,
  AlertMatcher,
  FiringAlert,
  AlertsUnavailable,
  SilenceCreated,
} from '@fleetobs/plugin-observability-common';
import { InputError } from '@backstage/errors';
import type { Answer, UiLinks } from '../checks/types';
import { DEFAULT_WATCHDOG_ALERT } from '../checks/alertRouting';
import { UpstreamError } from '../upstream/UpstreamError';
import type { AlertmanagerPool } from './AlertmanagerPool';
import {
  AlertsAnswers,
  askAlerts,
  countAlerts,
  firingAlertsOf,
} from './fleetAlerts';

export interface AlertsServiceOptions {
  pool?: AlertmanagerPool;
  /** The cluster label (`observability.labels.cluster`). */
  clusterLabel: string;
  ui: UiLinks;
  silenceMaxMs: number;
  /**
   * The always-firing heartbeat (`observability.alertmanager.watchdogAlertName`):
   * `alert-routing` checks it; it is no problem to list or count.
   */
  heartbeatAlertName?: string;
  now?: () => number;
}

/** Alertmanager refused the request (4xx): the caller's input, with its reason. */
export class AlertmanagerRefusedError extends InputError {}

/**
 * Firing alerts and silences across the fleet, each cluster's from its own
 * Alertmanager (one request per Alertmanager, in parallel).
 */
export class AlertsService {
  private readonly now: () => number;

  private readonly heartbeat: string;

  constructor(private readonly options: AlertsServiceOptions) {
    this.now = options.now ?? Date.now;
    this.heartbeat = options.heartbeatAlertName ?? DEFAULT_WATCHDOG_ALERT;
  }

  /**
   * Firing alerts of `clusters` matching `matchers` (all when none); clusters whose
   * Alertmanager failed are listed in `unavailable` with the reason.
   */
  async firing(
    clusters: readonly string[],
    matchers: AlertMatcher[] = [],
  ): Promise<{ alerts: FiringAlert[]; unavailable: AlertsUnavailable[] }> {
    const { pool, clusterLabel, ui } = this.options;
    if (!pool) {
      return {
        alerts: [],
        unavailable: clusters.map(cluster => ({
          cluster,
          error: 'alertmanager is not configured (observability.alertmanager)',
        })),
      };
    }
    const answers = await askAlerts(pool, clusters, clusterLabel, matchers);
    return firingAlertsOf(answers, clusters, {
      clusterLabel,
      heartbeat: this.heartbeat,
      ui,
    });
  }

  /**
   * Active alerts per cluster by severity from the fleet round's answer
   * (`fleetAlertsRequest`): none when Alertmanager was not asked or failed as a whole.
   */
  countsOf(
    answer: Answer<AlertsAnswers> | undefined,
    clusters: readonly string[],
  ): Record<string, AlertCounts> | undefined {
    if (!answer?.ok) return undefined;
    return countAlerts(answer.value, clusters, {
      clusterLabel: this.options.clusterLabel,
      heartbeat: this.heartbeat,
    });
  }

  /** Creates a silence in the cluster's Alertmanager; `createdBy` is the signed-in user. */
  async silence(request: {
    cluster: string;
    matchers: AlertMatcher[];
    durationMinutes: number;
    comment: string;
    createdBy: string;
  }): Promise<SilenceCreated> {
    const durationMs = request.durationMinutes * 60_000;
    if (durationMs > this.options.silenceMaxMs) {
      throw new InputError(
        `A silence may last at most ${Math.floor(
          this.options.silenceMaxMs / 60_000,
        )} minutes (observability.alerts.silenceMaxDuration)`,
      );
    }
    const target = this.targetOf(request.cluster);
    const { clusterLabel } = this.options;
    if (
      request.matchers.some(
        m => m.name === clusterLabel && m.value !== request.cluster,
      )
    ) {
      throw new InputError(
        `A silence in ${request.cluster} must not match another cluster's ${clusterLabel}`,
      );
    }
    // On a shared Alertmanager a silence without the cluster matcher would mute the
    // same alert in every cluster.
    const matchers =
      target.shared &&
      !request.matchers.some(
        m => m.name === clusterLabel && m.isEqual && !m.isRegex,
      )
        ? [
            ...request.matchers,
            {
              name: clusterLabel,
              value: request.cluster,
              isRegex: false,
              isEqual: true,
            },
          ]
        : request.matchers;
    const startsAt = new Date(this.now());
    const endsAt = new Date(startsAt.getTime() + durationMs);
    const silenceId = await refused(() =>
      target.client.createSilence({
        matchers,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        createdBy: request.createdBy,
        comment: request.comment,
      }),
    );
    return {
      cluster: request.cluster,
      silenceId,
      endsAt: endsAt.toISOString(),
    };
  }

  /** A silence of the cluster's Alertmanager, its matchers as the portal reads them. */
  async get(cluster: string, silenceId: string) {
    const target = this.targetOf(cluster);
    const silence = await refused(() => target.client.silence(silenceId));
    return {
      ...silence,
      matchers: silence.matchers.map(m => ({
        ...m,
        isEqual: m.isEqual ?? true,
      })),
    };
  }

  /** Expires a silence in the cluster's Alertmanager. */
  async expire(cluster: string, silenceId: string): Promise<void> {
    const target = this.targetOf(cluster);
    await refused(() => target.client.expireSilence(silenceId));
  }

  private targetOf(cluster: string) {
    const target = this.options.pool?.forCluster(cluster);
    if (!target) {
      throw new InputError(`No Alertmanager is configured for ${cluster}`);
    }
    return target;
  }
}

/** An Alertmanager 4xx is the request's fault: a 4xx for our caller, with the reason. */
async function refused<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (
      error instanceof UpstreamError &&
      error.status !== undefined &&
      error.status >= 400 &&
      error.status < 500
    ) {
      throw new AlertmanagerRefusedError(error.message);
    }
    if (error instanceof Error && /^invalid silence id/.test(error.message)) {
      throw new InputError(error.message);
    }
    throw error;
  }
}
