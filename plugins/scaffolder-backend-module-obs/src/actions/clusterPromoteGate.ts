import type {
  GitopsApplication,
  HealthTransition,
} from '@fleetobs/plugin-observability-common';
import type { ObservabilityBackend } from '../lib/observabilityBackend';

/** What the gate asks of the observability back end. @public */
export type PromotionGateBackend = Pick<
  ObservabilityBackend,
  'gitopsApplications' | 'clusterHistory' | 'firingAlerts'
>;

/** Why a cluster (and application) of the previous environment stops a promotion. */
export interface GateRefusal {
  cluster: string;
  application?: string;
  reason: string;
}

/** What the gate saw of one cluster of the previous environment. */
export interface GateClusterEvidence {
  cluster: string;
  applications: Array<
    Pick<GitopsApplication, 'name' | 'sync' | 'health' | 'targetRevision'>
  >;
  /** The cluster's overall fleet health and since when. */
  health?: { status: string; since?: string };
  /** Critical alerts firing there, not silenced or inhibited (unknown: undefined). */
  criticalAlerts?: string[];
}

/** The gate's whole view, for the refusal and the pull request. */
export interface GateEvidence {
  environment: string;
  revision: string;
  checkedAt: string;
  soakSeconds: number;
  clusters: GateClusterEvidence[];
  refusals: GateRefusal[];
}

const describe = (e: unknown) =>
  (e instanceof Error ? e.message : String(e)).slice(0, 300);

/**
 * The promotion gate: `revision` may leave `environment` only when every cluster of
 * it runs the revision (or a tracking revision such as HEAD) Synced and Healthy in
 * Argo CD, with no failed last sync, its fleet health has been `ok` for the
 * back end's soak time, and no critical alert fires there. Fails closed: what cannot
 * be asked is a refusal (a cluster without a configured Alertmanager excepted).
 */
export async function runPromotionGate(options: {
  backend: PromotionGateBackend;
  environment: string;
  /** The environment's clusters, from the values files. */
  clusters: string[];
  revision: string;
  trackingRevisions: string[];
  now: Date;
}): Promise<GateEvidence> {
  const { backend, environment, revision, now } = options;
  const refusals: GateRefusal[] = [];
  const evidence: GateEvidence = {
    environment,
    revision,
    checkedAt: now.toISOString(),
    soakSeconds: 0,
    clusters: [],
    refusals,
  };
  let answer;
  try {
    answer = await backend.gitopsApplications(environment);
  } catch (error) {
    for (const cluster of options.clusters) {
      refusals.push({
        cluster,
        reason: `Argo CD state could not be read: ${describe(error)}`,
      });
    }
    return evidence;
  }
  evidence.soakSeconds = answer.promotion?.soakSeconds ?? 3600;
  const byCluster = new Map(answer.clusters.map(c => [c.cluster, c]));
  const names = [...new Set([...options.clusters, ...byCluster.keys()])].sort();

  for (const cluster of names) {
    const seen: GateClusterEvidence = { cluster, applications: [] };
    evidence.clusters.push(seen);
    const state = byCluster.get(cluster);
    if (!state) {
      refusals.push({
        cluster,
        reason: 'unknown to the observability back end',
      });
    } else if (state.error) {
      refusals.push({ cluster, reason: `Argo CD: ${state.error}` });
    } else if (state.applications.length === 0) {
      refusals.push({ cluster, reason: 'Argo CD runs no application of it' });
    }
    for (const app of state?.applications ?? []) {
      seen.applications.push({
        name: app.name,
        sync: app.sync,
        health: app.health,
        targetRevision: app.targetRevision,
      });
      const refuse = (reason: string) =>
        refusals.push({ cluster, application: app.name, reason });
      const target = app.targetRevision ?? '';
      if (target !== revision && !options.trackingRevisions.includes(target)) {
        refuse(`runs ${target || '(no revision)'}, not ${revision}`);
      }
      if (app.sync !== 'Synced') refuse(`sync ${app.sync}`);
      if (app.health !== 'Healthy') refuse(`health ${app.health}`);
      if (app.operation && ['Failed', 'Error'].includes(app.operation.phase)) {
        refuse(
          `last sync ${app.operation.phase.toLowerCase()}${
            app.operation.message ? `: ${app.operation.message}` : ''
          }`,
        );
      }
    }
    const alerts = await criticalAlerts(backend, cluster);
    if ('error' in alerts) {
      refusals.push({ cluster, reason: alerts.error });
    } else {
      seen.criticalAlerts = alerts.names;
      for (const name of alerts.names) {
        refusals.push({ cluster, reason: `critical alert ${name} firing` });
      }
    }
    const health = await healthSince(backend, cluster);
    if ('error' in health) {
      refusals.push({ cluster, reason: health.error });
      continue;
    }
    seen.health = { status: health.status, since: health.since };
    if (health.status !== 'ok') {
      refusals.push({
        cluster,
        reason: `fleet health ${health.status} since ${health.since}`,
      });
    } else {
      const okSeconds = (now.getTime() - Date.parse(health.since)) / 1000;
      if (!(okSeconds >= evidence.soakSeconds)) {
        refusals.push({
          cluster,
          reason: `fleet health ok only since ${
            health.since
          } (soak time ${formatSeconds(evidence.soakSeconds)})`,
        });
      }
    }
  }
  return evidence;
}

