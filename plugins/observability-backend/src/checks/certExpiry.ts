import { defineCheck, upstreamRequest } from './defineCheck';
import { X509Certificate } from 'node:crypto';
import {
  CheckResult,
  HealthStatus,
} from '@fleetobs/plugin-observability-common';
import { ConfiguredCertificate } from '../upstream/createUpstreamClients';
import { PromQueryResult } from '../upstream/ThanosClient';
import { unknownForAll } from './perCluster';
import { assertLabelName, promString, sampleNumber, vectorOf } from './promql';
import { checkResult, round } from './result';
import { Answer, CheckContext, CheckLabels, FleetClusterRef } from './types';

const DAY = 86400;

/** The soonest-expiring cert-manager Certificate per cluster, seconds left. */
export function certExpiryQuery(labels: CheckLabels): string {
  const c = assertLabelName(labels.cluster);
  return `bottomk by (${c}) (1, certmanager_certificate_expiration_timestamp_seconds - time())`;
}

function statusForDays(days: number, ctx: CheckContext): HealthStatus {
  if (days <= ctx.thresholds.certCriticalDays) return 'critical';
  if (days <= ctx.thresholds.certWarnDays) return 'warn';
  return 'ok';
}

function describeDays(days: number): string {
  return days < 0
    ? `expired ${round(-days, 1)} days ago`
    : `expires in ${round(days, 1)} days`;
}

/**
 * Per cluster, from cert-manager metrics; `unknown` where a cluster exports none while
 * others do. When no cluster exports any (cert-manager metrics are not collected in
 * this fleet), there is no per-cluster result at all: the check does not apply.
 */
export function evaluateClusterCertExpiry(
  answer: Answer<PromQueryResult>,
  clusters: FleetClusterRef[],
  ctx: CheckContext,
): Record<string, CheckResult> {
  const query = certExpiryQuery(ctx.labels);
  if (!answer.ok) {
    return unknownForAll('cert-expiry', clusters, ctx, {
      source: 'thanos',
      query,
      error: answer.error,
    });
  }
  const soonest = new Map<
    string,
    { seconds: number; name: string; namespace: string }
  >();
  try {
    for (const sample of vectorOf(answer.value)) {
      const cluster = sample.metric[ctx.labels.cluster];
      if (!cluster) continue;
      const seconds = sampleNumber(sample.value[1]);
      const known = soonest.get(cluster);
      if (!known || seconds < known.seconds) {
        soonest.set(cluster, {
          seconds,
          name: sample.metric.name ?? sample.metric.certificate ?? '',
          namespace:
            sample.metric.namespace ?? sample.metric.exported_namespace ?? '',
        });
      }
    }
  } catch (error) {
    return unknownForAll('cert-expiry', clusters, ctx, {
      source: 'thanos',
      query,
      error: `unexpected answer: ${(error as Error).message}`,
    });
  }
  const out: Record<string, CheckResult> = {};
  if (soonest.size === 0) return out;
  for (const cluster of clusters) {
    const links = ctx.links.grafanaExplore(
      'Certificates in Grafana',
      `(certmanager_certificate_expiration_timestamp_seconds{${
        ctx.labels.cluster
      }=${promString(cluster.name)}} - time()) / 86400`,
    );
    const found = soonest.get(cluster.name);
    if (!found) {
      out[cluster.name] = checkResult('cert-expiry', ctx, {
        status: 'unknown',
        summary:
          'No cert-manager certificate metrics from the cluster: expiry cannot be judged',
        evidence: {
          source: 'thanos',
          query,
          values: { certificates: 0 },
          error: `no certmanager_certificate_expiration_timestamp_seconds series for ${cluster.name}`,
        },
        links,
      });
      continue;
    }
    const days = found.seconds / DAY;
    const status = statusForDays(days, ctx);
    const cert = found.namespace
      ? `${found.namespace}/${found.name}`
      : found.name;
    out[cluster.name] = checkResult('cert-expiry', ctx, {
      status,
      summary: `Soonest certificate ${cert} ${describeDays(days)}`,
      evidence: {
        source: 'thanos',
        query,
        values: {
          certificate: cert,
          days_left: round(days, 2),
          warn_days: ctx.thresholds.certWarnDays,
          critical_days: ctx.thresholds.certCriticalDays,
        },
      },
      links,
    });
  }
  return out;
}