/**
 * Names of the critical alerts firing (not silenced or inhibited) in a cluster. An
 * Alertmanager that did not answer is a refusal; one that is not configured is not,
 * since there is then nothing to ask.
 */
async function criticalAlerts(
  backend: PromotionGateBackend,
  cluster: string,
): Promise<{ names: string[] } | { error: string }> {
  let answer;
  try {
    answer = await backend.firingAlerts(cluster);
  } catch (error) {
    return { error: `alerts could not be read: ${describe(error)}` };
  }
  const down = answer.unavailable.find(u => u.cluster === cluster);
  if (down && !/not configured/.test(down.error)) {
    return { error: `alerts unknown: ${describe(down.error)}` };
  }
  const names = answer.alerts
    .filter(
      a =>
        a.cluster === cluster &&
        a.severity === 'critical' &&
        a.state === 'active',
    )
    .map(a => a.name);
  return { names: [...new Set(names)].sort() };
}

/** The cluster's overall status and since when, from its newest transition. */
async function healthSince(
  backend: PromotionGateBackend,
  cluster: string,
): Promise<{ status: string; since: string } | { error: string }> {
  let transitions: HealthTransition[];
  try {
    ({ transitions } = await backend.clusterHistory(cluster, {
      scope: 'overall',
      limit: 1,
    }));
  } catch (error) {
    return { error: `health history could not be read: ${describe(error)}` };
  }
  const newest = transitions?.[0];
  if (!newest || !Number.isFinite(Date.parse(newest.at))) {
    return { error: 'no fleet health history yet' };
  }
  return { status: newest.to, since: newest.at };
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** One line per refusal: `stag-01 / stag-01-monitoring: health Degraded`. */
export function describeRefusals(refusals: GateRefusal[]): string {
  return refusals
    .map(
      r =>
        `${r.cluster}${r.application ? ` / ${r.application}` : ''}: ${
          r.reason
        }`,
    )
    .join('; ');
}

/** Markdown cells must not break the table (or smuggle markup from upstream text). */
const cell = (text: string | undefined) =>
  (text ?? '').replace(/[\r\n]+/g, ' ').replace(/([|\\`*_<>[\]])/g, '\\$1');

/** The gate's evidence as the pull request's description shows it. */
export function gateMarkdown(
  evidence: GateEvidence,
  forced?: { reason: string },
): string {
  const lines = [
    `### Promotion gate: ${cell(evidence.environment)} at ${cell(
      evidence.revision,
    )}`,
    '',
    `Checked ${evidence.checkedAt}; soak time ${formatSeconds(
      evidence.soakSeconds,
    )}.`,
    '',
    '| cluster | fleet health | since | critical alerts | applications (sync / health / revision) |',
    '| --- | --- | --- | --- | --- |',
    ...evidence.clusters.map(
      c =>
        `| ${cell(c.cluster)} | ${cell(c.health?.status ?? 'unknown')} | ${cell(
          c.health?.since ?? '—',
        )} | ${
          c.criticalAlerts === undefined
            ? 'unknown'
            : cell(c.criticalAlerts.join(', ') || 'none')
        } | ${
          c.applications
            .map(
              a =>
                `${cell(a.name)}: ${cell(a.sync)} / ${cell(a.health)} / ${cell(
                  a.targetRevision ?? '—',
                )}`,
            )
            .join('<br>') || '—'
        } |`,
    ),
  ];
  if (evidence.refusals.length) {
    lines.push(
      '',
      forced
        ? `**Forced** past the gate. Reason: ${cell(forced.reason)}`
        : '**Refused:**',
      '',
      ...evidence.refusals.map(
        r =>
          `- ${cell(r.cluster)}${
            r.application ? ` / ${cell(r.application)}` : ''
          }: ${cell(r.reason)}`,
      ),
    );
  } else {
    lines.push('', 'Every cluster passed the gate.');
  }
  return lines.join('\n');
}