/** Splits a PEM bundle into its certificates. */
export function pemBlocks(pem: string): string[] {
  return (
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? []
  );
}

/**
 * One result for the certificates (client certs and CA bundles, never keys) that
 * config gives for a group of upstreams; undefined when there are none.
 */
export function evaluateConfiguredCertExpiry(
  certificates: ConfiguredCertificate[],
  ctx: CheckContext,
): CheckResult | undefined {
  if (certificates.length === 0) return undefined;
  const source = 'config';
  const query = certificates.map(c => c.configKey).join(', ');
  let worst:
    | { days: number; subject: string; configKey: string; notAfter: string }
    | undefined;
  const unreadable: string[] = [];
  let count = 0;
  for (const entry of certificates) {
    const blocks = pemBlocks(entry.pem);
    if (blocks.length === 0) unreadable.push(entry.configKey);
    for (const block of blocks) {
      try {
        const cert = new X509Certificate(block);
        count += 1;
        const days =
          (new Date(cert.validTo).getTime() - ctx.now.getTime()) / 1000 / DAY;
        if (!worst || days < worst.days) {
          worst = {
            days,
            subject: cert.subject.replace(/\n/g, ', '),
            configKey: entry.configKey,
            notAfter: new Date(cert.validTo).toISOString(),
          };
        }
      } catch {
        unreadable.push(entry.configKey);
      }
    }
  }
  if (unreadable.length > 0) {
    return checkResult('cert-expiry', ctx, {
      status: 'critical',
      summary: `Unreadable PEM certificate in ${unreadable.join(', ')}`,
      evidence: {
        source,
        query,
        values: { certificates: count, unreadable: unreadable.join(', ') },
      },
    });
  }
  if (!worst) return undefined;
  return checkResult('cert-expiry', ctx, {
    status: statusForDays(worst.days, ctx),
    summary: `Soonest configured certificate (${worst.subject}, ${
      worst.configKey
    }) ${describeDays(worst.days)}`,
    evidence: {
      source,
      query,
      values: {
        certificates: count,
        subject: worst.subject,
        config_key: worst.configKey,
        not_after: worst.notAfter,
        days_left: round(worst.days, 2),
        warn_days: ctx.thresholds.certWarnDays,
        critical_days: ctx.thresholds.certCriticalDays,
      },
    },
  });
}

/** Which upstreams' configured certificates each platform part shows. */
const CONFIGURED_CERT_GROUPS = [
  ['thanos', ['thanos', 'alertmanager']],
  ['elasticsearch', ['elasticsearch']],
  ['jaeger', ['jaeger']],
] as const;

/** Certificate expiry (`cert-expiry`): cert-manager metrics per cluster, PEMs of config. */
export const certExpiryCheck = defineCheck({
  id: 'cert-expiry',
  title: 'Certificate expiry',
  seed: 'Ongoing operations: TLS cert rotation every 60–90 days; §6 Rotate certs',
  failureMode:
    'An mTLS client/server certificate or CA expires: handshakes fail and the signal stops flowing.',
  mitigation:
    'Automate via cert-manager + SealedSecret updates; update the Issuer / SealedSecrets and allow a rolling restart.',
  places: [
    { signal: 'metrics' },
    ...CONFIGURED_CERT_GROUPS.map(([platform]) => ({
      platform,
      source: 'config',
    })),
  ],
  source: 'thanos',
  requests: {
    certs: upstreamRequest('thanos', 'cert-expiry', (thanos, env) =>
      thanos.query(certExpiryQuery(env.ctx.labels), { time: env.ctx.now }),
    ),
  },
  evaluate: ({ certs }, { clusters, ctx, certificates }) => [
    {
      signal: 'metrics',
      results: evaluateClusterCertExpiry(certs, clusters, ctx),
    },
    ...CONFIGURED_CERT_GROUPS.map(([platform, upstreams]) => ({
      platform,
      result: evaluateConfiguredCertExpiry(
        certificates.filter(c =>
          (upstreams as readonly string[]).includes(c.upstream),
        ),
        ctx,
      ),
    })),
  ],
});
